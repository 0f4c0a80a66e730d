"""Which consultation a read means: the query parameters every consultation read takes."""

from __future__ import annotations

from typing import Annotated

from service.api.params import id_query

# Every cycle's record stays readable at a stable address: ?cycle=1 is the first cycle's for good.
CycleQuery = Annotated[
    int | None,
    id_query(description="Siklus kebijakan (1, 2, …); tanpa ini: siklus yang sedang berjalan."),
]
WindowQuery = Annotated[
    int | None,
    id_query(
        description="Satu jendela konsultasi (juga dari siklus lalu); tanpa ini: semua jendela siklusnya."
    ),
]

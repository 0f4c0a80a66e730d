"""The cuti bersama of the SKB of three ministers for 2026 and 2027, as migration 0024 seeded them.

Cuti bersama are days off for civil servants decreed each year by a joint decree (SKB) of the
Minister of Religious Affairs, the Minister of Manpower and the Minister for Administrative
Reform; the `holidays` library's public Indonesian calendar leaves them out. Later years are
recorded by an admin (the calendar page, or POST /api/v1/holidays) once their SKB is signed.
"""

from __future__ import annotations

from datetime import date

SKB_BASIS = (
    "SKB Menteri Agama, Menteri Ketenagakerjaan dan MenPAN-RB tentang hari libur nasional dan cuti bersama"
)
CUTI_BERSAMA: tuple[tuple[date, str], ...] = (
    (date(2026, 2, 16), "Cuti bersama Tahun Baru Imlek 2577 Kongzili"),
    (date(2026, 3, 18), "Cuti bersama Hari Suci Nyepi Tahun Baru Saka 1948"),
    (date(2026, 3, 20), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 3, 23), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 3, 24), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 5, 15), "Cuti bersama Kenaikan Yesus Kristus"),
    (date(2026, 5, 28), "Cuti bersama Idul Adha 1447 H"),
    (date(2026, 12, 24), "Cuti bersama Hari Raya Natal"),
    (date(2027, 2, 5), "Cuti bersama Tahun Baru Imlek 2578 Kongzili"),
    (date(2027, 3, 9), "Cuti bersama Idul Fitri 1448 H"),
    (date(2027, 3, 12), "Cuti bersama Idul Fitri 1448 H"),
    (date(2027, 3, 15), "Cuti bersama Idul Fitri 1448 H"),
    (date(2027, 3, 25), "Cuti bersama Wafat Yesus Kristus"),
    (date(2027, 5, 18), "Cuti bersama Idul Adha 1448 H"),
    (date(2027, 5, 19), "Cuti bersama Hari Raya Waisak 2571 BE"),
    (date(2027, 12, 24), "Cuti bersama Hari Raya Natal"),
)


def seed_rows() -> list[dict[str, object]]:
    """Return the holiday table's rows of the SKB (the columns a plain INSERT needs but the time)."""
    return [
        {"closed_on": day, "name": name, "kind": "cuti_bersama", "basis": f"{SKB_BASIS} tahun {day.year}"}
        for day, name in CUTI_BERSAMA
    ]

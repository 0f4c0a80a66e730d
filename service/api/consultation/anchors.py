"""Comment anchors over HTTP: what a comment is anchored to, and where it sits in later versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from policies.consultation.anchors import AnchorRequest
from policies.consultation.carried import comment_carried, version_carried
from policies.consultation.models import AnchorMethod, AnchorStatus, CommentAnchor, Outcome
from service.api.params import IdPath, SlugPath, text_query
from service.api.schemas import NoNul, Text
from service.auth import OptionalActorDep
from service.deps import ReadSessionDep

router = APIRouter(tags=["comments"])


class AnchorIn(BaseModel):
    """Where a new comment is anchored: an element of its clause, and optionally a passage in it.

    `quote`, `prefix` and `suffix` are a W3C Web Annotation text-quote selector; `start` and `end`
    (offsets in the element's own text) a text-position selector. The quote must be at `start` in
    the element's text, or be found there by its context; otherwise the comment is refused (422,
    naming the field).
    """

    element_key: Annotated[str | None, NoNul] = Field(
        default=None, max_length=40, description="Kunci bagian (ayat, huruf, …) pada pasal ini."
    )
    eid: Annotated[str | None, NoNul] = Field(
        default=None, max_length=160, description="Atau eId bagian, mis. pasal_6__ayat_2."
    )
    quote: Text = Field(default="", max_length=5_000, description="Kutipan persis dari teks bagian itu.")
    prefix: Text = Field(default="", max_length=200, description="Teks tepat sebelum kutipan.")
    suffix: Text = Field(default="", max_length=200, description="Teks tepat sesudah kutipan.")
    start: int | None = Field(default=None, ge=0, le=500_000, description="Posisi awal kutipan.")
    end: int | None = Field(default=None, ge=0, le=500_000, description="Posisi akhir kutipan.")

    def request(self) -> AnchorRequest:
        """Return the domain's anchor request."""
        return AnchorRequest(**self.model_dump())


class AnchorPlacement(BaseModel):
    """Where a comment sits in a later version, how it was found and what the change did to it."""

    version: int = Field(description="Nomor versi yang diterbitkan kemudian.")
    element_key: str | None
    eid: str | None
    clause_key: str | None
    label: str
    start: int | None
    end: int | None
    method: AnchorMethod = Field(description="exact, fuzzy, element atau lost.")
    confidence: float = Field(ge=0, le=1)
    status: AnchorStatus = Field(description="relevant, moved atau moot.")
    change_label: str = Field(description='Perubahan yang menyebabkannya, mis. "Pasal 8 dihapus".')
    created_at: datetime


class CarriedCommentPublic(BaseModel):
    """A comment of an earlier version as a later version carries it."""

    comment_id: int
    from_version: int
    clause_key: str = Field(description="Pasal tempat masukan dibuat.")
    element_label: str = Field(description="Bagian tempat masukan dibuat (kosong: seluruh pasal).")
    quote: str
    body: str
    author_name: str
    outcome: Outcome | None
    anchor: AnchorPlacement


def _placement(anchor: CommentAnchor, number: int) -> AnchorPlacement:
    values = {k: getattr(anchor, k) for k in AnchorPlacement.model_fields if hasattr(anchor, k)}
    return AnchorPlacement.model_validate(
        {**values, "start": anchor.quote_start, "end": anchor.quote_end, "version": number}
    )


@router.get("/policies/{slug}/versions/{number}/anchors", response_model=list[CarriedCommentPublic])
def version_anchors(
    slug: SlugPath,
    number: IdPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    clause_key: Annotated[str | None, text_query(max_length=40), NoNul] = None,
) -> list[CarriedCommentPublic]:
    """List the comments of earlier versions carried onto this version (or one clause of it)."""
    items = version_carried(session, actor=viewer, slug=slug, number=number, clause_key=clause_key)
    return [
        CarriedCommentPublic(
            comment_id=i.comment.id,  # type: ignore[arg-type]
            from_version=i.from_version,
            clause_key=i.comment.clause_key,
            element_label=i.comment.element_label,
            quote=i.comment.quote,
            body=i.comment.body,
            author_name=i.comment.author_name,
            outcome=i.outcome,  # type: ignore[arg-type]
            anchor=_placement(i.anchor, number),
        )
        for i in items
    ]


@router.get("/policies/{slug}/comments/{comment_id}/anchors", response_model=list[AnchorPlacement])
def comment_anchors(slug: SlugPath, comment_id: IdPath, session: ReadSessionDep) -> list[AnchorPlacement]:
    """List where a comment sits in each version published after the one it was made on."""
    return [
        _placement(a.anchor, a.version_number)
        for a in comment_carried(session, slug=slug, comment_id=comment_id)
    ]

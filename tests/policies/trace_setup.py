"""Shared setup of the comment-to-change tests: a closed consultation, three answered comments on
Pasal 2 and Pasal 3, and version 2 published with Pasal 2 ayat (2) huruf b rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from policies.accounts.access import Actor
from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.models import Campaign, Outcome
from policies.consultation.queries import current_window
from policies.core.db import unit_of_work
from policies.drafting import versions as drafts
from policies.drafting.elements import elements_of
from policies.drafting.models import DraftVersion
from policies.drafting.queries import clauses_of, get_version
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, SLUG, account, open_consultation

OLD_WORDS = "b. menjaga kesejahteraan Pegawai ASN;"
NEW_WORDS = "b. menjaga dan meningkatkan kesejahteraan Pegawai ASN melalui tunjangan kinerja;"
CLOSED = LATER + timedelta(days=40)

__all__ = ["CLOSED", "DRAFTER", "LATER", "SLUG", "Traced", "consult_and_revise", "element_key_of"]


@dataclass(frozen=True)
class Traced:
    """The comments of the walk (accepted, partly accepted, not accepted), their author and the keys."""

    accepted: int
    partly: int
    refused: int
    author: Actor
    pasal_2: str
    pasal_3: str
    huruf_b: str


def element_key_of(db: str, *, number: int, clause_key: str, kind: str, num: str) -> str:
    """Return the key of a version's element of this kind and number inside a clause."""
    with unit_of_work(db) as s:
        version = get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=number)  # type: ignore[arg-type]
        return next(
            e.key
            for e in elements_of(session=s, version_id=version.id)  # type: ignore[arg-type]
            if e.clause_key == clause_key and e.kind == kind and e.num == num
        )


LETTER = (
    "Kami para pegawai meminta agar tunjangan kinerja disebut secara tegas sebagai sarana kesejahteraan "
    "pegawai di kota ini dan dibayarkan tepat waktu setiap bulan tanpa potongan yang tidak jelas"
)


def consult_and_revise(
    db: str, *, publish: bool = True, campaign: int = 0, author: Actor | None = None
) -> Traced:
    """Consult on version 1, answer three comments (and a campaign of `campaign` copies, accepted at
    once), close, write (and publish) the revised version 2."""
    open_consultation(db)
    author = author or account(db, email="sari@asn.test", group="asn")
    other = account(db, email="budi@warga.test")
    copiers = [account(db, email=f"pegawai{n}@asn.test", group="asn") for n in range(campaign)]
    with unit_of_work(db) as s:
        window = current_window(s, policy=get_policy(s, slug=SLUG))
        assert window is not None
        keys: dict[str, str] = {}
        for c in clauses_of(s, version_id=window.version_id):
            keys.setdefault(c.heading, c.key)  # the Pasal, not its Penjelasan entry of the same name
        pasal_2, pasal_3 = keys["Pasal 2"], keys["Pasal 3"]
        made = [
            comments.create_comment(s, actor=who, slug=SLUG, clause_key=key, body=body, now=LATER).id
            for who, key, body in (
                (
                    author,
                    pasal_2,
                    "Mohon huruf b juga menyebut peningkatan kesejahteraan, tidak hanya menjaga.",
                ),
                (other, pasal_2, "Sebutkan tunjangan kinerja sebagai sarana kesejahteraan."),
                (other, pasal_3, "Hapus pendanaan dari ruang lingkup."),
            )
        ]
        for who in copiers:
            comments.create_comment(s, actor=who, slug=SLUG, clause_key=pasal_2, body=LETTER, now=LATER)
    accepted, partly, refused = made
    with unit_of_work(db) as s:
        consultation.close_window(s, actor=DRAFTER, slug=SLUG, now=CLOSED)
        for group in s.exec(select(Campaign)).all():
            comments.dispose_campaign(
                s,
                actor=DRAFTER,
                slug=SLUG,
                campaign_id=group.id,  # type: ignore[arg-type]
                outcome=Outcome.ACCEPTED,
                reason="Tunjangan kinerja kini disebut pada huruf b.",
                now=CLOSED,
            )
        for comment_id, outcome, reason in (
            (accepted, Outcome.ACCEPTED, "Huruf b kini menyebut peningkatan kesejahteraan."),
            (
                partly,
                Outcome.PARTLY,
                "Tunjangan kinerja disebut; rinciannya diatur Peraturan Wali Kota lain.",
            ),
            (refused, Outcome.NOT_ACCEPTED, "Pendanaan tetap diatur karena menjadi dasar anggaran."),
        ):
            comments.dispose(
                s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, outcome=outcome, reason=reason, now=CLOSED
            )  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        first = get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=1)  # type: ignore[arg-type]
        assert OLD_WORDS in first.body
        revised: DraftVersion = drafts.write_draft(
            s,
            actor=DRAFTER,
            slug=SLUG,
            body=first.body.replace(OLD_WORDS, NEW_WORDS),
            change_note="Perbaikan sesudah konsultasi publik.",
        )
        assert revised.number == 2
        if publish:
            drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=2, now=CLOSED)
    huruf_b = element_key_of(db, number=2, clause_key=pasal_2, kind="huruf", num="b")
    return Traced(accepted, partly, refused, author, pasal_2, pasal_3, huruf_b)  # type: ignore[arg-type]

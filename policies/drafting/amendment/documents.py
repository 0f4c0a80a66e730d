"""The amending instrument of a policy's proposed version, read from the record (adoptions, versions)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.core.errors import Conflict
from policies.drafting.amendment.changes import Change, Plan, Reason, plan_amendment
from policies.drafting.amendment.instrument import (
    Enacted,
    Explanation,
    Regulation,
    amending_markdown,
    explanation_of,
    regulation_of,
    replacing_markdown,
)
from policies.drafting.amendment.parts import Text, from_stored
from policies.drafting.elements import elements_of
from policies.drafting.models import DraftVersion
from policies.drafting.queries import latest_version
from policies.drafting.reading import readable_version
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy
from policies.rollout.models import Adoption
from policies.rollout.queries import adoptions_of


@dataclass(frozen=True)
class Instrument:
    """The amending regulation of a proposed version, and the replacing one when that is advised."""

    slug: str
    adopted_version: int
    proposed_version: int
    ordinal: int  # 1: Perubahan, 2: Perubahan Kedua, …
    title: str
    advice: str  # "amend" | "replace"
    reasons: list[Reason]
    changes: list[Change]
    touched: int
    total: int
    amending: str  # Markdown
    replacing: str | None  # Markdown, when replacing is advised
    regulation: Regulation
    old: Text
    new: Text
    body: str  # the proposed version's Markdown
    explanation: Explanation | None = (
        None  # the amending regulation's Penjelasan (None: neither text has one)
    )

    @property
    def markdown(self) -> str:
        """The draft to take: the replacing regulation when advised, else the amending one."""
        return self.replacing if self.replacing is not None else self.amending


def text_of(session: Session, *, version: DraftVersion) -> Text:
    """Read a version's elements, refusing a text stored before the structure rules."""
    rows = elements_of(session=session, version_id=version.id)  # type: ignore[arg-type]
    if not rows:
        raise Conflict(
            f"Versi {version.number} tidak memiliki struktur (Pasal, ayat): simpan ulang teksnya "
            "sesuai format perancangan agar perubahannya dapat dituliskan.",
            en=f"Version {version.number} has no structure (Pasal, ayat): save its text again in "
            "the drafting format so that its changes can be written out.",
        )
    return from_stored(rows)


def adopted_version(session: Session, adoption: Adoption) -> DraftVersion:
    version = session.get(DraftVersion, adoption.version_id)
    assert version is not None  # a foreign key guarantees it
    return version


def chain_of(session: Session, *, adoptions: list[Adoption]) -> tuple[Adoption, list[Adoption]]:
    """Split adoptions into the regulation in force's own adoption and the amendments of it since.

    An adoption whose text changed too much to be amended (the advice was to replace) enacted a new
    regulation: the chain starts again there.
    """
    origin, amendments = adoptions[0], []
    for before, after in pairwise(adoptions):
        plan = plan_amendment(
            old=text_of(session, version=adopted_version(session, before)),
            new=text_of(session, version=adopted_version(session, after)),
            instrument=after.instrument_type,
        )
        if plan.reasons:
            origin, amendments = after, []
        else:
            amendments.append(after)
    return origin, amendments


def regulation_for(session: Session, *, policy: Policy, adoptions: list[Adoption]) -> Regulation:
    """Describe the regulation in force after these adoptions: name, subject, number, amendments."""
    origin, amendments = chain_of(session, adoptions=adoptions)
    judul = next(
        (p.text for p in text_of(session, version=adopted_version(session, origin)).of_kind("judul")), ""
    )
    return regulation_of(
        judul=judul,
        instrument=origin.instrument_type,
        enacted=Enacted.of(number=origin.number, adopted_on=origin.adopted_on),
        amendments=tuple(Enacted.of(number=a.number, adopted_on=a.adopted_on) for a in amendments),
        fallback_subject=policy.title,
    )


def amending_instrument(
    session: Session, *, actor: Actor | None, slug: str, version: int | None = None
) -> Instrument:
    """Write the instrument from the text adopted before a version's cycle to that version (or the newest)."""
    policy = get_policy(session, slug=slug)
    proposed = latest_version(session, policy_id=policy.id) if version is None else None  # type: ignore[arg-type]
    number = version if version is not None else (proposed.number if proposed else 0)
    if number == 0:
        raise Conflict("Kebijakan ini belum memiliki draf.", en="This policy has no draft yet.")
    _, proposed = readable_version(session, actor=actor, slug=slug, number=number)
    adoptions = [a for a in adoptions_of(session, policy_id=policy.id) if a.cycle < proposed.cycle]  # type: ignore[arg-type]
    if not adoptions:
        raise Conflict(
            f"Belum ada teks yang ditetapkan sebelum siklus {proposed.cycle}: yang dapat diubah adalah "
            "peraturan yang sudah ditetapkan.",
            en=f"No text was adopted before cycle {proposed.cycle}: only an adopted regulation can be "
            "amended.",
        )
    adopted = adopted_version(session, adoptions[-1])
    old, new = text_of(session, version=adopted), text_of(session, version=proposed)
    reg = regulation_for(session, policy=policy, adoptions=adoptions)
    plan: Plan = plan_amendment(old=old, new=new, instrument=reg.instrument)
    if not plan.changes and not plan.reasons:
        raise Conflict(
            f"Versi {proposed.number} sama dengan teks yang ditetapkan (versi {adopted.number}): tidak ada "
            "yang perlu diubah.",
            en=f"Version {proposed.number} reads as the adopted text (version {adopted.number}): there is "
            "nothing to amend.",
        )
    amending = amending_markdown(plan=plan, reg=reg, old=old, new=new)
    replacing = replacing_markdown(body=proposed.body, reg=reg, new=new) if plan.reasons else None
    ordinal = len(reg.amendments) + 1
    return Instrument(
        slug=slug,
        adopted_version=adopted.number,
        proposed_version=proposed.number,
        ordinal=ordinal,
        title=amending.splitlines()[0].removeprefix("# "),
        advice="replace" if plan.reasons else "amend",
        reasons=plan.reasons,
        changes=plan.changes,
        touched=plan.touched,
        total=plan.total,
        amending=amending,
        replacing=replacing,
        regulation=reg,
        old=old,
        new=new,
        body=proposed.body,
        explanation=explanation_of(plan=plan, old=old, new=new),
    )

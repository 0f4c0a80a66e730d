"""The amending instrument as files: Markdown, .docx laid out as a regulation, Akoma Ntoso 3.0 XML."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.drafting.akn.document import to_xml
from policies.drafting.amendment.akn import instrument_to_akn
from policies.drafting.amendment.documents import Instrument, adopted_version, amending_instrument
from policies.drafting.amendment.instrument import Enacted
from policies.drafting.documents import AKN_XML, DOCX, Download, akn_work
from policies.drafting.queries import get_version
from policies.drafting.structure import parse_structure
from policies.drafting.word.writer import markdown_to_docx
from policies.lifecycle.queries import get_policy
from policies.rollout.queries import adoptions_of

MARKDOWN = "text/markdown; charset=utf-8"


def _name(doc: Instrument, ext: str) -> str:
    return f"{doc.slug}-{'pengganti' if doc.replacing else 'perubahan'}-v{doc.proposed_version}.{ext}"


def for_word(markdown: str) -> str:
    """Unquote the `>` lines: Word prints quoted text as indented paragraphs under its item."""
    lines = []
    for line in markdown.split("\n"):
        stripped = line.strip()
        if stripped == ">":
            continue
        lines.append("   " + stripped[2:] if stripped.startswith("> ") else line)
    return "\n".join(lines)


def instrument_markdown(session: Session, *, actor: Actor | None, slug: str, version: int | None) -> Download:
    """The draft to take as Markdown (the amending regulation, or the replacing one when advised)."""
    doc = amending_instrument(session, actor=actor, slug=slug, version=version)
    return Download(_name(doc, "md"), MARKDOWN, doc.markdown.encode())


def instrument_docx(
    session: Session, *, actor: Actor | None, slug: str, version: int | None, font: str
) -> Download:
    """The draft to take laid out as a regulation in .docx."""
    doc = amending_instrument(session, actor=actor, slug=slug, version=version)
    return Download(_name(doc, "docx"), DOCX, markdown_to_docx(body=for_word(doc.markdown), font=font))


def instrument_akn(session: Session, *, actor: Actor | None, slug: str, version: int | None) -> Download:
    """The amending regulation as an Akoma Ntoso 3.0 `amendment` naming the amended work."""
    doc = amending_instrument(session, actor=actor, slug=slug, version=version)
    policy = get_policy(session, slug=slug)
    proposed = get_version(session, policy_id=policy.id, number=doc.proposed_version)  # type: ignore[arg-type]
    # The mods change the regulation as enacted (the work), whichever amendment's text they start from.
    enacted = doc.regulation.enacted
    origin = next(
        a
        for a in adoptions_of(session, policy_id=policy.id)  # type: ignore[arg-type]
        if Enacted.of(number=a.number, adopted_on=a.adopted_on) == enacted
    )
    amended = akn_work(session, policy=policy, version=adopted_version(session, origin))
    today = date.today()
    work = replace(
        akn_work(session, policy=policy, version=proposed),
        number=f"perubahan-{doc.ordinal}-{doc.regulation.enacted.number}-{doc.regulation.enacted.year}",
        title=doc.title,
        year=today.year,
        expression_on=today,
        adopted=False,
    )
    lines = doc.amending.split("\n")
    root = instrument_to_akn(
        title=doc.title,
        opening=lines[lines.index("### Pasal I") + 1],
        changes=doc.changes,
        closing=lines[lines.index("### Pasal II") + 1],
        elements=parse_structure(body=doc.body),
        work=work,
        amended=amended.work_uri(),
        explanation=doc.explanation,
    )
    return Download(_name(doc, "akn.xml"), AKN_XML, to_xml(root))

"""A version leaves as .docx or Akoma Ntoso, an adopted regulation as JDIHN metadata; a .docx comes in.

Reading follows the version's own rule (published, or the owners' draft); importing is the owners'
(an admin or a drafter of the owning unit), and writes a new version through `create_version`, so
the imported text meets every rule a typed one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from policies.accounts.access import Actor, require_owner
from policies.consultation.report import render_report
from policies.core.errors import InvalidInput, NotFound
from policies.drafting.akn.document import AknWork, subtype_of, to_xml, version_to_akn
from policies.drafting.models import DraftVersion
from policies.drafting.queries import versions_by_id
from policies.drafting.reading import readable_report, readable_version
from policies.drafting.structure import parse_structure
from policies.drafting.versions import create_version
from policies.drafting.word.reader import WordImport, import_docx
from policies.drafting.word.report import report_to_docx
from policies.drafting.word.writer import markdown_to_docx
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_kind, get_policy
from policies.rollout.models import Adoption
from policies.rollout.queries import adoptions_of, latest_adoption


@dataclass(frozen=True)
class Download:
    """A file to send: its name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AKN_XML = "application/akn+xml"


def _adoption_of(session: Session, *, policy: Policy, version: DraftVersion) -> Adoption | None:
    return next((a for a in adoptions_of(session, policy_id=policy.id) if a.version_id == version.id), None)  # type: ignore[arg-type]


def akn_work(session: Session, *, policy: Policy, version: DraftVersion) -> AknWork:
    """Name a version in FRBR terms: an adopted one by its instrument's number, a draft by the policy."""
    kind = get_kind(session, kind_id=policy.kind_id)
    adoption = _adoption_of(session, policy=policy, version=version)
    day = (version.published_at or version.created_at).date()
    return AknWork(
        region=policy.region,
        instrument_type=adoption.instrument_type if adoption else kind.instrument_type,
        number=adoption.number if adoption else policy.slug,
        year=adoption.adopted_on.year if adoption else day.year,
        title=version.title or policy.title,
        author=policy.unit,
        version=version.number,
        expression_on=adoption.adopted_on if adoption else day,
        adopted=adoption is not None,
    )


def version_docx(session: Session, *, actor: Actor | None, slug: str, number: int, font: str) -> Download:
    """Lay a readable version out as a regulation in .docx."""
    _, version = readable_version(session, actor=actor, slug=slug, number=number)
    return Download(f"{slug}-v{number}.docx", DOCX, markdown_to_docx(body=version.body, font=font))


def version_akn(session: Session, *, actor: Actor | None, slug: str, number: int) -> Download:
    """Export a readable version as Akoma Ntoso 3.0 XML with the structure's eIds."""
    policy, version = readable_version(session, actor=actor, slug=slug, number=number)
    try:
        elements = parse_structure(body=version.body)
    except InvalidInput as refusal:
        # A text stored before the structure's rules (docs/drafting-format.md) has no eIds to export.
        raise InvalidInput(
            f"Versi {number} tidak ditulis dalam struktur Lampiran II, sehingga tidak dapat diekspor sebagai "
            f"Akoma Ntoso: {refusal.detail}",
            en=f"Version {number} is not written in the Lampiran II structure, so it cannot be exported as "
            f"Akoma Ntoso: {refusal.detail_en}",
            field="number",
        ) from refusal
    root = version_to_akn(elements=elements, work=akn_work(session, policy=policy, version=version))
    return Download(f"{slug}-v{number}.akn.xml", AKN_XML, to_xml(root))


def report_docx(
    session: Session, *, actor: Actor | None, slug: str, cycle: int | None, now: datetime, font: str
) -> Download:
    """Set a cycle's consultation report in .docx once published (owners get the draft, marked so)."""
    report = readable_report(session, actor=actor, slug=slug, now=now, cycle=cycle)
    markdown = render_report(report.data, fmt="md", draft=report.draft)
    return Download(f"{slug}-laporan-konsultasi.docx", DOCX, report_to_docx(markdown=markdown, font=font))


def jdihn_metadata(session: Session, *, slug: str, base_url: str) -> dict[str, Any]:
    """Describe the adopted regulation in JDIHN's fields (jenis, nomor, tahun, judul, status, subjek, …)."""
    policy = get_policy(session, slug=slug)
    adoption = latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        raise NotFound(
            "Kebijakan ini belum ditetapkan: metadata JDIH tersedia setelah penetapan dicatat.",
            en="This policy is not adopted yet: JDIH metadata is available once the adoption is recorded.",
        )
    kind = get_kind(session, kind_id=policy.kind_id)
    version = versions_by_id(session, version_ids=[adoption.version_id]).get(adoption.version_id)
    judul = version.title if version is not None else policy.title
    subject = judul.split(" tentang ", 1)[1] if " tentang " in judul else judul
    year = adoption.adopted_on.year
    title = f"{adoption.instrument_type} Nomor {adoption.number} Tahun {year} tentang {subject}"
    work = akn_work(session, policy=policy, version=version) if version is not None else None
    site = base_url.rstrip("/")
    number = version.number if version is not None else 0
    return {
        "idData": f"{policy.slug}-{adoption.cycle}",
        "tipeDokumen": "Peraturan Perundang-undangan",
        "jenis": adoption.instrument_type,
        "singkatanJenis": subtype_of(adoption.instrument_type).upper(),
        "noPeraturan": adoption.number,
        "tahun_pengundangan": str(adoption.adopted_on.year),
        "tanggal_penetapan": adoption.adopted_on.isoformat(),
        "judul": title,
        "teuBadan": policy.region,
        "tempatTerbit": policy.region,
        "penerbit": policy.unit,
        "penandatangan": adoption.signed_by,
        "subjek": kind.name,
        # A withdrawn policy is no longer in force (JDIH's "Dicabut"); otherwise the adopted text is.
        "status": "Dicabut" if policy.stage is Stage.WITHDRAWN else "Berlaku",
        "bahasa": "Indonesia",
        "bidangHukum": "Hukum Administrasi Negara",
        "siklus": adoption.cycle,
        "akn": work.work_uri() if work is not None else "",
        "urlDetailPeraturan": f"{site}/policies/{policy.slug}",
        "urlDownload": f"{site}/api/v1/policies/{policy.slug}/versions/{number}/document.docx",
        "fileDownload": f"{policy.slug}-v{number}.docx",
    }


def import_version(
    session: Session, *, actor: Actor | None, slug: str, data: bytes, change_note: str = ""
) -> tuple[DraftVersion, WordImport]:
    """Read a .docx as a new draft version of the policy; return it with the paragraphs left out."""
    policy = get_policy(session, slug=slug)
    owner = require_owner(actor, policy=policy)  # refused before the file is read
    imported = import_docx(data=data)
    note = (
        change_note.strip()
        or f"Diimpor dari dokumen Word ({len(imported.unplaced)} paragraf tidak ditempatkan)."
    )
    version = create_version(session, actor=owner, slug=slug, body=imported.body, change_note=note)
    return version, imported

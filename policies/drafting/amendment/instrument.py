"""The amending regulation as a draft in the drafting format, or the replacing one, from a plan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policies.drafting.amendment.changes import Plan
from policies.drafting.amendment.parts import Text
from policies.drafting.amendment.render import explanation_lines
from policies.drafting.amendment.wording import amendment_name, cited

PLACEHOLDER = "…"
JUDUL = re.compile(r"^(?:Rancangan\s+)?(.+?)\s+Nomor\s+\S+\s+Tahun\s+\S+\s+tentang\s+(.+)$", re.IGNORECASE)
REGION_KIND = {"wali kota": "Kota", "walikota": "Kota", "bupati": "Kabupaten", "gubernur": "Provinsi"}
NUMBER_YEAR = re.compile(r"^(\S+)\s+Tahun\s+(\d{4})$", re.IGNORECASE)
KEY_MARK = re.compile(r"\s*\{#[a-z0-9][a-z0-9-]{1,38}\}\s*$")


@dataclass(frozen=True)
class Enacted:
    """An adopted instrument: its number and year."""

    number: str
    year: int

    @classmethod
    def of(cls, *, number: str, adopted_on: date) -> Enacted:
        """Read an adoption's number, written "45" or "45 Tahun 2026" on the adoption form."""
        m = NUMBER_YEAR.match(" ".join(number.split()))
        return cls(m.group(1), int(m.group(2))) if m else cls(number.strip(), adopted_on.year)


@dataclass(frozen=True)
class Regulation:
    """The regulation being amended: its name, subject, the adoption and the amendments since."""

    instrument: str  # "Peraturan Wali Kota"
    name: str  # "Peraturan Wali Kota Tangerang Selatan"
    subject: str  # "Kebijakan Kepegawaian"
    enacted: Enacted
    amendments: tuple[Enacted, ...] = ()

    @property
    def region(self) -> str:
        """The region named after the instrument ("Tangerang Selatan"), or nothing."""
        return self.name[len(self.instrument) :].strip() if self.name.startswith(self.instrument) else ""

    @property
    def office(self) -> str:
        """The signing office ("Wali Kota Tangerang Selatan")."""
        head = self.instrument.removeprefix("Peraturan").strip()
        return f"{head} {self.region}".strip()

    @property
    def gazette(self) -> str:
        """The gazette it is promulgated in ("Berita Daerah Kota Tangerang Selatan")."""
        kind = REGION_KIND.get(self.instrument.removeprefix("Peraturan").strip().lower(), "")
        return " ".join(w for w in ("Berita Daerah", kind if self.region else "", self.region) if w)

    def cite(self, enacted: Enacted, subject: str) -> str:
        """Cite one instrument with its gazette placeholder."""
        return (
            f"{self.name} Nomor {enacted.number} Tahun {enacted.year} tentang {subject} "
            f"({self.gazette} Tahun {enacted.year} Nomor {PLACEHOLDER})"
        )

    def amendment_subject(self, ordinal: int) -> str:
        """The subject of the n-th amendment: "Perubahan Kedua atas Peraturan … tentang …"."""
        return (
            f"{amendment_name(ordinal)} atas {self.name} Nomor {self.enacted.number} Tahun "
            f"{self.enacted.year} tentang {self.subject}"
        )

    def citation(self) -> str:
        """Cite the regulation as amended so far (Pasal I's opening and the Mengingat)."""
        text = self.cite(self.enacted, self.subject)
        if not self.amendments:
            return text
        last = self.amendments[-1]
        how = (
            "sebagaimana telah diubah dengan"
            if len(self.amendments) == 1
            else ("sebagaimana telah beberapa kali diubah, terakhir dengan")
        )
        return f"{text} {how} {self.cite(last, self.amendment_subject(len(self.amendments)))}"


def regulation_of(
    *, judul: str, instrument: str, enacted: Enacted, amendments: tuple[Enacted, ...], fallback_subject: str
) -> Regulation:
    """Read the regulation's name and subject from its Judul, else from the instrument and the policy."""
    m = JUDUL.match(" ".join(judul.split()))
    if m:
        return Regulation(instrument, m.group(1), m.group(2).rstrip("."), enacted, amendments)
    return Regulation(instrument, instrument, fallback_subject, enacted, amendments)


def _quoted(lines: tuple[str, ...]) -> list[str]:
    # Quoted text is indented under its item as a block quote: the item goes on, nothing is parsed as
    # a Pasal or ayat of the amendment itself, and Markdown shows it set apart.
    out: list[str] = []
    for i, line in enumerate(lines):
        if i:
            out.append("   >")
        out.append(f"   > {line}")
    return out


def _closing(reg: Regulation) -> list[str]:
    return [
        "## Penutup",
        f"Agar setiap orang mengetahuinya, memerintahkan pengundangan {reg.instrument} ini dengan "
        f"penempatannya dalam {reg.gazette}.",
        f"Ditetapkan di {reg.region or PLACEHOLDER}",
        f"pada tanggal {PLACEHOLDER}",
        f"{reg.office},",
        PLACEHOLDER,
        f"Diundangkan di {reg.region or PLACEHOLDER}",
        f"pada tanggal {PLACEHOLDER}",
        f"Sekretaris Daerah {reg.gazette.removeprefix('Berita Daerah').strip() or PLACEHOLDER},",
        PLACEHOLDER,
        f"{reg.gazette} Tahun {PLACEHOLDER} Nomor {PLACEHOLDER}",
    ]


def amending_markdown(*, plan: Plan, reg: Regulation, old: Text, new: Text) -> str:
    """Write the amending regulation: title, Menimbang and Mengingat stubs, Pasal I, Pasal II, Penjelasan."""
    ordinal = len(reg.amendments) + 1
    subject = reg.amendment_subject(ordinal)
    lines = [
        f"# {reg.name} Nomor {PLACEHOLDER} Tahun {PLACEHOLDER} tentang {subject}",
        "## Pembukaan",
        "Dengan Rahmat Tuhan Yang Maha Esa",
        f"{reg.office},",
        "### Menimbang",
        f"a. bahwa {PLACEHOLDER} (pertimbangan perubahan), perlu mengubah {reg.name} Nomor "
        f"{reg.enacted.number} Tahun {reg.enacted.year} tentang {reg.subject};",
        f"b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
        f"{reg.instrument} tentang {subject};",
        "### Mengingat",
    ]
    points = [
        p.text for p in old.of_kind("point") if p.parent_key in {m.key for m in old.of_kind("mengingat")}
    ]
    points.append(f"{reg.citation()};")
    lines.extend(f"{i}. {text}" for i, text in enumerate(points, start=1))
    lines += [
        "### Memutuskan",
        f"Menetapkan: {reg.instrument} tentang {subject}.",
        "### Pasal I",
    ]
    if len(plan.changes) == 1:
        # One change: Lampiran II writes it as Pasal I's own sentence, citing the regulation, unnumbered.
        change = plan.changes[0]
        lines.append(cited(change.sentence, reg.citation()))
        lines.extend(_quoted(change.quoted))
    else:
        lines.append(f"Beberapa ketentuan dalam {reg.citation()} diubah sebagai berikut:")
        for n, change in enumerate(plan.changes, start=1):
            lines.append(f"{n}. {change.sentence}")
            lines.extend(_quoted(change.quoted))
    lines += [
        "### Pasal II",
        f"{reg.instrument} ini mulai berlaku pada tanggal diundangkan.",
        *_closing(reg),
    ]
    explanation = explanation_of(plan=plan, old=old, new=new)
    if explanation is not None:
        lines.extend(_penjelasan(explanation))
    if any(c.kind == "lampiran_changed" for c in plan.changes):
        lines.extend(_lampiran(new))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Explained:
    """A Pasal an item of Pasal I writes (the amendment's number) and its explanation's lines."""

    number: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """The amending regulation's Penjelasan: Umum, then per item of Pasal I the Pasal it explains."""

    umum: tuple[str, ...]
    items: tuple[tuple[Explained, ...], ...]  # one entry per change, in Pasal I's order

    @property
    def numbered(self) -> bool:
        """Whether Pasal I numbers its items (more than one change), so the Penjelasan says "Angka n"."""
        return len(self.items) > 1


def explanation_of(*, plan: Plan, old: Text, new: Text) -> Explanation | None:
    """Say what the amending regulation's Penjelasan holds; None when neither text has a Penjelasan."""
    if not (old.of_kind("penjelasan") or new.of_kind("penjelasan")):
        return None
    umum = new.of_kind("penjelasan_umum")
    changed_umum = any(c.kind == "penjelasan_umum_changed" for c in plan.changes)
    by_number = {plan.numbers[p.key]: p for p in new.of_kind("pasal") if p.key in plan.numbers}
    by_eid = {p.eid: p for p in new.parts}
    items: list[tuple[Explained, ...]] = []
    for change in plan.changes:
        if change.kind == "pasal_deleted" or not change.pasal:
            items.append(())
            continue
        explained = []
        # The draft's ayat numbers → the amendment's, and the ayat deleted in place, for "Ayat (n)" lines.
        ayat_num = {by_eid[e].num: n for e, n in change.numbers if e in by_eid and by_eid[e].kind == "ayat"}
        deleted: dict[str | None, list[str]] = {}
        for after, n in change.deleted:
            anchor = by_eid.get(after)
            deleted.setdefault(
                anchor.num if anchor is not None and anchor.kind == "ayat" else None, []
            ).append(n)
        for number in change.pasal:
            pasal = by_number.get(number)
            entry = new.penjelasan_of(pasal.num) if pasal is not None else None
            lines = (
                explanation_lines(new, entry, ayat_num=ayat_num, deleted_after=deleted)
                if entry is not None
                else []
            )
            explained.append(Explained(number, tuple(lines or ["Cukup jelas."])))
        items.append(tuple(explained))
    return Explanation(
        umum=tuple(
            explanation_lines(new, umum[0])
            if changed_umum and umum
            else [f"{PLACEHOLDER} (alasan perubahan)"]
        ),
        items=tuple(items),
    )


def _penjelasan(explanation: Explanation) -> list[str]:
    lines = ["## Penjelasan", "### Umum", *explanation.umum, "### Pasal demi Pasal", "### Pasal I"]
    for n, explained in enumerate(explanation.items, start=1):
        if explanation.numbered:
            lines.append(f"Angka {n}")  # one change has no number in Pasal I, so none here either
        if not explained:
            lines.append("Cukup jelas.")
        for pasal in explained:
            lines += [f"Pasal {pasal.number}", *pasal.lines]
    lines += ["### Pasal II", "Cukup jelas."]
    return lines


def _lampiran(new: Text) -> list[str]:
    lines: list[str] = []
    for lampiran in new.of_kind("lampiran"):
        lines.append(f"## {lampiran.label} {lampiran.text}".rstrip())
        for part in new.subtree(lampiran)[1:]:
            lines.extend(part.text.split("\n") if part.text else [])
    return lines


def replacing_markdown(*, body: str, reg: Regulation, new: Text) -> str:
    """Write the replacing regulation: the proposed text as a new regulation revoking the old one."""
    revoked = (
        f"Pada saat {reg.instrument} ini mulai berlaku, {reg.citation()}, dicabut dan dinyatakan "
        "tidak berlaku."
    )
    nums = [int(m.group()) for p in new.of_kind("pasal") if (m := re.match(r"\d+", p.num))]
    last = max(nums, default=0) + 1
    out: list[str] = []
    added = seen_pasal = in_penjelasan = False
    for raw in body.replace("\r\n", "\n").split("\n"):
        line = KEY_MARK.sub("", raw) if raw.startswith("###") else raw
        if line.startswith("# "):
            out.append(f"# {reg.name} Nomor {PLACEHOLDER} Tahun {PLACEHOLDER} tentang {reg.subject}")
            continue
        body_part = line.startswith(("## BAB", "## Bagian", "## Paragraf"))
        if line.startswith("## ") and not body_part and seen_pasal and not added:
            out += [f"### Pasal {last}", revoked]
            added = True
        if in_penjelasan and line.startswith("## Lampiran"):
            out += [f"### Pasal {last}", "Cukup jelas."]
            in_penjelasan = False
        if line.strip() == "## Penjelasan":
            in_penjelasan = True
        seen_pasal = seen_pasal or line.startswith("### Pasal")
        out.append(line)
    if not added:
        out += [f"### Pasal {last}", revoked]
    elif in_penjelasan:
        out += [f"### Pasal {last}", "Cukup jelas."]
    return "\n".join(out).rstrip("\n") + "\n"

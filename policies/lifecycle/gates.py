"""Gates: pure checks over a policy's evidence; the stage specification says which moves each guards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from policies.core.i18n import format_date, format_number, format_share
from policies.lifecycle.evidence import Evidence

Check = Callable[[Evidence], tuple[bool, str, str]]


@dataclass(frozen=True)
class GateResult:
    """A gate's verdict, with the reason in Indonesian and English."""

    gate: str
    passed: bool
    reason: str
    reason_en: str
    # Where a person satisfies it (a key of `WHERE_SATISFIED`'s values); the pages map it to an address.
    where: str = ""


@dataclass(frozen=True)
class Gate:
    """A named check over a policy's evidence."""

    name: str
    check: Check

    def evaluate(self, evidence: Evidence) -> GateResult:
        """Run the check on the evidence."""
        passed, reason, reason_en = self.check(evidence)
        return GateResult(self.name, passed, reason, reason_en, WHERE_SATISFIED.get(self.name, ""))


GATES: list[Gate] = []

# Where the work that satisfies each gate is done: the draft, the workshops, the versions, the
# consultation windows, the triage of comments, the consultation report, adoption, socialization,
# survey rounds. Each front end (the pages) maps these keys to its own addresses.
WHERE_SATISFIED: dict[str, str] = {
    "draft_exists": "draft",
    "workshops_held": "workshops",
    "version_published": "versions",
    "window_long_enough": "consultation",
    "window_closed": "consultation",
    "every_comment_answered": "triage",
    "every_acceptance_traced": "changes",
    "report_published": "consultation_report",
    "adoption_recorded": "adoption",
    "socialization_held": "socialization",
    "reach_at_target": "socialization",
    "evaluation_round_closed": "evaluation_rounds",
}


def gate(check: Check) -> Gate:
    """Register a check as a gate named after its function (`policies/lifecycle/spec.py` places it)."""
    item = Gate(name=check.__name__, check=check)
    GATES.append(item)
    return item


@gate
def draft_exists(ev: Evidence) -> tuple[bool, str, str]:
    if ev.draft_versions > 0:
        return (
            True,
            f"Ada {ev.draft_versions} versi draf.",
            f"{ev.draft_versions} draft version(s).",
        )
    return (
        False,
        "Belum ada versi draf pada siklus ini: buat versi draf terlebih dahulu.",
        "No draft version in this cycle yet: create a draft version first.",
    )


@gate
def workshops_held(ev: Evidence) -> tuple[bool, str, str]:
    need, have = ev.rules.min_workshops, ev.workshops_with_minutes
    if have >= need:
        return True, f"{have} lokakarya dengan notula.", f"{have} workshop(s) with minutes."
    return (
        False,
        f"Baru {have} lokakarya dengan notula; jenis kebijakan ini mensyaratkan minimal {need}: "
        "catat notula lokakarya yang sudah dilaksanakan.",
        f"Only {have} workshop(s) with minutes; this policy kind requires at least {need}: "
        "record the minutes of the workshops held.",
    )


@gate
def version_published(ev: Evidence) -> tuple[bool, str, str]:
    if ev.published_versions > 0:
        return True, "Versi draf telah diterbitkan dan dibekukan.", "A draft version is published."
    return (
        False,
        "Belum ada versi draf yang diterbitkan (dibekukan) pada siklus ini: terbitkan versinya.",
        "No draft version is published (frozen) in this cycle: publish one.",
    )


@gate
def window_long_enough(ev: Evidence) -> tuple[bool, str, str]:
    need = ev.rules.min_consultation_days
    w = ev.window
    if w is None:
        return (
            False,
            f"Jadwal konsultasi publik belum dibuat: buka jendela minimal {need} hari.",
            f"No consultation window is scheduled: open one of at least {need} days.",
        )
    days = (w.closes_at - w.opens_at).total_seconds() / 86400
    if days + 1e-9 < need:
        return (
            False,
            f"Jendela konsultasi hanya {days:.0f} hari; jenis kebijakan ini mensyaratkan minimal "
            f"{need} hari: perpanjang tanggal penutupan.",
            f"The consultation window is only {days:.0f} days; this policy kind requires at least "
            f"{need}: move the closing date later.",
        )
    if w.closed_at is not None or w.closes_at <= ev.now:
        return (
            False,
            "Jendela konsultasi sudah berakhir: buat jendela baru.",
            "The consultation window has already ended: schedule a new one.",
        )
    return True, f"Jendela konsultasi {days:.0f} hari.", f"Consultation window of {days:.0f} days."


@gate
def window_closed(ev: Evidence) -> tuple[bool, str, str]:
    w = ev.window
    if w is None:
        return False, "Tidak ada jendela konsultasi.", "There is no consultation window."
    if w.closed_at is not None or w.closes_at <= ev.now:
        return True, "Konsultasi publik sudah ditutup.", "The consultation has closed."
    return (
        False,
        f"Konsultasi publik masih terbuka sampai {format_date(w.closes_at)}: tunggu penutupan "
        "atau tutup jendelanya lebih awal.",
        f"The consultation is open until {format_date(w.closes_at, locale='en')}: wait for it "
        "to close or close it early.",
    )


@gate
def every_comment_answered(ev: Evidence) -> tuple[bool, str, str]:
    # Counted over every window of the cycle; hidden comments are answered by the moderator's
    # recorded reason, so they are the only ones left out.
    missing = ev.comments_without_disposition
    if missing == 0:
        return (
            True,
            "Setiap masukan yang tampil, di semua jendela konsultasi siklus ini, telah "
            "ditindaklanjuti (masukan yang disembunyikan moderator dijawab oleh alasan moderasinya).",
            "Every visible comment, in every consultation window of this cycle, has a disposition "
            "(a comment hidden by a moderator is answered by the recorded reason for hiding it).",
        )
    return (
        False,
        f"{format_number(missing)} masukan yang tampil, di semua jendela konsultasi siklus ini, belum diberi "
        "tindak lanjut beserta alasannya (hak untuk mendapatkan penjelasan, UU 13/2022 Pasal 96): "
        "jawab semuanya. Masukan yang disembunyikan moderator dengan alasan tercatat tidak dihitung.",
        f"{format_number(missing, locale='en')} visible comment(s), across every consultation window of this "
        "cycle, still lack "
        "a disposition with a reason (the right to an explanation, Law 13/2022 Art. 96): answer "
        "them all. Comments a moderator hid with a recorded reason are not counted.",
    )


# How many untraced comments a refusal names one by one before it counts the rest.
NAMED_UNTRACED = 10


def _untraced_list(ev: Evidence, *, locale: str) -> str:
    shown = ev.untraced_acceptances[:NAMED_UNTRACED]
    word, rest = ("comment", "and {n} more") if locale == "en" else ("masukan", "dan {n} lainnya")
    names = [f"{word} #{u.comment_id}" + (f" ({u.clause})" if u.clause else "") for u in shown]
    more = len(ev.untraced_acceptances) - len(shown)
    if more > 0:
        names.append(rest.format(n=format_number(more, locale=locale)))
    return ", ".join(names)


@gate
def every_acceptance_traced(ev: Evidence) -> tuple[bool, str, str]:
    # The right to be told why (UU 13/2022 Pasal 96): an accepted comment points at the text it
    # changed, or says why the text stayed as it was.
    missing = len(ev.untraced_acceptances)
    if missing == 0:
        return (
            True,
            "Setiap masukan yang diterima (seluruhnya atau sebagian) telah ditautkan ke perubahan "
            "teks yang dihasilkannya, atau diberi alasan mengapa teksnya tetap.",
            "Every accepted (or partly accepted) comment is linked to the change of the text it "
            "caused, or says why the text stayed as it was.",
        )
    return (
        False,
        f"{format_number(missing)} masukan yang diterima belum ditautkan ke perubahan teks pada versi "
        f"berikutnya dan belum diberi alasan mengapa teksnya tetap: {_untraced_list(ev, locale='id')}. "
        "Tautkan perubahannya dari halaman perbandingan versi, atau tulis alasannya.",
        f"{format_number(missing, locale='en')} accepted comment(s) are linked to no change in the next "
        f"version and give no reason why the text stayed: {_untraced_list(ev, locale='en')}. Link "
        "the changes from the version comparison page, or write the reason.",
    )


@gate
def report_published(ev: Evidence) -> tuple[bool, str, str]:
    if ev.window is not None and ev.window.report_published_at is not None:
        return (
            True,
            "Laporan konsultasi telah diterbitkan.",
            "The consultation report is published.",
        )
    return (
        False,
        "Laporan hasil konsultasi publik belum diterbitkan: terbitkan laporannya.",
        "The consultation report is not published: publish it.",
    )


@gate
def adoption_recorded(ev: Evidence) -> tuple[bool, str, str]:
    a = ev.adoption
    if a is not None:
        return (
            True,
            f"Ditetapkan dengan {a.instrument_type} Nomor {a.number} tanggal {format_date(a.adopted_on)}.",
            f"Adopted as {a.instrument_type} No. {a.number} on {format_date(a.adopted_on, locale='en')}.",
        )
    return (
        False,
        "Penetapan belum dicatat: catat jenis instrumen, nomor dan tanggal penetapan.",
        "Adoption is not recorded: record the instrument, its number and date.",
    )


@gate
def socialization_held(ev: Evidence) -> tuple[bool, str, str]:
    n = ev.socialization_sessions
    if n > 0:
        return (
            True,
            f"{n} sesi sosialisasi telah dilaksanakan.",
            f"{n} socialization session(s) held.",
        )
    return (
        False,
        "Belum ada sesi sosialisasi yang dicatat: catat sesi beserta jumlah peserta.",
        "No socialization session is recorded: record one with its attendance.",
    )


@gate
def reach_at_target(ev: Evidence) -> tuple[bool, str, str]:
    target, reach = ev.rules.socialization_reach_target, ev.reach
    if ev.audience_size > 0 and reach + 1e-9 >= target:
        return (
            True,
            f"Jangkauan {format_share(reach)} dari target {format_share(target)}.",
            f"Reach {format_share(reach, locale='en')} of a {format_share(target, locale='en')} target.",
        )
    if ev.audience_size <= 0:
        return (
            False,
            "Jumlah ASN sasaran kebijakan belum diisi, sehingga jangkauan tidak dapat dihitung.",
            "The policy's audience size is not set, so reach cannot be computed.",
        )
    return (
        False,
        f"Jangkauan sosialisasi baru {format_share(reach)}, di bawah target "
        f"{format_share(target)}: adakan sesi lagi atau kumpulkan konfirmasi baca.",
        f"Socialization reach is {format_share(reach, locale='en')}, below the "
        f"{format_share(target, locale='en')} target: hold more sessions or collect "
        "acknowledgements.",
    )


@gate
def evaluation_round_closed(ev: Evidence) -> tuple[bool, str, str]:
    n = ev.closed_rounds_with_report
    if n > 0:
        return True, f"{n} putaran evaluasi selesai dengan laporan.", f"{n} round(s) closed."
    return (
        False,
        "Belum ada putaran survei evaluasi yang ditutup dengan laporannya.",
        "No evaluation survey round has closed with its report yet.",
    )

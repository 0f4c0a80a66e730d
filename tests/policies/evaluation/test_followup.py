"""Follow-up plans through two rounds: a weak unsur gets a plan, done, and the next round shows its rise."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, PermissionDenied
from policies.drafting import revision
from policies.drafting.queries import revision_notes
from policies.evaluation import measurements
from policies.evaluation.followup import notes, plans
from policies.evaluation.followup.progress import followup_section, outcome_rows, plan_rows
from policies.evaluation.report.as_docx import report_docx
from policies.evaluation.report.as_xlsx import report_xlsx
from policies.evaluation.report.followup_tables import trend_table
from policies.evaluation.report.render import render_report
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SLUG, indicator
from tests.policies.evaluation.followup_setup import BETTER_U8, WEAK_U8, closed_round, sheets
from tests.policies.evaluation.test_rounds import OTHER_DRAFTER

DUE = date(2026, 10, 1)


@pytest.fixture
def round_one(db: str, in_evaluation: str, staff: dict) -> int:
    return closed_round(
        db, staff["evaluator"], opens_at=NOW, sheets=sheets(WEAK_U8, units={"Dinas Kesehatan": 6})
    )


def test_a_weak_unsur_gets_a_plan_that_is_tracked_to_done(db: str, round_one: int, staff: dict) -> None:
    drafter = staff["drafter"]
    with unit_of_work(db) as s:
        weak = {
            (w.subject, w.code): w
            for w in plans.weak_subjects(s, survey=plans.get_round(s, round_id=round_one))
        }
        assert weak[("unsur", "u8")].baseline == "2.00" and weak[("unsur", "u8")].category == "D"
        assert ("unsur", "u1") not in weak  # 4,00 is mutu A
        item = plans.create_item(
            s,
            actor=drafter,
            round_id=round_one,
            subject="unsur",
            code="u8",
            action="Buka kanal pengaduan daring dan jawab setiap pengaduan dalam 5 hari kerja.",
            owner_unit="Bidang Pengembangan Kompetensi",
            due_on=DUE,
            now=NOW + timedelta(days=11),
        )
        assert (item.status, item.baseline, item.category, item.label) == (
            "planned",
            "2.00",
            "D",
            "Penanganan Pengaduan, Saran dan Masukan",
        )
        item_id = item.id
    with unit_of_work(db) as s:
        item = plans.update_item(
            s, actor=drafter, item_id=item_id, changes={"status": "in_progress"}, now=NOW
        )
        assert item.status == "in_progress"
        with pytest.raises(InvalidInput) as missing:
            plans.update_item(s, actor=drafter, item_id=item_id, changes={"status": "done"}, now=NOW)
        assert missing.value.field == "done_note"
    with unit_of_work(db) as s:
        item = plans.update_item(
            s,
            actor=drafter,
            item_id=item_id,
            changes={"status": "done", "done_note": "Kanal pengaduan daring dibuka; 12 pengaduan dijawab."},
            now=NOW + timedelta(days=40),
        )
        assert (item.status, item.done_on) == ("done", (NOW + timedelta(days=40)).date())
        with pytest.raises(Conflict):
            plans.update_item(s, actor=drafter, item_id=item_id, changes={"status": "in_progress"}, now=NOW)

    # Round 2, a year on: u8 rose from 2,00 to 3,00 (still C, so weak again, but better).
    round_two = closed_round(
        db,
        staff["evaluator"],
        opens_at=NOW + timedelta(days=60),
        sheets=sheets(BETTER_U8, units={"Dinas Kesehatan": 6}),
    )
    with unit_of_work(db) as s:
        section = followup_section(s, round_id=round_two)
        assert section.previous_round_number == 1
        [outcome] = section.outcomes
        assert outcome.item.id == item_id and outcome.done
        assert (outcome.now, outcome.delta, outcome.improved, outcome.category_now) == (
            "3.00",
            Decimal("1.00"),
            True,
            "C",
        )
        assert [w.weak.code for w in section.weak if w.weak.subject == "unsur"] == ["u8"]
        assert all(w.items == [] for w in section.weak)  # round 2's own plans are still to be written
        header, rows = outcome_rows(section, locale="en")
        assert header[3:] == ["Round 1", "Round 2", "Change"]
        assert rows == [
            [
                "U8 Handling of complaints, suggestions and feedback",
                "Buka kanal pengaduan daring dan jawab setiap pengaduan dalam 5 hari kerja.",
                "Done September 26, 2026: Kanal pengaduan daring dibuka; 12 pengaduan dijawab.",
                "2.00",
                "3.00",
                "+1.00 (improved)",
            ]
        ]
        first = followup_section(s, round_id=round_one)
        assert plan_rows(first)[1][0][:2] == ["U8 Penanganan Pengaduan, Saran dan Masukan", "2,00 (D)"]
        assert first.outcomes == [] and first.previous_round_number is None
        assert [i.id for row in first.weak for i in row.items] == [item_id]

        # The report's .docx and spreadsheet carry the same rows: round 1's plan, round 2's outcome, trends.
        def docx_rows(data: bytes) -> list[list[str]]:
            document = Document(BytesIO(data))
            return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]

        def xlsx_rows(data: bytes, sheet: str) -> list[list[str]]:
            book = load_workbook(BytesIO(data))
            return [[str(v) for v in row if v is not None] for row in book[sheet].iter_rows(values_only=True)]

        plan = plan_rows(first)[1][0]
        assert plan in docx_rows(report_docx(s, round_id=round_one))
        assert plan in xlsx_rows(report_xlsx(s, round_id=round_one), "Tindak lanjut")
        outcome_en = rows[0]
        assert outcome_en in docx_rows(report_docx(s, round_id=round_two, locale="en"))
        assert outcome_en in xlsx_rows(report_xlsx(s, round_id=round_two, locale="en"), "Follow-up")
        trend = xlsx_rows(report_xlsx(s, round_id=round_two), "Tren")
        assert trend[1] == ["P1 2026", "P2 2026"] and trend[2][0] == "IKM" and len(trend[2]) == 3
        # The trend's figures are numbers in the sheet (u8's NRR 2,00 then 3,00), not text to retype.
        numbers = list(
            load_workbook(BytesIO(report_xlsx(s, round_id=round_two)))["Tren"].iter_rows(values_only=True)
        )
        assert [r for r in numbers if r[0] == "U8 Penanganan Pengaduan, Saran dan Masukan (NRR)"] == [
            ("U8 Penanganan Pengaduan, Saran dan Masukan (NRR)", 2.0, 3.0)
        ]

        # So do the Markdown and the standalone HTML report: the plan, the outcome and the trends.
        md = render_report(s, round_id=round_one, fmt="md")
        assert "#### Rencana putaran ini" in md
        assert (
            "| U8 Penanganan Pengaduan, Saran dan Masukan | 2,00 \\(D\\) | Buka kanal pengaduan daring dan "
            "jawab setiap pengaduan dalam 5 hari kerja\\. | Bidang Pengembangan Kompetensi | 1 Oktober 2026 "
            "| Selesai 26 September 2026: Kanal pengaduan daring dibuka; 12 pengaduan dijawab\\. |"
        ) in md
        assert "dicatat pada halaman putaran" not in md
        # Round 1's report shows the trend as of round 1: round 2, closed since, does not rewrite it.
        assert "|  | P1 2026 |\n" in md and "P2 2026" not in md
        assert trend_table(s, round_id=round_one, locale="id").header == ["", "P1 2026"]  # type: ignore[union-attr]
        md_en = render_report(s, round_id=round_two, fmt="md", locale="en")
        assert "#### What became of round 1's plans" in md_en
        assert "| 2\\.00 | 3\\.00 | \\+1\\.00 \\(improved\\) |" in md_en
        assert "#### Trends across rounds" in md_en and "|  | R1 2026 | R2 2026 |" in md_en
        html = render_report(s, round_id=round_two, fmt="html", locale="en")
        assert "<h4>What became of round 1&#39;s plans</h4>" in html
        assert (
            "<td>Done September 26, 2026: Kanal pengaduan daring dibuka; 12 pengaduan dijawab.</td>"
            "<td>2.00</td><td>3.00</td><td>+1.00 (improved)</td></tr>"
        ) in html
        assert "<h4>Trends across rounds</h4>" in html
        # Round 2 has no plan of its own yet: every format says so before round 1's outcomes.
        none_en = "No follow-up plan has been recorded for this round yet."
        assert f"<p>{none_en}</p>" in html and html.index(none_en) < html.index("What became of round 1")
        assert md_en.index(none_en) < md_en.index("#### What became of round 1's plans")
        paragraphs = [
            p.text for p in Document(BytesIO(report_docx(s, round_id=round_two, locale="en"))).paragraphs
        ]
        assert paragraphs[paragraphs.index("B. Follow-up plan") + 1] == none_en
        assert [none_en] in xlsx_rows(report_xlsx(s, round_id=round_two, locale="en"), "Follow-up")
        assert "Belum ada rencana tindak lanjut" not in render_report(s, round_id=round_one, fmt="md")


def test_plans_are_refused_for_strong_unsur_past_dates_open_rounds_and_strangers(
    db: str, round_one: int, staff: dict
) -> None:
    fields = {"action": "Perbaiki.", "owner_unit": "BKPSDM", "now": NOW + timedelta(days=11)}
    with unit_of_work(db) as s:
        with pytest.raises(InvalidInput) as strong:
            plans.create_item(
                s,
                actor=staff["drafter"],
                round_id=round_one,
                subject="unsur",
                code="u1",
                due_on=DUE,
                **fields,
            )
        assert strong.value.field == "code" and "C atau D" in strong.value.detail
        with pytest.raises(InvalidInput) as past:
            plans.create_item(
                s,
                actor=staff["drafter"],
                round_id=round_one,
                subject="unsur",
                code="u8",
                due_on=date(2026, 8, 27),
                **fields,
            )
        assert past.value.field == "due_on" and "has passed" in past.value.detail_en
        with pytest.raises(InvalidInput) as far:  # a typo's year 9999 is refused, three years on is not
            plans.create_item(
                s,
                actor=staff["drafter"],
                round_id=round_one,
                subject="unsur",
                code="u8",
                due_on=date(9999, 12, 31),
                **fields,
            )
        assert far.value.field == "due_on" and "terlalu jauh" in far.value.detail
        assert "choose August 28, 2029 at the latest" in far.value.detail_en
        with pytest.raises(PermissionDenied):
            plans.create_item(
                s, actor=OTHER_DRAFTER, round_id=round_one, subject="unsur", code="u8", due_on=DUE, **fields
            )
        with pytest.raises(InvalidInput) as blank:
            plans.create_item(
                s,
                actor=staff["drafter"],
                round_id=round_one,
                subject="unsur",
                code="u8",
                due_on=DUE,
                action=" ",
                owner_unit="BKPSDM",
                now=NOW + timedelta(days=11),
            )
        assert blank.value.field == "action"
        plans.create_item(
            s, actor=staff["drafter"], round_id=round_one, subject="unsur", code="u8", due_on=DUE, **fields
        )
        with pytest.raises(Conflict) as twice:
            plans.create_item(
                s,
                actor=staff["drafter"],
                round_id=round_one,
                subject="unsur",
                code="u8",
                due_on=DUE,
                **fields,
            )
        assert "sudah dicatat" in twice.value.detail


def test_plans_become_revision_notes_citing_round_and_unsur_and_follow_their_item(
    db: str, round_one: int, staff: dict
) -> None:
    with unit_of_work(db) as s:
        item = plans.create_item(
            s,
            actor=staff["drafter"],
            round_id=round_one,
            subject="unsur",
            code="u8",
            action="Bentuk tim pengaduan.",
            owner_unit="Sekretariat",
            due_on=DUE,
            now=NOW + timedelta(days=11),
        )
        item_id = item.id
        policy = get_policy(s, slug=SLUG)
        assert notes.attach_followup_notes(s, slug=SLUG).endswith(": 0 baru.")  # not in revision yet
        # The policy enters revision: a new cycle whose draft the notes inform.
        policy.stage, policy.cycle = Stage.REVISION, policy.cycle + 1
        s.add(policy)
        s.flush()
        assert (
            notes.attach_followup_notes(s, slug=SLUG) == "Catatan revisi dari rencana tindak lanjut: 1 baru."
        )
        assert notes.attach_followup_notes(s, slug=SLUG).endswith(": 0 baru.")  # once
        [note] = [
            n for n in revision_notes(s, policy_id=policy.id, cycle=policy.cycle) if n.source == "followup"
        ]
        assert (note.round_id, note.reason_code, note.source_id) == (round_one, "unsur:u8", item_id)
        assert "putaran survei 1" in note.summary and "U8 Penanganan Pengaduan" in note.summary
        assert "NRR 2.00, mutu D" in note.summary and "Status: direncanakan" in note.detail
        [public] = [n for n in revision.notes_of(s, slug=SLUG) if n.source == "followup"]
        assert public.link == {
            "followup_item_id": item_id,
            "round_id": round_one,
            "round_number": 1,
            "unsur_code": "u8",
        }
    with unit_of_work(db) as s:
        plans.update_item(
            s,
            actor=staff["drafter"],
            item_id=item_id,
            changes={"status": "done", "done_note": "Tim pengaduan dibentuk."},
            now=NOW + timedelta(days=20),
        )
        [note] = [
            n for n in revision_notes(s, policy_id=get_policy(s, slug=SLUG).id) if n.source == "followup"
        ]
        assert note.detail == "Selesai 6 September 2026 (Sekretariat): Tim pengaduan dibentuk."
        assert note.detail_en.startswith("Done September 6, 2026")


def test_an_indicator_below_target_takes_a_plan_and_the_next_round_compares_its_value(
    db: str, round_one: int, staff: dict
) -> None:
    evaluator = staff["evaluator"]
    with unit_of_work(db) as s:
        jp = indicator(s, "jp_per_asn")  # target 20 JP per ASN a year, higher is better
        measurements.record_measurement(
            s, actor=evaluator, indicator_id=jp.id, value=14.5, round_id=round_one
        )
        survey = plans.get_round(s, round_id=round_one)
        weak = {(w.subject, w.code): w for w in plans.weak_subjects(s, survey=survey)}
        assert weak[("indicator", "jp_per_asn")].baseline == "14.5"
        item = plans.create_item(
            s,
            actor=staff["drafter"],
            round_id=round_one,
            subject="indicator",
            code="jp_per_asn",
            action="Tambah pelatihan daring mandiri.",
            owner_unit="Bidang Pengembangan Kompetensi",
            due_on=DUE,
            now=NOW + timedelta(days=11),
        )
        assert (item.label, item.category) == (jp.name, "")
    round_two = closed_round(
        db,
        evaluator,
        opens_at=NOW + timedelta(days=60),
        sheets=sheets(BETTER_U8, units={"Dinas Kesehatan": 6}),
    )
    with unit_of_work(db) as s:
        measurements.record_measurement(
            s, actor=evaluator, indicator_id=indicator(s, "jp_per_asn").id, value=18.25, round_id=round_two
        )
        [outcome] = followup_section(s, round_id=round_two).outcomes
        assert (outcome.done, outcome.now, outcome.delta, outcome.improved) == (
            False,
            "18.25",
            Decimal("3.75"),
            True,
        )
        # Readers see the indicator by its name; its code (jp_per_asn) is an internal identifier.
        [row] = outcome_rows(followup_section(s, round_id=round_two), locale="id")[1]
        assert row[0] == "Rata-rata jam pelajaran pengembangan kompetensi per ASN per tahun"
        assert plan_rows(followup_section(s, round_id=round_one))[1][-1][0] == row[0]

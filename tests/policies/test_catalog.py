"""The catalogue: valid files, an idempotent load, drafts parsed into clauses."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from policies.catalog import load_catalog, read_specs
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.drafting.models import Clause, DraftVersion
from policies.evaluation.models import Indicator
from policies.lifecycle.models import Policy, PolicyKind, StageEvent


def _counts(db: str) -> dict[str, int]:
    with unit_of_work(db) as s:
        return {
            m.__tablename__: s.exec(select(func.count()).select_from(m)).one()  # type: ignore[attr-defined]
            for m in (PolicyKind, Policy, DraftVersion, Clause, Indicator, StageEvent)
        }


def test_every_catalogue_file_is_valid_and_has_ikm() -> None:
    specs = read_specs()
    assert specs, "the catalogue is empty"
    slugs = [spec.example.slug for spec, _ in specs]
    assert len(slugs) == len(set(slugs))
    for spec, _ in specs:
        assert "ikm" in {i.code for i in spec.indicators}, spec.code
        assert spec.example.draft.count("### Pasal") >= 8, spec.code


def test_load_is_idempotent(db: str) -> None:
    with unit_of_work(db) as s:
        first = load_catalog(s)
    after_first = _counts(db)
    with unit_of_work(db) as s:
        second = load_catalog(s)
    assert first.changed and not second.changed
    assert second.kinds_unchanged == sorted(second.kinds_unchanged)
    assert _counts(db) == after_first
    assert after_first["policy_kind"] == len(read_specs())
    assert after_first["policy"] == len(read_specs())


def test_example_drafts_become_clauses_with_the_kinds_indicators(db: str) -> None:
    with unit_of_work(db) as s:
        load_catalog(s)
        for spec, _ in read_specs():
            policy = s.exec(select(Policy).where(Policy.slug == spec.example.slug)).one()
            version = s.exec(select(DraftVersion).where(DraftVersion.policy_id == policy.id)).one()
            clauses = s.exec(select(Clause).where(Clause.version_id == version.id)).all()
            # One clause per ### section, and the Penutup's own text.
            sections = spec.example.draft.count("\n### ") + spec.example.draft.startswith("### ")
            assert len(clauses) == sections + spec.example.draft.count("\n## Penutup\n")
            codes = {i.code for i in s.exec(select(Indicator).where(Indicator.policy_id == policy.id))}
            assert codes == {i.code for i in spec.indicators}


def test_changed_file_updates_its_kind(db: str, tmp_path) -> None:
    from policies.catalog import KINDS_DIR

    source = next(KINDS_DIR.glob("*.yaml"))
    copy = tmp_path / source.name
    copy.write_text(source.read_text())
    with unit_of_work(db) as s:
        load_catalog(s, directory=tmp_path)
    copy.write_text(source.read_text().replace("min_consultation_days:", "min_consultation_days: 30 #", 1))
    with unit_of_work(db) as s:
        report = load_catalog(s, directory=tmp_path)
        kind = s.exec(select(PolicyKind)).one()
    assert report.kinds_updated == [source.stem]
    assert kind.rules["min_consultation_days"] == 30


def test_kind_rules_carry_the_respondent_reminder_defaults() -> None:
    rules = {spec.code: spec.rules for spec, _ in read_specs()}
    kalianda = rules["rencana-pengembangan-asn-kalianda"]
    assert (kalianda.evaluation_reminder_max, kalianda.evaluation_reminder_interval_days) == (2, 10)
    assert all(0 <= r.evaluation_reminder_max <= 10 for r in rules.values())


@pytest.mark.parametrize("code", ["u8", "unit", "golongan", "years_of_service"])
def test_a_question_code_of_the_unsur_or_the_profile_is_refused(tmp_path, code: str) -> None:
    from policies.catalog import KINDS_DIR

    source = KINDS_DIR / "peningkatan-kualitas-asn.yaml"
    (tmp_path / source.name).write_text(
        source.read_text().replace("- code: usulan_materi", f"- code: {code}")
    )
    with pytest.raises(InvalidInput) as info:
        read_specs(directory=tmp_path)
    assert "reserved for the unsur and the profile" in info.value.detail and code in info.value.detail


def test_a_choice_question_without_english_labels_is_refused(tmp_path) -> None:
    from policies.catalog import KINDS_DIR

    source = KINDS_DIR / "peningkatan-kualitas-asn.yaml"
    text = source.read_text().replace("      - Face to face\n", "      - ' '\n")
    (tmp_path / source.name).write_text(text)
    with pytest.raises(InvalidInput, match="English label"):
        read_specs(directory=tmp_path)

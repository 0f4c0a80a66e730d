"""The catalogue's example policy, adopted in cycle 1 and amended in cycle 2, with cycle 3's proposal:
shared by the domain, API, page and browser tests of the amending instrument and the consolidated text.

The adoptions are written as records (the stage walk that leads to them is tested elsewhere and takes
seconds per cycle); the texts go through the real drafting action, so elements and keys are real.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policies.core.db import unit_of_work, utcnow
from policies.drafting.queries import get_version
from policies.drafting.versions import create_version
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.rollout.models import Adoption
from tests.conftest import DRAFTER

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"
FIRST = date(2026, 9, 10)
SECOND = date(2027, 3, 1)
JP_OLD = "paling sedikit 20 (dua puluh) JP dalam 1 (satu) tahun sesuai"
JP_NEW = "paling sedikit 24 (dua puluh empat) JP dalam 1 (satu) tahun sesuai"
# The Penjelasan of that ayat says the same number: cycle 2 changes it too.
WHY_OLD = "paling sedikit 20 (dua puluh) JP dalam 1 (satu) tahun merupakan"
WHY_NEW = "paling sedikit 24 (dua puluh empat) JP dalam 1 (satu) tahun merupakan"
MENTEES_OLD = "paling banyak 10 (sepuluh) Pegawai ASN"
MENTEES_NEW = "paling banyak 8 (delapan) Pegawai ASN"
REPORT_ANCHOR = "kepada Sekretaris Daerah.\n### Pasal 10"
NEW_AYAT = "(6) Laporan evaluasi memuat rencana tindak lanjut atas setiap unsur dengan nilai terendah."


@dataclass(frozen=True)
class Amended:
    """The versions: adopted in cycle 1 (Perwal 45/2026), in cycle 2 (Perwal 3/2027), proposed in cycle 3."""

    first: int
    second: int
    proposed: int


def _adopt(s, *, policy, version, cycle: int, number: str, on: date) -> None:
    version.published_at = version.published_at or utcnow()
    s.add(
        Adoption(
            policy_id=policy.id,
            cycle=cycle,
            version_id=version.id,
            instrument_type="Peraturan Wali Kota",
            number=number,
            adopted_on=on,
            signed_by="Wali Kota Tangerang Selatan",
        )
    )
    policy.cycle, policy.stage = cycle + 1, Stage.REVISION
    s.flush()


def amended_policy(db: str) -> Amended:
    """Adopt version 1, amend it in cycle 2 (ayat (2) of Pasal 8 and its Penjelasan), propose cycle 3's."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        first = get_version(s, policy_id=policy.id, number=1)  # type: ignore[arg-type]
        _adopt(s, policy=policy, version=first, cycle=1, number="45", on=FIRST)
        assert JP_OLD in first.body and WHY_OLD in first.body
        body = first.body.replace(JP_OLD, JP_NEW).replace(WHY_OLD, WHY_NEW)
        second = create_version(s, actor=DRAFTER, slug=SLUG, body=body, change_note="Siklus 2")
        _adopt(s, policy=policy, version=second, cycle=2, number="3 Tahun 2027", on=SECOND)
        assert MENTEES_OLD in second.body and REPORT_ANCHOR in second.body
        body = second.body.replace(MENTEES_OLD, MENTEES_NEW).replace(
            REPORT_ANCHOR, f"kepada Sekretaris Daerah.\n{NEW_AYAT}\n### Pasal 10"
        )
        proposed = create_version(s, actor=DRAFTER, slug=SLUG, body=body, change_note="Siklus 3")
        return Amended(first.number, second.number, proposed.number)

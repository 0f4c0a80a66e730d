"""Setup of the comment bench: a migrated database, accounts with tokens, an open consultation, bulk rows."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

import sqlalchemy as sa

from policies.accounts import actions as accounts
from policies.accounts.access import Actor
from policies.accounts.models import Account, ApiToken, Role
from policies.catalog import load_catalog
from policies.consultation import windows as consultation
from policies.consultation.models import Comment, CommentBand, Disposition
from policies.consultation.queries import current_window
from policies.core.db import get_engine, unit_of_work, utcnow
from policies.core.migrate import upgrade
from policies.drafting import versions as drafts
from policies.drafting.queries import clauses_of
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.workshops import actions as workshops

UNIT = "BKPSDM Kota Tangerang Selatan"
MAIN_SLUG = "perwal-kebijakan-kepegawaian-asn-2026"
REPORT_SLUG = "perwal-pengelolaan-jabatan-asn-2026"
_WORDS_TEXT = (
    "pengembangan kompetensi asn jam pelajaran pelatihan daring mentoring rotasi jabatan evaluasi "
    "kinerja sekolah guru tenaga kesehatan anggaran daerah sertifikasi kursus seminar beasiswa "
    "unit kerja kepala dinas laporan tahunan target indikator survei kepuasan pegawai honorer "
    "mutasi promosi pensiun disiplin cuti tunjangan formasi kebutuhan pendidikan lanjutan magang"
)
WORDS = _WORDS_TEXT.split()
CAMPAIGN_LETTER = (
    "Kami menolak kewajiban dua puluh jam pelajaran per tahun karena pelatihan tidak tersedia di "
    "daerah kami dan biaya perjalanan ke kota terlalu mahal bagi pegawai golongan rendah"
)


def make_accounts(url: str, *, n: int) -> tuple[str, list[str]]:
    """Create a drafter and n stakeholders; return the drafter's token and the stakeholders' tokens."""
    password_hash = accounts.hash_password(secrets.token_urlsafe(12))
    tokens: list[str] = []
    with unit_of_work(url) as s:
        for i in range(n + 1):
            role = Role.DRAFTER if i == 0 else Role.STAKEHOLDER
            account = Account(
                email=f"bench{i}@siklus.test",
                name=f"Peserta {i}",
                password_hash=password_hash,
                role=role,
                unit=UNIT if i == 0 else "",
                group="asn" if i % 2 else "public",
                email_verified_at=utcnow(),  # made by the bench as an admin would: verified
            )
            s.add(account)
            s.flush()
            token = secrets.token_urlsafe(32)
            s.add(
                ApiToken(
                    account_id=account.id,
                    token_hash=accounts.hash_token(token),  # type: ignore[arg-type]
                    expires_at=utcnow() + timedelta(days=1),
                )
            )
            tokens.append(token)
    return tokens[0], tokens[1:]


def open_window(url: str, *, slug: str) -> tuple[int, int, list[str]]:
    """Bring a catalogue policy into an open consultation; return policy id, window id, clause keys."""
    drafter = Actor(id=None, name="Perancang Bench", role=Role.DRAFTER, unit=UNIT)
    now = utcnow() - timedelta(minutes=5)
    with unit_of_work(url) as s:
        lifecycle.advance(s, actor=drafter, slug=slug, to_stage=Stage.WORKSHOP, now=now)
        for n in (1, 2):
            w = workshops.schedule_workshop(
                s,
                actor=drafter,
                slug=slug,
                title=f"Lokakarya {n}",
                starts_at=now,
                online_url="https://zoom.example",
            )
            workshops.record_minutes(s, actor=drafter, slug=slug, workshop_id=w.id, minutes="Notula.")
        drafts.publish_version(s, actor=drafter, slug=slug, number=1, now=now)
        consultation.open_window(
            s, actor=drafter, slug=slug, version_number=1, opens_at=now, closes_at=now + timedelta(days=60)
        )
        lifecycle.advance(s, actor=drafter, slug=slug, to_stage=Stage.CONSULTATION, now=now)
        policy = get_policy(s, slug=slug)
        window = current_window(s, policy=policy)
        assert window is not None
        keys = [c.key for c in clauses_of(s, version_id=window.version_id)]
        return policy.id, window.id, keys  # type: ignore[return-value]


def prepare(url: str, *, clients: int) -> tuple[str, list[str]]:
    """Migrate, load the catalogue, create accounts; return the drafter's and stakeholders' tokens."""
    upgrade(url)
    with unit_of_work(url) as s:
        load_catalog(s)
    return make_accounts(url, n=clients)


def _body(rng: random.Random, i: int) -> str:
    if i % 10 == 0:
        return CAMPAIGN_LETTER
    return " ".join(rng.choices(WORDS, k=rng.randint(12, 40))) + f" ({i})"


def bulk_fill(url: str, *, slug: str, n: int, bands: bool, seed: int = 7) -> int:
    """Insert n comments (executemany, not HTTP) with dispositions for a tenth; return the window id."""
    from policies.core.text import text_hash

    policy_id, window_id, keys = open_window(url, slug=slug)
    with unit_of_work(url) as s:
        version_id = current_window(s, policy=get_policy(s, slug=slug)).version_id  # type: ignore[union-attr]
    rng = random.Random(seed)
    engine = get_engine(url)
    batch = 20_000
    start = utcnow() - timedelta(days=1)
    letter_hash = text_hash(CAMPAIGN_LETTER)
    with engine.begin() as conn:
        first_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(Comment.id), 0))).scalar_one() + 1
        for lo in range(0, n, batch):
            rows, band_rows, dispositions = [], [], []
            for i in range(lo, min(n, lo + batch)):
                body = _body(rng, i)
                cid = first_id + i
                rows.append(
                    {
                        "id": cid,
                        "policy_id": policy_id,
                        "version_id": version_id,
                        "window_id": window_id,
                        "clause_key": keys[i % len(keys)],
                        "parent_id": None,
                        "quote": "",
                        "body": body,
                        "text_hash": letter_hash if i % 10 == 0 else f"{i:064x}",
                        "stance": "neutral",
                        "author_id": None,
                        "author_name": f"Warga {i}",
                        "author_group": ("asn", "public")[i % 2],
                        "source": "online",
                        "campaign_id": None,
                        "support_count": rng.randint(0, 50),
                        "oppose_count": 0,
                        "hidden_at": None,
                        "hidden_reason": "",
                        "hidden_by_id": None,
                        "created_at": start + timedelta(microseconds=i * 50),
                    }
                )
                if bands and i % 10:
                    band_rows.extend(
                        {
                            "window_id": window_id,
                            "band": b,
                            "band_hash": rng.getrandbits(63),
                            "comment_id": cid,
                        }
                        for b in range(9)
                    )
                if i % 10 == 3:
                    dispositions.append(
                        {
                            "comment_id": cid,
                            "outcome": "noted",
                            "reason": "Dicatat untuk versi berikutnya.",
                            "next_clause_key": None,
                            "responder_id": None,
                            "via_campaign_id": None,
                            "responded_at": start,
                        }
                    )
            conn.execute(sa.insert(Comment.__table__), rows)  # type: ignore[attr-defined]
            if band_rows:
                conn.execute(sa.insert(CommentBand.__table__), band_rows)  # type: ignore[attr-defined]
            if dispositions:
                conn.execute(sa.insert(Disposition.__table__), dispositions)  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            for table in ("comment", "comment_band", "disposition"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        else:
            conn.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "postgresql":
        # VACUUM as well as ANALYZE: a million rows inserted at once start autovacuum (and hint-bit
        # writes by the first readers) in the middle of the measurements, on the same two cores.
        # Comments that arrive over weeks are vacuumed as they come; this is that steady state.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("comment", "comment_band", "disposition"):
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
            conn.exec_driver_sql("ANALYZE")
    return window_id

"""Publishing a version re-anchors the comments of earlier versions, in the publish's transaction."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from policies.consultation.anchors import AnchorRequest, apply_anchor, carried_comments
from policies.consultation.models import AnchorMethod, AnchorStatus, Comment, CommentAnchor
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.core.text import text_hash
from policies.drafting import versions as drafts
from policies.drafting.elements import elements_of
from policies.drafting.models import TextElement
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER, NOW
from tests.lifecycle_walk import SLUG

V1 = """# Perwal Uji Anchor
## BAB I KETENTUAN UMUM
### Pasal 1
Dalam Peraturan Wali Kota ini yang dimaksud dengan ASN adalah pegawai aparatur sipil negara.
## BAB II PENGEMBANGAN KOMPETENSI
### Pasal 2
(1) Setiap ASN berhak mengikuti pengembangan kompetensi sesuai kebutuhan jabatan.
(2) Pengembangan kompetensi paling sedikit 20 jam pelajaran dalam 1 tahun bagi setiap ASN.
(3) Perangkat daerah menyusun rencana pengembangan kompetensi setiap awal tahun anggaran.
### Pasal 3
(1) Pengembangan kompetensi dilaksanakan melalui:
a. pelatihan klasikal di lembaga pelatihan terakreditasi;
b. bimbingan di tempat kerja oleh atasan langsung; dan
c. pembelajaran elektronik yang diselenggarakan BKPSDM.
(2) Rotasi jabatan dilaksanakan paling singkat 2 tahun sejak pelantikan.
### Pasal 4
Ketentuan lebih lanjut mengenai tata cara pengembangan kompetensi diatur oleh Kepala BKPSDM.
"""
A2 = "Pengembangan kompetensi paling sedikit 20 jam pelajaran dalam 1 tahun bagi setiap ASN."


def _elements(s: Session, number: int) -> dict[str, TextElement]:
    """Return a version's elements by label ("Pasal 2 ayat (2)")."""
    policy = get_policy(s, slug=SLUG)
    version = drafts.get_version(s, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    return {_bare(e.label): e for e in elements_of(session=s, version_id=version.id)}  # type: ignore[arg-type]


def _bare(label: str) -> str:
    at = label.find("Pasal ")
    return label[at:] if at >= 0 else label


@dataclass(frozen=True)
class Seeded:
    """Comment ids by what they are anchored to."""

    ids: dict[str, int]


def _comment(
    s: Session, *, clause_key: str, version_id: int, policy_id: int, anchor: AnchorRequest | None
) -> int:
    comment = Comment(
        policy_id=policy_id,
        version_id=version_id,
        clause_key=clause_key,
        body="Mohon diperjelas.",
        text_hash=text_hash("Mohon diperjelas."),
        author_name="Budi",
        created_at=NOW,
    )
    apply_anchor(s, comment=comment, anchor=anchor)
    s.add(comment)
    s.flush()
    return comment.id  # type: ignore[return-value]


def seed(db: str, wanted: dict[str, tuple[str, str]]) -> Seeded:
    """Publish V1 and comment on it: `wanted` names each comment (label, quote; "" for the element)."""
    with unit_of_work(db) as s:
        drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=V1)
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1, now=NOW)
    ids: dict[str, int] = {}
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        parts = _elements(s, 1)
        for name, (label, quote) in wanted.items():
            e = parts[label]
            start = e.text.index(quote) if quote else None
            anchor = AnchorRequest(element_key=e.key, quote=quote, start=start)
            ids[name] = _comment(
                s,
                clause_key=e.clause_key,
                version_id=e.version_id,
                policy_id=policy.id,
                anchor=anchor,  # type: ignore[arg-type]
            )
    return Seeded(ids)


def publish_second(db: str, body: str) -> dict[int, CommentAnchor]:
    """Write and publish version 2; return the anchors stored for it, by comment."""
    with unit_of_work(db) as s:
        drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=body)
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=2, now=NOW)
    with unit_of_work(db) as s:
        version = drafts.get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=2)  # type: ignore[arg-type]
        rows = s.exec(select(CommentAnchor).where(CommentAnchor.version_id == version.id)).all()
        s.expunge_all()
        return {a.comment_id: a for a in rows}


def test_edits_deletions_and_renumbering_each_get_their_status(db: str, catalog: None) -> None:
    seeded = seed(
        db,
        {
            "same": ("Pasal 2 ayat (1)", "kebutuhan jabatan"),
            "reworded": ("Pasal 2 ayat (2)", "paling sedikit 20 jam pelajaran"),
            "gone": ("Pasal 2 ayat (3)", "setiap awal tahun anggaran"),
            "huruf_b": ("Pasal 3 ayat (1) huruf b", ""),
            "huruf_c": ("Pasal 3 ayat (1) huruf c", ""),
            "pasal_4": ("Pasal 4", "tata cara pengembangan kompetensi"),
        },
    )
    v2 = (
        V1.replace("paling sedikit 20 jam pelajaran", "paling sedikit 24 jam pelajaran")
        .replace("setiap awal tahun anggaran", "berdasarkan analisis kebutuhan pelatihan")
        .replace("b. bimbingan di tempat kerja oleh atasan langsung; dan\nc.", "b.")
        .split("### Pasal 4")[0]
    )
    anchors = publish_second(db, v2)
    ids = seeded.ids
    assert set(anchors) == set(ids.values())
    same = anchors[ids["same"]]
    assert (same.method, same.status, same.confidence, same.change_label) == (
        AnchorMethod.EXACT,
        AnchorStatus.RELEVANT,
        1.0,
        "",
    )
    reworded = anchors[ids["reworded"]]
    assert (reworded.method, reworded.status, reworded.change_label) == (
        AnchorMethod.FUZZY,
        AnchorStatus.RELEVANT,
        "ayat (2) Pasal 2 diubah",
    )
    assert 0.8 <= reworded.confidence < 1
    gone = anchors[ids["gone"]]
    assert (gone.method, gone.status, gone.change_label) == (
        AnchorMethod.ELEMENT,
        AnchorStatus.MOOT,
        "ayat (3) Pasal 2 diubah",
    )
    deleted = anchors[ids["pasal_4"]]
    assert (deleted.method, deleted.status, deleted.element_key, deleted.change_label) == (
        AnchorMethod.LOST,
        AnchorStatus.MOOT,
        None,
        "Pasal 4 dihapus",
    )
    # Huruf b is gone; huruf c keeps its key and words and is now huruf b.
    huruf_b, huruf_c = anchors[ids["huruf_b"]], anchors[ids["huruf_c"]]
    assert (huruf_b.status, huruf_b.change_label) == (AnchorStatus.MOOT, "huruf b ayat (1) Pasal 3 dihapus")
    assert (huruf_c.status, huruf_c.label) == (AnchorStatus.MOVED, "Pasal 3 ayat (1) huruf b")
    assert huruf_c.change_label == "huruf c ayat (1) Pasal 3 menjadi huruf b ayat (1) Pasal 3"


def test_a_new_pasal_renumbers_and_a_moved_ayat_is_followed(db: str, catalog: None) -> None:
    seeded = seed(
        db,
        {
            "pasal_2": ("Pasal 2", ""),
            "ayat_2": ("Pasal 2 ayat (2)", "20 jam pelajaran"),
            "rotasi": ("Pasal 3 ayat (2)", "paling singkat 2 tahun"),
        },
    )
    new_pasal = "### Pasal 2\nASN wajib melaporkan hasil pengembangan kompetensi kepada atasan.\n"
    v2 = (
        V1.replace("### Pasal 4", "### Pasal 5")
        .replace("### Pasal 3", "### Pasal 4")
        .replace("### Pasal 2", new_pasal + "### Pasal 3")
    )
    # The rotation ayat leaves Pasal 4 (was 3) for Pasal 5 (was 4), after its text.
    rotasi = "(2) Rotasi jabatan dilaksanakan paling singkat 2 tahun sejak pelantikan.\n"
    v2 = v2.replace(rotasi, "").rstrip("\n")
    v2 = v2.replace("diatur oleh Kepala BKPSDM.", "diatur oleh Kepala BKPSDM.\n")
    v2 = v2.replace(
        "Ketentuan lebih lanjut mengenai tata cara pengembangan kompetensi diatur oleh Kepala BKPSDM.\n",
        "(1) Ketentuan lebih lanjut mengenai tata cara pengembangan kompetensi diatur oleh Kepala BKPSDM.\n"
        + rotasi,
    )
    anchors = publish_second(db, v2)
    ids = seeded.ids
    pasal = anchors[ids["pasal_2"]]
    assert (pasal.status, pasal.method, pasal.label, pasal.change_label) == (
        AnchorStatus.MOVED,
        AnchorMethod.ELEMENT,
        "Pasal 3",
        "Pasal 2 menjadi Pasal 3",
    )
    ayat = anchors[ids["ayat_2"]]
    assert (ayat.status, ayat.method) == (AnchorStatus.MOVED, AnchorMethod.EXACT)
    assert _bare(ayat.label) == "Pasal 3 ayat (2)"
    rotasi_anchor = anchors[ids["rotasi"]]
    assert (rotasi_anchor.status, rotasi_anchor.method) == (AnchorStatus.MOVED, AnchorMethod.EXACT)
    assert _bare(rotasi_anchor.label) == "Pasal 5 ayat (2)"


def test_split_and_merged_ayat_carry_their_comments(db: str, catalog: None) -> None:
    seeded = seed(
        db,
        {
            "ayat_1": ("Pasal 2 ayat (1)", ""),
            "ayat_2": ("Pasal 2 ayat (2)", ""),
            "rotasi": ("Pasal 3 ayat (2)", ""),
        },
    )
    # Ayat (1) and (2) of Pasal 2 merged into one; Pasal 3's ayat (2) split off as a Pasal of its own.
    merged = (
        "Setiap ASN berhak mengikuti pengembangan kompetensi sesuai kebutuhan jabatan dan pengembangan "
        "kompetensi paling sedikit 20 jam pelajaran dalam 1 tahun bagi setiap ASN."
    )
    v2 = V1.replace(
        "(1) Setiap ASN berhak mengikuti pengembangan kompetensi sesuai kebutuhan jabatan.\n(2) "
        + A2
        + "\n(3)",
        "(1) " + merged + "\n(2)",
    )
    rotasi = "Rotasi jabatan dilaksanakan paling singkat 2 tahun sejak pelantikan."
    v2 = v2.replace(f"(2) {rotasi}\n", "").replace("### Pasal 4", f"### Pasal 4\n{rotasi}\n### Pasal 5")
    v2 = v2.replace(
        "(1) Pengembangan kompetensi dilaksanakan melalui:", "Pengembangan kompetensi dilaksanakan melalui:"
    )
    anchors = publish_second(db, v2)
    one, two = anchors[seeded.ids["ayat_1"]], anchors[seeded.ids["ayat_2"]]
    assert _bare(one.label) == "Pasal 2 ayat (1)" and one.status in (
        AnchorStatus.RELEVANT,
        AnchorStatus.MOVED,
    )
    assert (two.status, _bare(two.label)) == (AnchorStatus.MOVED, "Pasal 2 ayat (1)")
    assert two.method in (AnchorMethod.FUZZY, AnchorMethod.EXACT) and two.confidence >= 0.8
    split = anchors[seeded.ids["rotasi"]]
    assert (split.status, split.method, _bare(split.label)) == (
        AnchorStatus.MOVED,
        AnchorMethod.EXACT,
        "Pasal 4",
    )
    assert split.change_label == "ayat (2) Pasal 3 dihapus; teksnya kini pada Pasal 4"


def test_publishing_again_and_hidden_comments_change_nothing(db: str, catalog: None) -> None:
    seeded = seed(db, {"a": ("Pasal 2 ayat (1)", ""), "b": ("Pasal 4", "")})
    with unit_of_work(db) as s:
        s.get(Comment, seeded.ids["b"]).hidden_at = NOW  # type: ignore[union-attr]
    anchors = publish_second(db, V1.replace("Setiap ASN berhak", "Setiap pegawai ASN berhak"))
    assert set(anchors) == {seeded.ids["a"]}
    with unit_of_work(db) as s:
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=2)
        version = drafts.get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=2)  # type: ignore[arg-type]
        assert len(s.exec(select(CommentAnchor)).all()) == 1
        carried = carried_comments(s, version_id=version.id)  # type: ignore[arg-type]
        assert [(c.comment.id, c.from_version) for c in carried] == [(seeded.ids["a"], 1)]


def test_an_anchor_is_checked_against_the_version_and_clause(db: str, catalog: None) -> None:
    seed(db, {})
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        parts = _elements(s, 1)
        ayat = parts["Pasal 2 ayat (2)"]
        other = parts["Pasal 3 ayat (2)"]

        def post(anchor: AnchorRequest, clause_key: str = ayat.clause_key) -> Comment:
            comment = Comment(
                policy_id=policy.id,  # type: ignore[arg-type]
                version_id=ayat.version_id,
                clause_key=clause_key,
                body="x",
                text_hash="x",
                author_name="Budi",
            )
            apply_anchor(s, comment=comment, anchor=anchor)
            return comment

        refusals = {
            "anchor.element_key": AnchorRequest(element_key="e-tidak-ada"),
            "anchor.eid": AnchorRequest(eid="pasal_99"),
            "anchor.quote": AnchorRequest(element_key=ayat.key, quote="teks yang tidak ada"),
            "anchor.end": AnchorRequest(
                element_key=ayat.key, quote="20 jam", start=A2.index("20 jam"), end=3
            ),
        }
        for field, anchor in refusals.items():
            with pytest.raises(InvalidInput) as refused:
                post(anchor)
            assert refused.value.field == field and refused.value.detail and refused.value.detail_en
        with pytest.raises(InvalidInput) as refused:
            post(AnchorRequest(element_key=other.key))
        assert refused.value.field == "anchor.element_key" and "Pasal 3" in refused.value.detail
        # By eId; by context when the offsets are wrong; the context stored as the text has it.
        by_eid = post(AnchorRequest(eid=ayat.eid))
        assert (by_eid.element_key, by_eid.element_label) == (ayat.key, ayat.label)
        found = post(
            AnchorRequest(element_key=ayat.key, quote="20 jam pelajaran", start=0, prefix="sedikit ")
        )
        assert (found.quote_start, found.quote_end) == (A2.index("20 jam"), A2.index("20 jam") + 16)
        assert found.quote_prefix.endswith("paling sedikit ") and found.quote_suffix.startswith(" dalam 1")
        # A quote alone finds its element in the clause.
        alone = post(AnchorRequest(quote="rencana pengembangan kompetensi"))
        assert _bare(alone.element_label) == "Pasal 2 ayat (3)"

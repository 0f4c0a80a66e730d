"""Re-anchoring over element lists: moved, split, merged, renumbered and deleted Pasal and ayat."""

from __future__ import annotations

from dataclasses import dataclass

from policies.consultation.anchor_text import Anchor, Document, legal_name, locate
from policies.consultation.anchoring import Placer
from policies.consultation.models import AnchorMethod, AnchorStatus


@dataclass(frozen=True)
class El:
    key: str
    eid: str
    label: str
    clause_key: str
    parent_key: str | None
    text: str


def pasal(key: str, num: str, *ayat: tuple[str, str]) -> list[El]:
    """A Pasal with its ayat, given as (key, text); the Pasal's own text is empty."""
    head = El(key, f"pasal_{num}", f"Pasal {num}", key, None, "")
    return [head] + [
        El(k, f"pasal_{num}__ayat_{i}", f"Pasal {num} ayat ({i})", key, key, t)
        for i, (k, t) in enumerate(ayat, start=1)
    ]


A1 = "Setiap ASN berhak mengikuti pengembangan kompetensi."
A2 = "Pengembangan kompetensi paling sedikit 20 jam pelajaran dalam 1 tahun."
A3 = "Perangkat daerah menyusun rencana pengembangan kompetensi setiap tahun."
B1 = "Rotasi jabatan dilaksanakan paling singkat 2 tahun dan paling lama 5 tahun."
C1 = "Ketentuan lebih lanjut diatur oleh Kepala BKPSDM."

OLD = Document(
    pasal("c6", "6", ("e-a1", A1), ("e-a2", A2), ("e-a3", A3))
    + pasal("c7", "7", ("e-b1", B1))
    + pasal("c8", "8", ("e-c1", C1))
)


def place(new: list[El], anchor: Anchor) -> object:
    return Placer(old=OLD, new=Document(new)).place(anchor)


def quote_anchor(key: str, text: str, quote: str) -> Anchor:
    start = text.index(quote)
    return Anchor(
        comment_id=1,
        key=key,
        quote=quote,
        prefix=text[max(0, start - 32) : start],
        suffix=text[start + len(quote) : start + len(quote) + 32],
        start=start,
        end=start + len(quote),
    )


def test_an_unchanged_text_keeps_the_quote_exactly_and_relevant() -> None:
    new = OLD.elements
    p = place(new, quote_anchor("e-a2", A2, "20 jam pelajaran"))
    assert (p.method, p.status, p.confidence, p.change_label) == (
        AnchorMethod.EXACT,
        AnchorStatus.RELEVANT,
        1.0,
        "",
    )
    assert (p.element_key, p.eid, A2[p.start : p.end]) == ("e-a2", "pasal_6__ayat_2", "20 jam pelajaran")


def test_an_edit_around_an_intact_quote_is_relevant_and_named() -> None:
    edited = "Bagi setiap ASN, pengembangan kompetensi paling sedikit 20 jam pelajaran dalam 1 tahun."
    new = pasal("c6", "6", ("e-a1", A1), ("e-a2", edited), ("e-a3", A3)) + pasal("c7", "7", ("e-b1", B1))
    p = place(new, quote_anchor("e-a2", A2, "20 jam pelajaran"))
    assert (p.method, p.status) == (AnchorMethod.EXACT, AnchorStatus.RELEVANT)
    assert edited[p.start : p.end] == "20 jam pelajaran"
    assert p.change_label == "ayat (2) Pasal 6 diubah"


def test_a_slightly_reworded_quote_is_found_fuzzily() -> None:
    edited = "Pengembangan kompetensi paling sedikit 24 jam pelajaran dalam 1 tahun."
    new = pasal("c6", "6", ("e-a1", A1), ("e-a2", edited), ("e-a3", A3))
    p = place(new, quote_anchor("e-a2", A2, "paling sedikit 20 jam pelajaran"))
    assert (p.method, p.status, p.element_key) == (AnchorMethod.FUZZY, AnchorStatus.RELEVANT, "e-a2")
    assert 0.8 <= p.confidence < 1.0
    assert edited[p.start : p.end].startswith("paling sedikit 2")
    assert p.change_label == "ayat (2) Pasal 6 diubah"


def test_a_quote_whose_words_are_gone_is_moot_on_its_element() -> None:
    rewritten = "Kebutuhan pelatihan ditetapkan berdasarkan analisis kesenjangan."
    new = pasal("c6", "6", ("e-a1", A1), ("e-a2", rewritten), ("e-a3", A3))
    p = place(new, quote_anchor("e-a2", A2, "paling sedikit 20 jam pelajaran"))
    assert (p.method, p.status, p.element_key) == (AnchorMethod.ELEMENT, AnchorStatus.MOOT, "e-a2")
    assert p.change_label == "ayat (2) Pasal 6 diubah"
    assert p.confidence < 0.8


def test_a_deleted_pasal_makes_its_comments_moot_and_lost() -> None:
    new = pasal("c6", "6", ("e-a1", A1), ("e-a2", A2), ("e-a3", A3)) + pasal("c7", "7", ("e-b1", B1))
    quoted = place(new, quote_anchor("e-c1", C1, "Kepala BKPSDM"))
    whole = place(new, Anchor(comment_id=2, key="c8"))
    for p in (quoted, whole):
        assert (p.method, p.status, p.element_key, p.confidence) == (
            AnchorMethod.LOST,
            AnchorStatus.MOOT,
            None,
            0.0,
        )
        assert p.change_label == "Pasal 8 dihapus"


def test_a_renumbered_pasal_moves_its_comments() -> None:
    # A new Pasal 6 inserted: the old Pasal 6 is now Pasal 7, same key, same text.
    new = pasal("c-new", "6", ("e-n1", "Pasal baru tentang definisi.")) + pasal(
        "c6", "7", ("e-a1", A1), ("e-a2", A2), ("e-a3", A3)
    )
    p = place(new, quote_anchor("e-a2", A2, "20 jam pelajaran"))
    assert (p.method, p.status, p.eid, p.label) == (
        AnchorMethod.EXACT,
        AnchorStatus.MOVED,
        "pasal_7__ayat_2",
        "Pasal 7 ayat (2)",
    )
    assert p.change_label == "ayat (2) Pasal 6 menjadi ayat (2) Pasal 7"
    whole = place(new, Anchor(comment_id=3, key="c6"))
    assert (whole.method, whole.status, whole.change_label) == (
        AnchorMethod.ELEMENT,
        AnchorStatus.MOVED,
        "Pasal 6 menjadi Pasal 7",
    )


def test_a_quote_moved_to_another_pasal_follows_it() -> None:
    # Ayat (2) leaves Pasal 6 and becomes Pasal 7 ayat (2) (a new element there).
    new = pasal("c6", "6", ("e-a1", A1), ("e-a3", A3)) + pasal("c7", "7", ("e-b1", B1), ("e-x", A2))
    p = place(new, quote_anchor("e-a2", A2, "20 jam pelajaran"))
    assert (p.method, p.status, p.element_key, p.label) == (
        AnchorMethod.EXACT,
        AnchorStatus.MOVED,
        "e-x",
        "Pasal 7 ayat (2)",
    )
    assert p.change_label == "ayat (2) Pasal 6 dihapus; teksnya kini pada ayat (2) Pasal 7"


def test_a_split_pasal_carries_a_whole_ayat_comment_to_its_new_pasal() -> None:
    # Pasal 6 split: ayat (3) becomes Pasal 6A's only ayat (new keys).
    new = pasal("c6", "6", ("e-a1", A1), ("e-a2", A2)) + pasal("c6a", "6A", ("e-s1", A3))
    p = place(new, Anchor(comment_id=4, key="e-a3"))
    assert (p.method, p.status, p.element_key, p.clause_key) == (
        AnchorMethod.EXACT,
        AnchorStatus.MOVED,
        "e-s1",
        "c6a",
    )
    assert p.change_label == "ayat (3) Pasal 6 dihapus; teksnya kini pada ayat (1) Pasal 6A"
    # A comment on the Pasal itself stays with Pasal 6 (same key), whose text changed.
    whole = place(new, Anchor(comment_id=5, key="c6"))
    assert (whole.status, whole.change_label) == (AnchorStatus.RELEVANT, "Pasal 6 diubah")
    assert whole.confidence < 1.0


def test_merged_ayat_carry_their_comments_into_the_merged_one() -> None:
    merged = A1[:-1] + " dan " + A2[0].lower() + A2[1:]
    new = pasal("c6", "6", ("e-a1", merged), ("e-a3", A3))
    whole = place(new, Anchor(comment_id=6, key="e-a2"))
    assert (whole.status, whole.element_key, whole.method) == (AnchorStatus.MOVED, "e-a1", AnchorMethod.FUZZY)
    assert whole.confidence >= 0.8
    quoted = place(new, quote_anchor("e-a2", A2, "paling sedikit 20 jam pelajaran"))
    assert (quoted.method, quoted.status, quoted.element_key) == (
        AnchorMethod.EXACT,
        AnchorStatus.MOVED,
        "e-a1",
    )
    assert merged[quoted.start : quoted.end] == "paling sedikit 20 jam pelajaran"


def test_a_deleted_ayat_with_no_trace_is_moot() -> None:
    new = pasal("c6", "6", ("e-a1", A1), ("e-a2", A2))
    p = place(new, Anchor(comment_id=7, key="e-a3"))
    assert (p.method, p.status, p.change_label) == (
        AnchorMethod.LOST,
        AnchorStatus.MOOT,
        "ayat (3) Pasal 6 dihapus",
    )


def test_a_whole_clause_quote_found_in_one_of_its_ayat_stays_relevant() -> None:
    p = place(OLD.elements, Anchor(comment_id=8, key="c6", quote="rencana pengembangan kompetensi"))
    assert (p.method, p.status, p.element_key, p.change_label) == (
        AnchorMethod.EXACT,
        AnchorStatus.RELEVANT,
        "e-a3",
        "",
    )


def test_the_context_picks_which_occurrence_of_a_repeated_quote() -> None:
    text = "a. rapat dinas pertama; b. rapat dinas kedua; c. rapat dinas ketiga."
    second = text.index("rapat dinas kedua")
    anchor = Anchor(comment_id=9, key="k", quote="rapat dinas", prefix="; b. ", suffix=" kedua", start=None)
    assert locate(text, anchor) == (second, second + len("rapat dinas"))
    # The offsets win when the text there is the quote.
    assert locate(text, Anchor(comment_id=9, key="k", quote="rapat dinas", start=3)) == (3, 14)


def test_the_change_is_named_as_an_amending_regulation_names_it() -> None:
    assert legal_name("Pasal 6 ayat (2) huruf a") == "huruf a ayat (2) Pasal 6"
    assert legal_name("Menimbang huruf b") == "Menimbang huruf b"

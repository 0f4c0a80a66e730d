"""The report's campaigns section: what each group of near-identical comments said, and how it was grouped.

Answering a campaign once is fair only if nobody's voice is merged away unseen. So for each group
the report states its size, when its first and last members arrived, the representative text, the
words members added to it or left out of it (the key differences, most frequent first), the one
answer given (or that the members were answered differently), and the rule that grouped them: the
same normalized text, or a MinHash estimate of word-trigram Jaccard similarity at or above the
threshold. Only visible members' words are quoted: a hidden comment's text stays hidden here too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from policies.consultation.campaigns import CampaignGroup
from policies.consultation.models import Comment, Disposition
from policies.consultation.queries.voices import campaign_members
from policies.core.text import normalize

# The differences listed per group: enough to see the variants, few enough to read.
MAX_DIFFERENCES = 5
MAX_PHRASE_WORDS = 12


@dataclass(frozen=True)
class Difference:
    """A phrase some members added to the representative text (or left out of it), and how many did."""

    phrase: str
    members: int
    added: bool


@dataclass(frozen=True)
class CampaignAnswer:
    """The answer a campaign's members received: one outcome and reason, or how many different ones."""

    outcome: str | None
    reason: str
    answered: int
    distinct: int


@dataclass
class CampaignLine:
    """One campaign group as the report describes it."""

    id: int
    size: int
    hidden: int
    first_at: datetime
    last_at: datetime
    representative_comment_id: int
    representative_text: str
    identical: int
    differences: list[Difference] = field(default_factory=list)
    answer: CampaignAnswer | None = None


def _runs(words: list[str], keep: list[bool]) -> list[str]:
    """Return the contiguous runs of the words marked kept, each cut to a readable length."""
    runs, current = [], []
    for word, kept in zip(words, keep, strict=True):
        if kept:
            current.append(word)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [" ".join(r[:MAX_PHRASE_WORDS]) + (" …" if len(r) > MAX_PHRASE_WORDS else "") for r in runs]


def differences(representative: str, members: Sequence[str]) -> tuple[int, list[Difference]]:
    """Return how many members equal the representative text, and the phrases that set the others apart."""
    base_words = representative.split()
    base = {normalize(w) for w in base_words} - {""}
    counts: Counter[tuple[str, bool]] = Counter()
    identical = 0
    for text in members:
        words = text.split()
        forms = [normalize(w) for w in words]
        mine = set(forms) - {""}
        if normalize(text) == normalize(representative):
            identical += 1
            continue
        found = {(p, True) for p in _runs(words, [f not in base and f != "" for f in forms])}
        found |= {
            (p, False)
            for p in _runs(base_words, [normalize(w) not in mine and normalize(w) != "" for w in base_words])
        }
        counts.update(found)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], not kv[0][1], kv[0][0]))
    return identical, [Difference(phrase=p, members=n, added=a) for (p, a), n in ranked[:MAX_DIFFERENCES]]


def _answer(answers: list[Disposition]) -> CampaignAnswer | None:
    if not answers:
        return None
    distinct = {(a.outcome, a.reason) for a in answers}
    outcome, reason = next(iter(distinct)) if len(distinct) == 1 else (None, "")
    return CampaignAnswer(outcome=outcome, reason=reason, answered=len(answers), distinct=len(distinct))


def campaign_lines(session: Session, *, groups: Sequence[CampaignGroup]) -> list[CampaignLine]:
    """Describe each campaign group for the report (its members read in one query)."""
    members: dict[int, list[tuple[Comment, Disposition | None]]] = {}
    for comment, disposition in campaign_members(session, campaign_ids=[g.id for g in groups]):
        members.setdefault(comment.campaign_id, []).append((comment, disposition))  # type: ignore[arg-type]
    lines = []
    for group in groups:
        rows = members.get(group.id, [])
        if not rows:
            continue
        visible = [c.body for c, _ in rows if c.hidden_at is None and c.id != group.representative_comment_id]
        identical, diffs = differences(group.representative_text, visible)
        lines.append(
            CampaignLine(
                id=group.id,
                size=len(rows),
                hidden=sum(1 for c, _ in rows if c.hidden_at is not None),
                first_at=rows[0][0].created_at,
                last_at=rows[-1][0].created_at,
                representative_comment_id=group.representative_comment_id,
                representative_text=group.representative_text,
                # The representative itself is a member identical to itself.
                identical=identical + 1,
                differences=diffs,
                answer=_answer([d for _, d in rows if d is not None]),
            )
        )
    return lines


# The section's words, in each language (the report's own labels are in report_labels.py).
LABELS = {
    "id": {
        "title": "Kampanye: masukan yang sama atau hampir sama",
        "rule": "Aturan pengelompokan: masukan dengan teks yang sama setelah huruf besar-kecil, tanda "
        "baca dan spasi diseragamkan, atau dengan kemiripan Jaccard tiga-kata berurutan (perkiraan MinHash) "
        "sekurang-kurangnya {pct}, dikelompokkan dan dijawab sekali. Setiap anggota tetap tercatat dan "
        "terhitung dalam laporan ini.",
        "count": "{n} masukan dalam kelompok ini.",
        "hidden": "({n} di antaranya disembunyikan moderator.)",
        "arrivals": "Pertama masuk {first}; terakhir masuk {last}.",
        "identical": "{n} sama persis dengan teks perwakilan.",
        "representative": "Teks perwakilan (masukan #{id}):",
        "differences": "Perbedaan utama di antara anggota:",
        "added": "ditambahkan",
        "left_out": "dihilangkan",
        "members": "{n} anggota",
        "no_differences": "Tidak ada perbedaan kata di antara anggota yang terlihat.",
        "answer": "Jawaban yang diberikan kepada {n} anggota",
        "answers_differ": "{n} anggota dijawab dengan {k} jawaban berbeda; lihat setiap masukan di bawah.",
        "no_answer": "Kelompok ini belum dijawab.",
    },
    "en": {
        "title": "Campaigns: identical or near-identical comments",
        "rule": "Grouping rule: comments whose text is the same once case, punctuation and spacing are "
        "folded, or whose word-trigram Jaccard similarity (a MinHash estimate) is at least {pct}, are "
        "grouped and answered once. Every member stays on record and is counted in this report.",
        "count": "{n} comments in this group.",
        "hidden": "({n} of them hidden by a moderator.)",
        "arrivals": "First arrived {first}; last arrived {last}.",
        "identical": "{n} identical to the representative text.",
        "representative": "Representative text (comment #{id}):",
        "differences": "Key differences among members:",
        "added": "added",
        "left_out": "left out",
        "members": "{n} members",
        "no_differences": "The visible members differ in no word.",
        "answer": "The answer given to {n} members",
        "answers_differ": "{n} members were answered with {k} different answers; see each comment below.",
        "no_answer": "This group has not been answered yet.",
    },
}

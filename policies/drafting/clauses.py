"""Parse a draft's Markdown into clauses whose ids survive edits of other clauses."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from policies.core.errors import InvalidInput

_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*$")
_EXPLICIT_KEY = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]{1,38})\}\s*$")
# Below this similarity an edited clause is treated as a new one, not a rewrite.
SIMILARITY_FLOOR = 0.45
PREAMBLE = "Pembukaan"


@dataclass(frozen=True)
class ParsedClause:
    """A clause as read from Markdown, before it has a stable key."""

    chapter: str
    heading: str
    body: str
    key: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash the clause's words, ignoring how whitespace was laid out."""
        text = " ".join(f"{self.heading}\n{self.body}".split())
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ParsedDraft:
    """A whole draft: its title and its clauses in order."""

    title: str
    clauses: list[ParsedClause]


def new_key() -> str:
    """Make a fresh clause key."""
    return "c-" + secrets.token_hex(4)


def parse_draft(body: str) -> ParsedDraft:
    """Split Markdown into title (#), chapters (##) and clauses (###, optional `{#key}`)."""
    title = ""
    chapter = ""
    clauses: list[ParsedClause] = []
    heading: str | None = None
    key: str | None = None
    lines: list[str] = []

    def flush() -> None:
        text = "\n".join(lines).strip()
        if heading is not None or text:
            # Text outside any ### still gets a clause so that every word can be commented on.
            clauses.append(ParsedClause(chapter, heading or chapter or PREAMBLE, text, key))

    for line in body.replace("\r\n", "\n").split("\n"):
        match = _HEADING.match(line)
        if not match:
            lines.append(line)
            continue
        level, text = len(match.group(1)), match.group(2)
        if level == 1:
            flush()
            title, heading, key, lines = text, None, None, []
            continue
        flush()
        heading, key, lines = None, None, []
        if level == 2:
            chapter = text
        else:
            explicit = _EXPLICIT_KEY.search(text)
            if explicit:
                key, text = explicit.group(1), text[: explicit.start()]
            heading = text
    flush()
    if not clauses:
        raise InvalidInput(
            "Draf tidak berisi pasal: tulis setidaknya satu pasal.",
            en="The draft has no clause: write at least one (a ### heading).",
            field="body",
        )
    seen: set[str] = set()
    for clause in clauses:
        if clause.key is not None and clause.key in seen:
            raise InvalidInput(
                f"Penanda pasal {{#{clause.key}}} dipakai dua kali.",
                en=f"The clause marker {{#{clause.key}}} is used twice.",
                field="body",
            )
        if clause.key is not None:
            seen.add(clause.key)
    return ParsedDraft(title=title, clauses=clauses)


@dataclass(frozen=True)
class KeyedClause:
    """A clause with its stable key, as stored."""

    key: str
    chapter: str
    heading: str
    body: str
    content_hash: str


def assign_keys(
    *,
    clauses: Sequence[ParsedClause],
    previous: Sequence[KeyedClause],
    make_key: Callable[[], str] = new_key,
) -> list[KeyedClause]:
    """Give each clause the key of its counterpart in the previous version, or a new one."""
    taken: dict[int, str] = {}
    free_prev = {i: p for i, p in enumerate(previous)}
    used_keys: set[str] = set()

    # 1. An explicit {#key} always wins (the editor round-trips keys).
    for i, c in enumerate(clauses):
        if c.key:
            taken[i] = c.key
            used_keys.add(c.key)
    free_prev = {i: p for i, p in free_prev.items() if p.key not in used_keys}
    # 2. Unchanged text keeps its key even when renumbered or moved.
    by_hash: dict[str, list[int]] = {}
    for i, p in free_prev.items():
        by_hash.setdefault(p.content_hash, []).append(i)
    for i, c in enumerate(clauses):
        if i in taken:
            continue
        candidates = by_hash.get(c.content_hash)
        if candidates:
            j = candidates.pop(0)
            taken[i] = free_prev.pop(j).key
    # 3. Edited clauses pair with the most similar remaining previous clause.
    pairs: list[tuple[float, int, int]] = []
    edited = [(i, c, f"{c.heading}\n{c.body}") for i, c in enumerate(clauses) if i not in taken]
    for j, p in free_prev.items():
        # One matcher per previous clause: it indexes its text once for every edited clause.
        matcher = SequenceMatcher(None, "", f"{p.heading}\n{p.body}")
        for i, c, text in edited:
            matcher.set_seq1(text)
            bonus = 0.15 if c.heading == p.heading else 0.0  # the same "Pasal 5" is a strong hint
            if matcher.real_quick_ratio() + bonus < SIMILARITY_FLOOR:
                continue  # the lengths alone rule it out: the ratio cannot reach the floor
            ratio = matcher.ratio() + bonus
            if ratio >= SIMILARITY_FLOOR:
                pairs.append((ratio, i, j))
    for _ratio, i, j in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        if i in taken or j not in free_prev:
            continue
        taken[i] = free_prev.pop(j).key
    result: list[KeyedClause] = []
    for i, c in enumerate(clauses):
        key = taken.get(i)
        while key is None or key in {r.key for r in result}:
            key = make_key()
        result.append(KeyedClause(key, c.chapter, c.heading, c.body, c.content_hash))
    return result


def with_keys(body: str, *, keys: Sequence[str]) -> str:
    """Write each clause's key into its ### heading, for editors that round-trip them."""
    out: list[str] = []
    index = 0
    in_section = False
    loose_text = False  # text outside any ### is a clause of its own (a Penutup): it takes a key too
    for line in body.replace("\r\n", "\n").split("\n"):
        match = _HEADING.match(line)
        if match is None:
            loose_text = loose_text or (not in_section and bool(line.strip()))
            out.append(line)
            continue
        if loose_text:
            index += 1
            loose_text = False
        in_section = len(match.group(1)) == 3
        if in_section and index < len(keys):
            text = _EXPLICIT_KEY.sub("", match.group(2))
            line = f"### {text} {{#{keys[index]}}}"
            index += 1
        out.append(line)
    return "\n".join(out)


def strip_keys(clause: ParsedClause) -> ParsedClause:
    """Drop an explicit key (used when a key is not valid for this policy)."""
    return replace(clause, key=None)

"""Changes confined to ayat: changed, inserted between two, added after the last, or deleted ones."""

from __future__ import annotations

from policies.drafting.amendment.items import Change
from policies.drafting.amendment.parts import Part, Text
from policies.drafting.amendment.render import is_deleted, pasal_lines, words_of
from policies.drafting.amendment.wording import ayat_names, counted, next_letter


def ayat_numbers(
    old_ayat: list[Part], new_ayat: list[Part]
) -> tuple[dict[str, str], list[Part], list[Part], list[Part]]:
    """Number the proposed ayat as the amendment does; list the inserted, appended and deleted ones."""
    old_keys = {a.key: a for a in old_ayat}
    numbers: dict[str, str] = {}
    inserted: list[Part] = []
    appended: list[Part] = []
    last: str | None = None
    top = max((int("".join(c for c in a.num if c.isdigit()) or 0) for a in old_ayat), default=0)
    later_kept = {a.key for a in new_ayat if a.key in old_keys}
    for i, a in enumerate(new_ayat):
        if a.key in old_keys:
            last = old_keys[a.key].num
            numbers[a.key] = last
            continue
        if not any(b.key in later_kept for b in new_ayat[i + 1 :]) and (
            last is None or last == old_ayat[-1].num
        ):
            top += 1
            numbers[a.key] = str(top)
            appended.append(a)
        else:
            last = next_letter(last or "0", upper=False)
            numbers[a.key] = last
            inserted.append(a)
    deleted = [a for a in old_ayat if a.key not in {b.key for b in new_ayat}]
    return numbers, inserted, appended, deleted


def ayat_change(
    *, old_text: Text, new_text: Text, old: Part, new: Part, old_ayat: list[Part], new_ayat: list[Part]
) -> Change | None:
    """Write a change confined to ayat the way Lampiran II names it; None when it is no one kind."""
    numbers, inserted, appended, deleted = ayat_numbers(old_ayat, new_ayat)
    old_by = {a.key: a for a in old_ayat}
    kept = [a for a in new_ayat if a.key in old_by]
    if [old_ayat.index(old_by[a.key]) for a in kept] != sorted(old_ayat.index(old_by[a.key]) for a in kept):
        return None
    deleted += [a for a in kept if is_deleted(a, new_text) and not is_deleted(old_by[a.key], old_text)]
    changed = [
        a for a in kept if a not in deleted and words_of(old_text, old_by[a.key]) != words_of(new_text, a)
    ]
    deleted_nums = [a.num for a in deleted]
    kinds = [k for k, v in (("c", changed), ("i", inserted), ("a", appended), ("d", deleted)) if v]
    if len(kinds) != 1 or (changed and len(changed) == len(old_ayat)):
        return None
    n = old.num
    # Each deleted ayat stands in place, "(3) Dihapus.", after the ayat that came before it.
    after: dict[str | None, list[str]] = {}
    gone = {a.key for a in deleted if a.key not in {b.key for b in new_ayat}}
    anchor: str | None = None
    for a in old_ayat:
        if a.key in gone:
            after.setdefault(anchor, []).append(a.num)
        else:
            anchor = a.key
    if kinds == ["c"]:
        sentence = f"Ketentuan {ayat_names([old_by[a.key].num for a in changed])} Pasal {n} diubah"
    elif kinds == ["d"]:
        sentence = f"Ketentuan {ayat_names(deleted_nums)} Pasal {n} dihapus"
    elif kinds == ["a"]:
        nums = [numbers[a.key] for a in appended]
        sentence = f"Ketentuan Pasal {n} ditambah {counted(len(nums), 'ayat')}, yakni {ayat_names(nums)}"
    else:
        nums = [numbers[a.key] for a in inserted]
        prev = nums[0].rstrip("abcdefghijklmnopqrstuvwxyz")
        order = [a.num for a in old_ayat]
        nxt = order[order.index(prev) + 1] if prev in order and order.index(prev) + 1 < len(order) else None
        between = f"ayat ({prev}) dan ayat ({nxt})" if nxt else f"ayat ({prev})"
        sentence = (
            f"Di antara {between} Pasal {n} disisipkan {counted(len(nums), 'ayat')}, yakni {ayat_names(nums)}"
        )
    quoted = pasal_lines(
        new_text,
        new,
        number=n,
        ayat_num=lambda p: numbers.get(p.key),
        deleted_after={k: v for k, v in after.items()},
    )
    new_by = {a.key: a for a in new_ayat}
    kind = {"c": "ayat_changed", "d": "ayat_deleted", "a": "ayat_appended", "i": "ayat_inserted"}[kinds[0]]
    return Change(
        kind,
        f"{sentence} sehingga Pasal {n} berbunyi sebagai berikut:",
        tuple(quoted),
        (n,),
        (new.eid,),
        ((new.eid, n), *((a.eid, numbers[a.key]) for a in new_ayat)),
        tuple((new_by[k].eid if k else new.eid, num) for k, nums in after.items() for num in nums),
    )

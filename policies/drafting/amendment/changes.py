"""What changed between the adopted text and the proposed one, as the items of an amendment's Pasal I.

Numbers are the adopted text's: an amendment never renumbers, so a Pasal inserted after Pasal 6 is
Pasal 6A and an ayat inserted after ayat (2) is ayat (2a), whatever numbers the proposed draft gave
them; a deleted Pasal keeps its number ("Pasal 8 dihapus."). The wording of each item follows
Lampiran II UU 12/2011 as summarised in shared/DRAFTING.md ("sehingga berbunyi sebagai berikut").
"""

from __future__ import annotations

from policies.drafting.amendment.ayat import ayat_change, ayat_numbers
from policies.drafting.amendment.items import REPLACE_SHARE, Change, Plan, Reason
from policies.drafting.amendment.parts import Part, Text
from policies.drafting.amendment.render import is_deleted, pasal_lines, signature, words_of
from policies.drafting.amendment.wording import counted, next_letter, pasal_names

__all__ = ["Change", "Plan", "Reason", "plan_amendment"]


class _Planner:
    """Walk the proposed Pasal once in order, keeping the adopted numbers, and collect the items."""

    def __init__(self, *, old: Text, new: Text, instrument: str) -> None:
        self.old, self.new, self.instrument = old, new, instrument
        self.changes: list[Change] = []
        self.reasons: list[Reason] = []
        self.old_pasal = old.of_kind("pasal")
        self.new_pasal = new.of_kind("pasal")
        self.old_index = {p.key: i for i, p in enumerate(self.old_pasal)}
        self.new_keys = {p.key for p in self.new_pasal}
        self.numbers: dict[str, str] = {}
        self.touched = 0

    def reason(self, id_: str, en: str) -> None:
        if Reason(id_, en) not in self.reasons:  # three new Pasal before Pasal 1 are one reason, said once
            self.reasons.append(Reason(id_, en))

    # -- numbering and systematics ------------------------------------------------------------

    def number(self) -> None:
        last: str | None = None
        for p in self.new_pasal:
            if p.key in self.old_index:
                last = self.old.by_key[p.key].num
                self.numbers[p.key] = last
            elif last is None:
                self.reason(
                    f"Pasal baru ditulis sebelum Pasal {self.old_pasal[0].num if self.old_pasal else 1}: "
                    "penomoran berubah.",
                    "a new Pasal comes before the first one: the numbering changes.",
                )
                self.numbers[p.key] = p.num
            else:
                last = next_letter(last, upper=True)
                self.numbers[p.key] = last

    def systematics(self) -> None:
        kept = [self.old_index[p.key] for p in self.new_pasal if p.key in self.old_index]
        if kept != sorted(kept):
            self.reason("Urutan Pasal berubah.", "The order of the Pasal changes.")
        for p in self.new_pasal:
            if p.key not in self.old_index:
                continue
            was, now = self.old.bab_of(self.old.by_key[p.key]), self.new.bab_of(p)
            if (was.key if was else None) != (now.key if now else None) and (was or now):
                self.reason(
                    f"Pasal {self.old.by_key[p.key].num} dipindahkan ke bab lain.",
                    f"Pasal {self.old.by_key[p.key].num} moves to another BAB.",
                )
        new_babs = {b.key for b in self.new.of_kind("bab")}
        for bab in self.old.of_kind("bab"):
            if bab.key not in new_babs:
                self.reason(f"{bab.label} dihapus atau diganti.", f"{bab.label} is removed or replaced.")
        for kind, name in (("bagian", "Bagian"), ("paragraf", "Paragraf")):
            if {p.key for p in self.old.of_kind(kind)} != {p.key for p in self.new.of_kind(kind)}:
                self.reason(
                    f"Susunan {name} berubah.",
                    f"The {name} grouping changes.",
                )
        new_bab_keys = [b.key for b in self.new.of_kind("bab")]
        old_bab_order = {b.key: i for i, b in enumerate(self.old.of_kind("bab"))}
        kept_babs = [old_bab_order[k] for k in new_bab_keys if k in old_bab_order]
        if kept_babs != sorted(kept_babs):
            self.reason("Urutan BAB berubah.", "The order of the BAB changes.")

    # -- the items ----------------------------------------------------------------------------

    def walk(self) -> None:
        done_deleted: set[str] = set()
        done_babs: set[str] = set()
        old_babs = {b.key for b in self.old.of_kind("bab")}
        group: list[Part] = []

        def flush() -> None:
            if group:
                self.inserted_pasal(list(group))
                group.clear()

        def deleted_before(index: int) -> None:
            for old in self.old_pasal[:index]:
                if old.key not in self.new_keys and old.key not in done_deleted:
                    done_deleted.add(old.key)
                    self.deleted_pasal(old)

        for p in self.new_pasal:
            bab = self.new.bab_of(p)
            if p.key in self.old_index:
                flush()
                deleted_before(self.old_index[p.key])
                if bab is not None and bab.key not in done_babs and bab.key in old_babs:
                    done_babs.add(bab.key)
                    self.bab_title(bab)
                self.pasal(self.old.by_key[p.key], p)
            elif bab is not None and bab.key not in old_babs:
                flush()
                if bab.key not in done_babs:
                    done_babs.add(bab.key)
                    self.inserted_bab(bab)
            else:
                if group and self.new.bab_of(group[-1]) != bab:
                    flush()
                group.append(p)
        flush()
        deleted_before(len(self.old_pasal))
        self.penjelasan_umum()
        self.lampiran()

    def neighbours(self, after: str) -> tuple[str, str | None]:
        nums = [p.num for p in self.old_pasal]
        base = after.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or after
        i = nums.index(base) if base in nums else len(nums) - 1
        return base, nums[i + 1] if i + 1 < len(nums) else None

    def inserted_pasal(self, group: list[Part]) -> None:
        nums = [self.numbers[p.key] for p in group]
        prev, nxt = self.neighbours(nums[0])
        what = f"{counted(len(group), 'pasal')}, yakni {pasal_names(nums)}"
        if nxt is None:
            sentence = f"Setelah Pasal {prev} ditambahkan {what} sehingga berbunyi sebagai berikut:"
        else:
            sentence = (
                f"Di antara Pasal {prev} dan Pasal {nxt} disisipkan {what} sehingga berbunyi sebagai berikut:"
            )
        quoted: list[str] = []
        for p in group:
            quoted.extend(pasal_lines(self.new, p, number=self.numbers[p.key]))
        self.touched += len(group)
        self.changes.append(
            Change(
                "pasal_inserted",
                sentence,
                tuple(quoted),
                tuple(nums),
                tuple(p.eid for p in group),
                tuple((p.eid, self.numbers[p.key]) for p in group),
            )
        )

    def inserted_bab(self, bab: Part) -> None:
        old_babs = self.old.of_kind("bab")
        new_babs = self.new.of_kind("bab")
        old_keys = {b.key for b in old_babs}
        prev_old = None
        for b in new_babs[: new_babs.index(bab)]:
            if b.key in old_keys:
                prev_old = self.old.by_key[b.key]
        if prev_old is None:
            self.reason(
                f"BAB baru ditulis sebelum {old_babs[0].label if old_babs else 'BAB I'}.",
                "a new BAB comes before the first one.",
            )
            return
        i = [b.key for b in old_babs].index(prev_old.key)
        nxt = old_babs[i + 1] if i + 1 < len(old_babs) else None
        number = next_letter(prev_old.num, upper=True, roman=True)
        what = f"{counted(1, 'bab')}, yakni BAB {number}"
        if nxt is None:
            sentence = f"Setelah BAB {prev_old.num} ditambahkan {what} sehingga berbunyi sebagai berikut:"
        else:
            sentence = (
                f"Di antara BAB {prev_old.num} dan BAB {nxt.num} disisipkan {what} "
                "sehingga berbunyi sebagai berikut:"
            )
        quoted = [f"BAB {number}", *([bab.text] if bab.text else [])]
        pasal = [p for p in self.new_pasal if self.new.bab_of(p) == bab]
        for part in self.new.subtree(bab)[1:]:
            if part.kind in ("bagian", "paragraf"):
                quoted.extend(
                    [part.label.split(" ", 2)[-1] if part.kind == "bagian" else part.label, part.text]
                )
            elif part.kind == "pasal":
                quoted.extend(pasal_lines(self.new, part, number=self.numbers[part.key]))
        self.touched += len(pasal)
        self.changes.append(
            Change(
                "bab_inserted",
                sentence,
                tuple(q for q in quoted if q),
                tuple(self.numbers[p.key] for p in pasal),
                (bab.eid, *(p.eid for p in pasal)),
                ((bab.eid, number), *((p.eid, self.numbers[p.key]) for p in pasal)),
            )
        )

    def bab_title(self, bab: Part) -> None:
        old = self.old.by_key[bab.key]
        if " ".join(old.text.split()) == " ".join(bab.text.split()):
            return
        self.changes.append(
            Change(
                "bab_title_changed",
                f"Ketentuan judul BAB {old.num} diubah sehingga berbunyi sebagai berikut:",
                (f"BAB {old.num}", bab.text),
                (),
                (bab.eid,),
            )
        )

    def deleted_pasal(self, old: Part) -> None:
        self.touched += 1
        self.changes.append(Change("pasal_deleted", f"Pasal {old.num} dihapus.", (), (), (old.eid,)))

    def pasal(self, old: Part, new: Part) -> None:
        num = old.num
        if is_deleted(new, self.new) and not is_deleted(old, self.old):
            self.deleted_pasal(old)
            return
        if words_of(self.old, old) == words_of(self.new, new) and [
            (p.kind, p.num) for p in self.new.subtree(new)[1:]
        ] == [(p.kind, p.num) for p in self.old.subtree(old)[1:]]:
            self.penjelasan_only(old, new)
            return
        self.touched += 1
        old_ayat = [k for k in self.old.kids(old) if k.kind == "ayat"]
        new_ayat = [k for k in self.new.kids(new) if k.kind == "ayat"]
        others_same = " ".join(old.text.split()) == " ".join(new.text.split()) and [
            signature(self.old, k) for k in self.old.kids(old) if k.kind != "ayat"
        ] == [signature(self.new, k) for k in self.new.kids(new) if k.kind != "ayat"]
        if old_ayat and new_ayat and others_same:
            change = ayat_change(
                old_text=self.old, new_text=self.new, old=old, new=new, old_ayat=old_ayat, new_ayat=new_ayat
            )
            if change is not None:
                self.changes.append(change)
                return
        numbers = ayat_numbers(old_ayat, new_ayat)[0]
        self.changes.append(
            Change(
                "pasal_changed",
                f"Ketentuan Pasal {num} diubah sehingga berbunyi sebagai berikut:",
                tuple(pasal_lines(self.new, new, number=num, ayat_num=lambda p: numbers.get(p.key))),
                (num,),
                (new.eid,),
                ((new.eid, num), *((a.eid, numbers[a.key]) for a in new_ayat)),
            )
        )

    # -- Penjelasan and Lampiran ----------------------------------------------------------------

    def penjelasan_only(self, old: Part, new: Part) -> None:
        was, now = self.old.penjelasan_of(old.num), self.new.penjelasan_of(new.num)
        if was is None or now is None or words_of(self.old, was) == words_of(self.new, now):
            return
        self.changes.append(
            Change(
                "penjelasan_changed",
                f"Ketentuan Pasal {old.num} tetap dengan perubahan penjelasan sehingga penjelasan Pasal "
                f"{old.num} menjadi sebagaimana tercantum dalam penjelasan Pasal demi Pasal "
                f"{self.instrument} ini.",
                (),
                (old.num,),
                (now.eid,),
            )
        )

    def penjelasan_umum(self) -> None:
        was, now = self.old.of_kind("penjelasan_umum"), self.new.of_kind("penjelasan_umum")
        if was and now and words_of(self.old, was[0]) != words_of(self.new, now[0]):
            self.changes.append(
                Change(
                    "penjelasan_umum_changed",
                    f"Penjelasan Umum diubah sehingga menjadi sebagaimana tercantum dalam Penjelasan Umum "
                    f"{self.instrument} ini.",
                    (),
                    (),
                    (now[0].eid,),
                )
            )

    def lampiran(self) -> None:
        was = [words_of(self.old, p) for p in self.old.of_kind("lampiran")]
        now = [words_of(self.new, p) for p in self.new.of_kind("lampiran")]
        if was != now and now:
            self.changes.append(
                Change(
                    "lampiran_changed",
                    f"Lampiran diubah sehingga menjadi sebagaimana tercantum dalam Lampiran yang merupakan "
                    f"bagian tidak terpisahkan dari {self.instrument} ini.",
                    (),
                    (),
                    tuple(p.eid for p in self.new.of_kind("lampiran")),
                )
            )


def plan_amendment(*, old: Text, new: Text, instrument: str = "Peraturan Wali Kota") -> Plan:
    """List the changes from the adopted text to the proposed one, or say why to replace it instead."""
    planner = _Planner(old=old, new=new, instrument=instrument)
    planner.number()
    planner.systematics()
    planner.walk()
    total = len(planner.old_pasal)
    if total and planner.touched / total > REPLACE_SHARE:
        planner.reason(
            f"{planner.touched} dari {total} Pasal berubah (lebih dari separuh).",
            f"{planner.touched} of {total} Pasal change (more than half).",
        )
    return Plan(planner.changes, planner.reasons, planner.touched, total, planner.numbers)

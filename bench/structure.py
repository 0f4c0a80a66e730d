"""Bench: parse a generated 300-Pasal draft into its Lampiran II elements, carry the keys, write a version.

Run: .venv/bin/python -m bench.structure [--pasal 300] [--runs 20] [--database-url URL]

The draft has a Pembukaan (Menimbang, Mengingat), 15 BAB with 20 Pasal each, every Pasal with
three ayat, ayat (2) with four huruf and huruf a with two angka, a Penutup and a Penjelasan entry
for every Pasal. Timed, each `--runs` times (median, min, max): `parse_structure` (the target,
issue 23: under 2 s); assigning the element keys of a second version against the first (every
20th ayat edited, one ayat inserted per BAB, so most keys are carried by hash and the rest by
similarity); and writing a whole version as the served path does it (`create_version`: parse, clause
and element keys, rows, commit) on a scratch database. The load average is printed with the figures:
the machine is shared. The exit status is 1 when the parse misses its target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from bench.common import scratch_database
from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.catalog import load_catalog
from policies.core.db import unit_of_work
from policies.core.migrate import upgrade
from policies.drafting.clauses import assign_keys, parse_draft
from policies.drafting.elements import KeyedElement, assign_element_keys
from policies.drafting.numbering import to_roman
from policies.drafting.structure import parse_structure, parse_with_heads
from policies.drafting.versions import create_version, publish_version
from policies.lifecycle.actions import create_policy

TARGET_S = 2.0
UNIT = "BKPSDM Bench"
DRAFTER = Actor(id=None, name="Bench Perancang", role=Role.DRAFTER, unit=UNIT)
SLUG = "bench-struktur"


def generate_draft(*, pasal: int = 300, per_bab: int = 20, edited: bool = False) -> str:
    """Write a draft of `pasal` Pasal in BAB of `per_bab`, each with ayat, huruf and angka."""
    lines = [
        "# Rancangan Peraturan Wali Kota Bench Nomor ... Tahun 2026 tentang Pengembangan Kompetensi ASN",
        "## Pembukaan",
        "### Menimbang",
        "a. bahwa pengembangan kompetensi Pegawai ASN perlu direncanakan;",
        "b. bahwa berdasarkan pertimbangan dalam huruf a, perlu menetapkan Peraturan Wali Kota;",
        "### Mengingat",
        "1. Undang-Undang Nomor 12 Tahun 2011 tentang Pembentukan Peraturan Perundang-undangan;",
        "2. Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara;",
    ]
    for n in range(1, pasal + 1):
        if (n - 1) % per_bab == 0:
            lines.append(
                f"## BAB {to_roman((n - 1) // per_bab + 1)} KETENTUAN BAGIAN {(n - 1) // per_bab + 1}"
            )
        first = (
            f"(1) Setiap Pegawai ASN berhak atas pengembangan kompetensi paling sedikit 20 JP (butir {n})."
        )
        if edited and n % 20 == 0:
            first = (
                f"(1) Setiap Pegawai ASN wajib mengikuti pengembangan kompetensi minimal 24 JP (butir {n})."
            )
        ayat = [
            first,
            "(2) Pengembangan kompetensi dilaksanakan melalui:",
            "a. pelatihan klasikal, yang terdiri atas:",
            "1. pelatihan teknis; dan",
            "2. pelatihan fungsional;",
            "b. *coaching* dan *mentoring*;",
            f"c. **e-learning** yang diselenggarakan BKPSDM untuk butir {n}; dan",
            "d. magang di instansi lain.",
            f"(3) Pelaksanaan sebagaimana dimaksud pada ayat (2) dilaporkan kepada BKPSDM (butir {n}).",
        ]
        if edited and n % per_bab == 1:
            ayat.insert(1, f"(2) Pengembangan kompetensi daring diakui sebagai JP (butir {n}).")
            ayat[2], ayat[-1] = ayat[2].replace("(2)", "(3)", 1), ayat[-1].replace("(3)", "(4)", 1)
        lines += [f"### Pasal {n}", *ayat]
    lines += [
        "## Penutup",
        "Agar setiap orang mengetahuinya, memerintahkan pengundangan Peraturan Wali Kota ini.",
    ]
    lines += [
        "## Penjelasan",
        "### Umum",
        "Peraturan ini disusun secara partisipatif.",
        "### Pasal demi Pasal",
    ]
    for n in range(1, pasal + 1):
        lines += [f"### Pasal {n}", "Ayat (1)", "Cukup jelas.", "Ayat (2)", "Huruf a", "Cukup jelas."]
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], object], *, runs: int) -> list[float]:
    """Return the seconds each of `runs` calls took."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def line(name: str, times: list[float]) -> str:
    """Format one figure: median, min and max in milliseconds."""
    med, lo, hi = statistics.median(times), min(times), max(times)
    ms = f"median {med * 1000:8.1f} ms   min {lo * 1000:8.1f}   max {hi * 1000:8.1f}"
    return f"{name:<44} {ms}   (n={len(times)})"


class _Row:
    """A previous version's element as the key matching reads it."""

    def __init__(self, k: KeyedElement) -> None:
        self.key, self.kind, self.num, self.text = k.key, k.element.kind, k.element.num, k.element.text
        self.parent_key, self.clause_key, self.content_hash = k.parent_key, k.clause_key, k.content_hash


def keys_of(body: str, *, previous: list[_Row], previous_clauses: list) -> tuple[list[_Row], list]:  # type: ignore[type-arg]
    """Assign clause and element keys of a version against the previous one."""
    elements, heads = parse_with_heads(body=body)
    clauses = assign_keys(clauses=parse_draft(body).clauses, previous=previous_clauses)
    keyed = assign_element_keys(
        elements=elements, heads=heads, clause_keys=[c.key for c in clauses], previous=previous
    )
    return [_Row(k) for k in keyed], clauses


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print its figures; exit 1 when the parse misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pasal", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)

    first, second = generate_draft(pasal=args.pasal), generate_draft(pasal=args.pasal, edited=True)
    elements = parse_structure(body=first)
    kinds: dict[str, int] = {}
    for e in elements:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    print(f"draft: {len(first.splitlines())} lines, {len(elements)} elements {dict(sorted(kinds.items()))}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")

    parse_times = timed(lambda: parse_structure(body=first), runs=args.runs)
    print(line(f"parse_structure ({args.pasal} Pasal)", parse_times))
    rows, clauses = keys_of(first, previous=[], previous_clauses=[])
    key_times = timed(lambda: keys_of(second, previous=rows, previous_clauses=clauses), runs=args.runs)
    print(line("clause + element keys of version 2", key_times))
    carried, _ = keys_of(second, previous=rows, previous_clauses=clauses)
    old_keys = {r.key for r in rows}
    print(f"version 2 keeps {sum(r.key in old_keys for r in carried)} of {len(carried)} element keys")

    with scratch_database(args.database_url) as url:
        upgrade(url)
        with unit_of_work(url) as s:
            load_catalog(s)
            create_policy(
                s,
                actor=DRAFTER,
                slug=SLUG,
                title="Bench: struktur",
                kind_code="kebijakan-kepegawaian",
                region="Kota Bench",
                unit=UNIT,
            )
        write_times = []
        for i in range(max(2, args.runs // 4)):
            body = second if i % 2 else first
            start = time.perf_counter()
            with unit_of_work(url) as s:
                version = create_version(s, actor=DRAFTER, slug=SLUG, body=body)
                publish_version(s, actor=DRAFTER, slug=SLUG, number=version.number)
            write_times.append(time.perf_counter() - start)
        print(line(f"create_version, committed ({url.split(':')[0]})", write_times))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    median = statistics.median(parse_times)
    print(f"parse target {TARGET_S:.1f} s: {'met' if median < TARGET_S else 'MISSED'} ({median:.3f} s)")
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())

"""Print the mutation score of the last `mutmut run` (make mutation), per module and overall, and every mutant that
was not killed, so the closing note of an issue can list them with why each is equivalent or acceptable.

Score = killed / (all mutants - skipped). A mutant no test runs ("no tests") counts as not killed. Exits 1 when the
run did not check every mutant (it was interrupted), so an incomplete run never prints a score that looks final.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from mutmut.stats import status_by_exit_code

MUTANTS = Path("mutants")
KILLED = {"killed", "timeout", "caught by type check"}  # a mutant that hangs or does not type-check is caught too


def main() -> int:
    metas = sorted(MUTANTS.rglob("*.py.meta"))
    if not metas:
        print("No mutation results: run `make mutation` first.", file=sys.stderr)
        return 1
    by_module: dict[str, Counter[str]] = {}
    not_killed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for meta in metas:
        module = str(meta.relative_to(MUTANTS))[: -len(".meta")]
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        counts: Counter[str] = Counter()
        for name, code in codes.items():
            status = status_by_exit_code[code]
            counts[status] += 1
            if status not in KILLED and status != "skipped":
                not_killed[module].append((status, name))
        by_module[module] = counts

    total: Counter[str] = Counter()
    print(f"{'module':<40} {'mutants':>8} {'killed':>8} {'score':>7}")
    for module, counts in by_module.items():
        total.update(counts)
        print(_row(module, counts))
    print(_row("all", total))
    for module, names in not_killed.items():
        print(f"\n{module}: {len(names)} not killed")
        for status, name in sorted(names, key=lambda item: _natural(item[1])):
            print(f"  {status:<12} {name}")
    unchecked = total["not checked"] + total["check was interrupted by user"]
    if unchecked:
        print(f"\n{unchecked} mutants were not checked: the run is incomplete.", file=sys.stderr)
        return 1
    return 0


def _row(label: str, counts: Counter[str]) -> str:
    tested = sum(counts.values()) - counts["skipped"]
    killed = sum(counts[s] for s in KILLED)
    score = f"{100 * killed / tested:.1f}%" if tested else "-"
    return f"{label:<40} {tested:>8} {killed:>8} {score:>7}"


def _natural(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("_")
    return (stem, int(number)) if number.isdigit() else (name, 0)


if __name__ == "__main__":
    sys.exit(main())

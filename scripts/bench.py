"""`make bench`: how long the everyday commands take, against the targets a user would notice."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("cin-docs"))
SAMPLE = "samples/hillingdon-mid-plan.yaml"

# (name, arguments, target seconds): a command a social worker runs many times a day should feel instant.
CASES = [
    ("--help", ["--help"], 0.5),
    ("validate one case", ["validate", SAMPLE], 0.8),
    ("due-dates one case", ["due-dates", SAMPLE, "--as-of", "2026-11-23"], 0.8),
    ("due-dates --json", ["due-dates", SAMPLE, "--as-of", "2026-11-23", "--json"], 0.8),
    ("one invitation letter, Word", ["render", "invitation", SAMPLE, "--recipient", "Danielle Hartwell",
                                     "--format", "docx", "--as-of", "2026-11-23", "-o", "{out}"], 1.5),
    ("one invitation letter, PDF", ["render", "invitation", SAMPLE, "--recipient", "Danielle Hartwell",
                                    "--format", "pdf", "--as-of", "2026-11-23", "-o", "{out}"], 3.0),
    ("all invitation letters, both formats", ["render", "invitation", SAMPLE, "--as-of", "2026-11-23",
                                              "-o", "{out}"], 15.0),
]


def timed(args: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            argv = [a.replace("{out}", out) for a in args]
            start = time.perf_counter()
            subprocess.run([CLI, *argv], cwd=ROOT, check=True, capture_output=True)
            runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    slow = 0
    print(f"{'command':<40} {'median':>8} {'target':>8}")
    for name, args, target in CASES:
        seconds = timed(args, 3 if target < 5 else 1)
        verdict = "ok" if seconds <= target else "SLOW"
        slow += verdict == "SLOW"
        print(f"{name:<40} {seconds:>7.2f}s {target:>7.1f}s  {verdict}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())

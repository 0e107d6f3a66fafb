"""`make bench`: how long the everyday commands take, against the targets a user would notice."""

from __future__ import annotations

import os
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


# The caseload: a folder of N generated cases to a JSON report, against a plain pure-Python YAML parse of the same
# files (the target: no slower than that parse, on this machine's cores), with peak memory.
CASELOAD_SIZES = tuple(int(n) for n in os.environ.get("BENCH_CASELOAD_SIZES", "1000,5000").split(","))
PURE_PARSE = """
import sys, time, yaml
from pathlib import Path
files = sorted(Path(sys.argv[1]).rglob("*.yaml"))
start = time.perf_counter()
for f in files:
    yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
print(time.perf_counter() - start)
"""
# Runs the CLI in-process and reports its own peak RSS and its largest pool worker's (kilobytes on Linux).
WITH_MEMORY = """
import resource, sys, time
from cin_docs.cli import main
start = time.perf_counter()
try:
    main(sys.argv[1:])
except SystemExit:
    pass
elapsed = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{elapsed} {own} {workers}", file=sys.stderr)
"""


def caseload_bench() -> int:
    import os

    slow = 0
    print()
    print(f"caseload (JSON report) on {os.cpu_count()} cores, against a plain pure-Python YAML parse of the same files")
    print(f"{'cases':>6} {'caseload':>9} {'parse':>8} {'verdict':>8} {'RSS main':>9} {'RSS worker':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in CASELOAD_SIZES:
            folder = Path(tmp) / f"cases{size}"
            subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_cases.py"), str(size), str(folder)],
                           check=True, capture_output=True)
            parse = float(subprocess.run([sys.executable, "-c", PURE_PARSE, str(folder)], check=True,
                                         capture_output=True, text=True).stdout)
            done = subprocess.run([sys.executable, "-c", WITH_MEMORY, "caseload", str(folder), "--as-of",
                                   "2026-11-23", "--format", "json", "-o", str(Path(tmp) / "report.json")],
                                  cwd=ROOT, capture_output=True, text=True)
            elapsed, own, workers = done.stderr.strip().splitlines()[-1].split()
            verdict = "ok" if float(elapsed) <= parse else "SLOW"
            slow += verdict == "SLOW"
            print(f"{size:>6} {float(elapsed):>8.1f}s {parse:>7.1f}s {verdict:>8} {int(own) // 1024:>7} MB "
                  f"{int(workers) // 1024:>8} MB")
    return slow


def main() -> int:
    slow = 0
    print(f"{'command':<40} {'median':>8} {'target':>8}")
    for name, args, target in CASES:
        seconds = timed(args, 3 if target < 5 else 1)
        verdict = "ok" if seconds <= target else "SLOW"
        slow += verdict == "SLOW"
        print(f"{name:<40} {seconds:>7.2f}s {target:>7.1f}s  {verdict}")
    if "--no-caseload" not in sys.argv:
        slow += caseload_bench()
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())

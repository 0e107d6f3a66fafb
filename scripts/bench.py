"""`make bench`: how long the everyday commands take, and each target of issue 11 beside its baseline measured in the
same run (the docxtpl + LibreOffice route a council would otherwise script).

Every figure is a median of several runs with the spread (min-max) beside it; the load average is printed at the
start and the end, because a busy machine slows both sides (not always equally). `make bench` installs nothing: when
LibreOffice (`soffice`) is absent it says so and skips the baselines that need it.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("cin-docs"))
SAMPLE = "samples/hillingdon-mid-plan.yaml"
AS_OF = "2026-11-23"
BATCH = 50
MEMORY_DOCS = 500

# (name, arguments, target seconds): a command a social worker runs many times a day should feel instant.
CASES = [
    ("--help", ["--help"], 0.5),
    ("validate one case", ["validate", SAMPLE], 0.8),
    ("due-dates one case", ["due-dates", SAMPLE, "--as-of", AS_OF], 0.8),
    ("due-dates --json", ["due-dates", SAMPLE, "--as-of", AS_OF, "--json"], 0.8),
    (
        "one invitation letter, Word",
        [
            "render",
            "invitation",
            SAMPLE,
            "--recipient",
            "Danielle Hartwell",
            "--format",
            "docx",
            "--as-of",
            AS_OF,
            "-o",
            "{out}",
        ],
        1.5,
    ),
    (
        "one invitation letter, PDF",
        [
            "render",
            "invitation",
            SAMPLE,
            "--recipient",
            "Danielle Hartwell",
            "--format",
            "pdf",
            "--as-of",
            AS_OF,
            "-o",
            "{out}",
        ],
        3.0,
    ),
    ("all invitation letters, both formats", ["render", "invitation", SAMPLE, "--as-of", AS_OF, "-o", "{out}"], 15.0),
]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def spread(runs: list[float]) -> tuple[float, str]:
    median = statistics.median(runs)
    return median, f"{median:7.3f}s (min {min(runs):.3f}, max {max(runs):.3f}, n={len(runs)})"


def run_cli(args: list[str], out: str) -> float:
    argv = [a.replace("{out}", out) for a in args]
    start = time.perf_counter()
    subprocess.run([CLI, *argv], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def timed(args: list[str], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            runs.append(run_cli(args, out))
    return runs


class LibreOffice:
    """`soffice --headless --convert-to pdf` with its own profile folder (other users' soffice do not interfere)."""

    def __init__(self, work: Path) -> None:
        self.binary = shutil.which("soffice") or shutil.which("libreoffice")
        self.last_cpu = 0.0
        self.profile = (work / "lo-profile").as_uri()

    def convert(self, files: list[Path], out: Path) -> float:
        cpu = child_cpu()
        start = time.perf_counter()
        subprocess.run(
            [
                self.binary,
                f"-env:UserInstallation={self.profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=900,
        )
        elapsed = time.perf_counter() - start
        self.last_cpu = child_cpu() - cpu
        missing = [f for f in files if not (out / f.with_suffix(".pdf").name).is_file()]
        if missing:
            raise SystemExit(f"bench: LibreOffice did not convert {missing[0]}")
        return elapsed


def child_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ratio_line(name: str, ours: float, ours_text: str, base: float | None, base_text: str, target: float) -> bool:
    print(f"  {name}")
    print(f"    cin-docs   {ours_text}")
    if base is None:
        print(f"    baseline   {base_text}")
        return True
    ratio = ours / base
    verdict = "met" if ratio <= target else "NOT MET"
    print(f"    baseline   {base_text}")
    print(f"    ratio      {ratio:.2f}x (target <= {target}x)  {verdict}")
    return ratio <= target


def make_cases(folder: Path, count: int) -> list[Path]:
    """`count` copies of the sample plan, each under its own case ID (files are named by case ID)."""
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"case-{i:03d}.yaml"
        path.write_text(re.sub(r"(?m)^case_id: .*$", f"case_id: BENCH-{i:04d}", text), encoding="utf-8")
        paths.append(path)
    return paths


IN_PROCESS = r"""
import datetime as dt, gc, json, statistics, sys, time
from cin_docs import api
from cin_docs.documents import KINDS, Options
SAMPLES = {"invitation": "samples/hillingdon-mid-plan.yaml", "plan": "samples/hillingdon-mid-plan.yaml",
           "review-record": "samples/hillingdon-mid-plan.yaml", "panel-summary": "samples/hertfordshire-panel.yaml",
           "escalation": "samples/hertfordshire-escalation.yaml", "transfer-letter": "samples/transfer-out.yaml",
           "case-summary": "samples/transfer-out.yaml", "closing-summary": "samples/hillingdon-closed.yaml"}
def context(kind):
    case = api.load(SAMPLES[kind])
    return api.build(case, kind, Options(as_of=dt.date(2026, 11, 23))).outputs[0].context
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) / 1024 for l in f if l.startswith("VmRSS"))
what = sys.argv[1]
result = {}
if what == "docx":
    for kind in KINDS:
        if kind not in SAMPLES:  # a kind added without a sample here: say so rather than skip it silently
            result[kind] = None
            continue
        ctx = context(kind)
        api.render_bytes(kind, ctx, "docx")
        runs, cpu = [], []
        for _ in range(15):
            t, c = time.perf_counter(), time.process_time()
            api.render_bytes(kind, ctx, "docx")
            runs.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
        result[kind] = [statistics.median(runs), min(runs), max(runs), statistics.median(cpu)]
elif what == "letter":
    ctx = context("invitation")
    for _ in range(3):
        api.render_bytes("invitation", ctx, "pdf")
    runs = []
    for _ in range(15):
        t = time.perf_counter(); api.render_bytes("invitation", ctx, "pdf"); runs.append(time.perf_counter() - t)
    result = runs
elif what == "plan":  # CPU seconds per warm plan PDF (layout and write), and per warm render_files (the batch's work)
    case = api.load(SAMPLES["plan"])
    options = Options(as_of=dt.date(2026, 11, 23))
    ctx = context("plan")
    for _ in range(2):
        api.render_bytes("plan", ctx, "pdf")
    render, files = [], []
    for _ in range(5):
        t = time.process_time(); api.render_bytes("plan", ctx, "pdf"); render.append(time.process_time() - t)
        t = time.process_time(); api.render_files(case, "plan", options, ("pdf",)); files.append(time.process_time() - t)
    result = [statistics.median(render), statistics.median(files)]
elif what == "memory":
    ctx = context("invitation")
    for _ in range(20):
        api.render_bytes("invitation", ctx, "pdf")
    gc.collect(); before = rss()
    n = int(sys.argv[2])
    for _ in range(n):
        api.render_bytes("invitation", ctx, "pdf")
    gc.collect(); after = rss()
    result = [before, after, n]
print(json.dumps(result))
"""


def in_process(*args: str):
    import json

    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, *args], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


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
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "generate_cases.py"), str(size), str(folder)],
                check=True,
                capture_output=True,
            )
            parse = float(
                subprocess.run(
                    [sys.executable, "-c", PURE_PARSE, str(folder)], check=True, capture_output=True, text=True
                ).stdout
            )
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    WITH_MEMORY,
                    "caseload",
                    str(folder),
                    "--as-of",
                    "2026-11-23",
                    "--format",
                    "json",
                    "-o",
                    str(Path(tmp) / "report.json"),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            elapsed, own, workers = done.stderr.strip().splitlines()[-1].split()
            verdict = "ok" if float(elapsed) <= parse else "SLOW"
            slow += verdict == "SLOW"
            print(
                f"{size:>6} {float(elapsed):>8.1f}s {parse:>7.1f}s {verdict:>8} {int(own) // 1024:>7} MB "
                f"{int(workers) // 1024:>8} MB"
            )
    return slow


def main() -> int:
    print(f"Start: {load()}")
    # An installed cin-docs has its bytecode compiled (pip does it); with PYTHONDONTWRITEBYTECODE set, as in some
    # shells and containers, every cold run below would otherwise compile cin_docs from source (~45 ms a run).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "cin_docs")], check=True, capture_output=True)
    slow = 0
    print(f"\n{'command':<40} {'median':>8} {'target':>8}")
    for name, args, target in CASES:
        seconds = statistics.median(timed(args, 3 if target < 5 else 1))
        verdict = "ok" if seconds <= target else "SLOW"
        slow += verdict == "SLOW"
        print(f"{name:<40} {seconds:>7.2f}s {target:>7.1f}s  {verdict}")

    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        office = LibreOffice(work)
        if office.binary is None:
            print(
                "\nLibreOffice (soffice) is not installed: the baselines that need it are skipped "
                "(install libreoffice-writer-nogui to measure them)."
            )
        print("\nIssue 11 targets (each beside its baseline from this run):")

        # Cold single PDF: a fresh `cin-docs render plan --format pdf` against a fresh `cin-docs render plan
        # --format docx` (docxtpl) followed by one soffice conversion of that file.
        cold = timed(["render", "plan", SAMPLE, "--format", "pdf", "--as-of", AS_OF, "-o", "{out}"], 5)
        lo_cold = None
        if office.binary:
            lo_docx = work / "lo-docx"
            run_cli(["render", "plan", SAMPLE, "--format", "docx", "--as-of", AS_OF, "-o", str(lo_docx)], "")
            office.convert(sorted(lo_docx.glob("*.docx")), work / "warm-up")  # creates the profile; not timed
            lo_cold = []
            for i in range(5):
                out = work / f"lo-cold-{i}"
                t = run_cli(["render", "plan", SAMPLE, "--format", "docx", "--as-of", AS_OF, "-o", str(out)], "")
                lo_cold.append(t + office.convert(sorted(out.glob("*.docx")), out))
        ours, text = spread(cold)
        base, base_text = spread(lo_cold) if lo_cold else (None, "skipped (no soffice)")
        if not ratio_line(
            "one plan PDF from cold (docxtpl + soffice --convert-to pdf)", ours, text, base, base_text, 0.6
        ):
            missed.append("cold PDF")
        lo_cold_median = base

        # Batch: 50 plans with --jobs 2 against one soffice call converting the same 50 plans' DOCX.
        cases = make_cases(work / "cases", BATCH)
        jobs = str(min(2, os.cpu_count() or 1))
        batch_runs, lo_batch = [], []
        for i in range(2):
            batch_runs.append(
                run_cli(
                    [
                        "render",
                        "plan",
                        *map(str, cases),
                        "--format",
                        "pdf",
                        "--jobs",
                        jobs,
                        "--as-of",
                        AS_OF,
                        "-o",
                        str(work / f"batch-{i}"),
                    ],
                    "",
                )
            )
        if office.binary:
            docx_dir = work / "batch-docx"
            run_cli(
                [
                    "render",
                    "plan",
                    *map(str, cases),
                    "--format",
                    "docx",
                    "--jobs",
                    jobs,
                    "--as-of",
                    AS_OF,
                    "-o",
                    str(docx_dir),
                ],
                "",
            )
            for i in range(2):
                lo_batch.append(office.convert(sorted(docx_dir.glob("*.docx")), work / f"lo-batch-{i}"))
        ours, text = spread(batch_runs)
        base, base_text = spread(lo_batch) if lo_batch else (None, "skipped (no soffice)")
        if not ratio_line(
            f"{BATCH} plan PDFs, --jobs {jobs} (one soffice call converting the {BATCH} DOCX)",
            ours,
            text,
            base,
            base_text,
            0.5,
        ):
            missed.append("batch")
        # The floor of the batch ratio, in CPU time (the machine's load matters less): what one plan PDF costs us warm
        # against what one more document costs LibreOffice inside its batch call (its start-up taken out).
        render_cpu, files_cpu = in_process("plan")
        print(
            f"    floor      a warm plan PDF costs {render_cpu:.3f} s CPU to lay out and write "
            f"({files_cpu:.3f} s with its checks, as a batch worker does)"
        )
        if office.binary and lo_batch:
            batch_cpu = office.last_cpu
            one = sorted(docx_dir.glob("*.docx"))[:1]
            office.convert(one, work / "lo-one")
            per_doc = (batch_cpu - office.last_cpu) / (BATCH - 1)
            best = files_cpu / int(jobs) / per_doc
            print(
                f"               LibreOffice: {per_doc:.3f} s CPU per document inside one call (start-up "
                f"{office.last_cpu:.2f} s CPU); with {jobs} workers and no other cost at all the ratio could not go "
                f"below {best:.2f}x"
            )

        # Warm one-page letter in a long-running process, against the cold LibreOffice route above.
        ours, text = spread(in_process("letter"))
        base_text = (
            f"{lo_cold_median:7.3f}s (the cold docxtpl + soffice route above)"
            if lo_cold_median
            else "skipped (no soffice)"
        )
        if not ratio_line("one-page letter PDF, warm (web server)", ours, text, lo_cold_median, base_text, 0.3):
            missed.append("warm letter")

    # Memory over 500 PDFs in one process.
    before, after, n = in_process("memory", str(MEMORY_DOCS))
    growth = (after - before) / n
    verdict = "met" if growth <= 0.05 else "NOT MET"
    print(
        f"  memory over {n} invitation PDFs in one process: {before:.1f} -> {after:.1f} MiB, "
        f"{growth:+.3f} MiB/doc (target <= 0.05)  {verdict}"
    )
    if growth > 0.05:
        missed.append("memory")

    # DOCX warm, per kind.
    # Judged on the wall-clock median, with the CPU time beside it: on a busy machine the two part, and the CPU time
    # says what the work itself costs.
    print("  DOCX warm, per kind (target <= 30 ms/doc):")
    for kind, runs in in_process("docx").items():
        if runs is None:
            print(f"    {kind:<16} no sample case in scripts/bench.py: not measured")
            missed.append(f"DOCX {kind} (not measured)")
            continue
        median, low, high, cpu = runs
        verdict = "met" if median <= 0.030 else "NOT MET"
        print(
            f"    {kind:<16} {median * 1000:6.1f} ms (min {low * 1000:.1f}, max {high * 1000:.1f}; "
            f"CPU {cpu * 1000:.1f} ms)  {verdict}"
        )
        if median > 0.030:
            missed.append(f"DOCX {kind}")

    # due-dates and validate from cold.
    for name, args in (("due-dates", ["due-dates", SAMPLE, "--as-of", AS_OF]), ("validate", ["validate", SAMPLE])):
        runs = timed(args, 7)
        median, text = spread(runs)
        verdict = "met" if median <= 0.15 else "NOT MET"
        print(f"  {name} from cold: {text} (target <= 0.15s)  {verdict}")
        if median > 0.15:
            missed.append(name)

    if "--no-caseload" not in sys.argv:
        slow += caseload_bench()

    print(f"\nEnd: {load()}")
    print("Targets not met: " + (", ".join(missed) if missed else "none"))
    return 1 if slow or missed else 0


if __name__ == "__main__":
    sys.exit(main())

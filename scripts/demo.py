"""`make demo`: check every sample, print its deadlines, and produce every document that applies to it.

Everything goes into out/demo/ (never out/ itself, where the tour's own commands write): the demo only ever deletes a
folder it made, marked by DEMO_MARK, and refuses to touch out/demo/ if someone else's files are there.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("cin-docs"))
#: The date the samples are written for ("as of Monday 23 November 2026"): the demo is pinned to it, so its output
#: does not decay as real time passes (Makefile AS_OF).
SAMPLES_DATE = "2026-11-23"
DEMO_DIR = Path("out") / "demo"
DEMO_MARK = ".made-by-make-demo"


def prepare(folder: Path) -> None:
    """An empty demo folder: a previous demo's output is removed; anything else there stops the demo."""
    if folder.exists():
        if not (folder / DEMO_MARK).is_file() and any(folder.iterdir()):
            sys.exit(
                f"demo: {folder} holds files the demo did not make; move them (or choose another folder with "
                "DEMO_OUT=...) and run 'make demo' again. Nothing was deleted."
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    (folder / DEMO_MARK).write_text("This folder is made and emptied by 'make demo'.\n", encoding="utf-8")


def run(*args: str) -> None:
    print("$ cin-docs " + " ".join(args), flush=True)
    result = subprocess.run([CLI, *args], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"demo: 'cin-docs {' '.join(args)}' failed (exit {result.returncode})")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from cin_docs import api

    as_of = sys.argv[1] if len(sys.argv) > 1 else SAMPLES_DATE
    day = dt.date.fromisoformat(as_of)
    rel = Path(sys.argv[2]) if len(sys.argv) > 2 else DEMO_DIR
    out = rel if rel.is_absolute() else ROOT / rel
    prepare(out)
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    names = [str(p.relative_to(ROOT)) for p in samples]
    run("validate", *names)
    panel_cases = []
    for path, name in zip(samples, names):
        case = api.load(path)
        data = case.data
        print()
        run("due-dates", name, "--as-of", as_of)
        meetings = data.get("meetings", [])
        if any(m["date"] > day and m.get("invitees") for m in meetings):
            run("render", "invitation", name, "--as-of", as_of, "-o", str(rel / "letters"))
        if (data.get("plan") or {}).get("actions"):
            run("check", name, "--as-of", as_of)
            run("render", "plan", name, "--as-of", as_of, "-o", str(rel / "plans"))
        if any(m["type"] in ("initial", "review", "cin") and m["date"] <= day for m in meetings):
            run("render", "review-record", name, "--as-of", as_of, "-o", str(rel / "records"))
        if data.get("panel"):
            run("render", "panel-summary", name, "--as-of", as_of, "-o", str(rel / "panel"))
            panel_cases.append((case, name))
        for index in range(len(data.get("escalations", []))):
            run(
                "render",
                "escalation",
                name,
                "--escalation",
                str(index),
                "--as-of",
                as_of,
                "-o",
                str(rel / "escalations"),
            )
        if data.get("closure"):
            run("render", "closing-summary", name, "--as-of", as_of, "-o", str(rel / "closing"))
        if data.get("transfer") and (data["transfer"].get("receiving_authority")):
            run("pack", "transfer", name, "--as-of", as_of, "-o", str(rel / "transfer"))
    # An authority's own letterhead: the worked example of a templates folder, checked, then used.
    print()
    run("templates", "check", "samples/templates/westmere")
    run(
        "render",
        "invitation",
        "samples/hillingdon-mid-plan.yaml",
        "--as-of",
        as_of,
        "--templates",
        "samples/templates/westmere",
        "-o",
        str(rel / "westmere"),
    )
    by_policy: dict[str, list] = {}
    for case, name in panel_cases:
        by_policy.setdefault(case.profile["name"], []).append((case, name))
    for policy, cases in by_policy.items():
        dates = [d for case, _ in cases for d in api.due_dates(case, day) if d.rule == "panel_date"]
        panel_date = min((d.due for d in dates), default=None) or cases[0][0].data["panel"].get("date")
        if panel_date:
            print()
            run(
                "pack",
                "panel",
                *[n for _, n in cases],
                "--panel-date",
                panel_date.isoformat(),
                "--as-of",
                as_of,
                "-o",
                str(rel / f"panel-pack-{policy}"),
            )
    print(f"\nDone: the documents are in {rel}/ (worked out as on {dt.date.fromisoformat(as_of):%A %-d %B %Y}).")
    print(
        f"To see the samples in your browser: .venv/bin/cin-docs serve samples --as-of {as_of} "
        "(then open the link it prints; Ctrl+C stops it)."
    )


if __name__ == "__main__":
    main()

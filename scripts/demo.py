"""`make demo`: check every sample, print its deadlines, and produce every document that applies to it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("cin-docs"))


def run(*args: str) -> None:
    print("$ cin-docs " + " ".join(args), flush=True)
    result = subprocess.run([CLI, *args], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"demo: 'cin-docs {' '.join(args)}' failed (exit {result.returncode})")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from cin_docs import api

    as_of = sys.argv[1] if len(sys.argv) > 1 else dt.date.today().isoformat()
    day = dt.date.fromisoformat(as_of)
    out = ROOT / "out"
    shutil.rmtree(out, ignore_errors=True)
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
            run("render", "invitation", name, "--as-of", as_of, "-o", "out/letters")
        if (data.get("plan") or {}).get("actions"):
            run("check", name, "--as-of", as_of)
            run("render", "plan", name, "--as-of", as_of, "-o", "out/plans")
        if any(m["type"] in ("initial", "review", "cin") and m["date"] <= day for m in meetings):
            run("render", "review-record", name, "--as-of", as_of, "-o", "out/records")
        if data.get("panel"):
            run("render", "panel-summary", name, "--as-of", as_of, "-o", "out/panel")
            panel_cases.append((case, name))
        for index in range(len(data.get("escalations", []))):
            run("render", "escalation", name, "--escalation", str(index), "--as-of", as_of, "-o", "out/escalations")
        if data.get("transfer") and (data["transfer"].get("receiving_authority")):
            run("pack", "transfer", name, "--as-of", as_of, "-o", "out/transfer")
    by_policy: dict[str, list] = {}
    for case, name in panel_cases:
        by_policy.setdefault(case.profile["name"], []).append((case, name))
    for policy, cases in by_policy.items():
        dates = [d for case, _ in cases for d in api.due_dates(case, day) if d.rule == "panel_date"]
        panel_date = min((d.due for d in dates), default=None) or cases[0][0].data["panel"].get("date")
        if panel_date:
            print()
            run("pack", "panel", *[n for _, n in cases], "--panel-date", panel_date.isoformat(), "--as-of", as_of,
                "-o", f"out/panel-pack-{policy}")
    print(f"\nDone: the documents are in {out}/")
    print(f"To see the samples in your browser: .venv/bin/cin-docs serve samples --as-of {as_of} "
          "(then open the link it prints; Ctrl+C stops it).")


if __name__ == "__main__":
    main()

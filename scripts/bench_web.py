"""The web app's speed targets (`make bench` runs this after the command timings): a one-page letter as PDF from a
warm server in at most 0.5 s, and the caseload page for 500 cases in at most 300 ms once the rows are cached."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
AS_OF = dt.date(2026, 11, 23)


def client_for(folder: Path):
    from cin_docs.web import create_app

    app = create_app(folder, as_of=AS_OF, token="bench")
    client = app.test_client()
    client.get("/?token=bench")
    return client


def median_time(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def letter_pdf(tmp: Path) -> float:
    from webutil import post_form

    folder = tmp / "one"
    folder.mkdir()
    shutil.copy(ROOT / "samples" / "hillingdon-mid-plan.yaml", folder)
    client = client_for(folder)
    page = client.get("/case/HIL-2026-0143").get_data(as_text=True)

    def make():
        r = post_form(client, page, changes={"kind": "invitation", "format": "pdf", "recipient": "Danielle Hartwell"})
        assert r.status_code == 200, r.status_code

    make()  # warm: templates compiled, fonts loaded
    return median_time(make, 5)


def caseload(tmp: Path, n: int = 500) -> tuple[float, float]:
    folder = tmp / "many"
    folder.mkdir()
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    for i in range(n):
        source = samples[i % len(samples)]
        text = re.sub(
            r"^case_id: (\S+)", rf"case_id: \1-{i:03d}", source.read_text(encoding="utf-8"), count=1, flags=re.M
        )
        (folder / f"{source.stem}-{i:03d}.yaml").write_text(text, encoding="utf-8")
    client = client_for(folder)
    start = time.perf_counter()
    assert client.get("/").status_code == 200
    cold = time.perf_counter() - start
    return cold, median_time(lambda: client.get("/").close(), 5)


def main() -> int:
    slow = 0
    with tempfile.TemporaryDirectory() as tmp:
        rows = [("web: one invitation letter, PDF (warm)", letter_pdf(Path(tmp)), 0.5)]
        cold, warm = caseload(Path(tmp))
        rows.append(("web: caseload page, 500 cases (cached)", warm, 0.3))
    for name, seconds, target in rows:
        verdict = "ok" if seconds <= target else "SLOW"
        slow += verdict == "SLOW"
        print(f"{name:<40} {seconds:>7.2f}s {target:>7.1f}s  {verdict}")
    print(f"{'(caseload, 500 cases, first visit)':<40} {cold:>7.2f}s")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())

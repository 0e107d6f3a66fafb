"""`cin-docs render KIND CASE... --jobs N`: many cases at once, the same files as one by one, nothing written on error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from click.testing import CliRunner

from cin_docs import api, batch
from cin_docs.cli import cli
from cin_docs.documents import Options

REPO = Path(__file__).resolve().parents[1]
SAMPLES = [
    REPO / "samples" / name
    for name in ("hillingdon-mid-plan.yaml", "hertfordshire-panel.yaml", "transfer-out.yaml", "hillingdon-closed.yaml")
]
AS_OF = "2026-11-23"


def render(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["render", *args, "--as-of", AS_OF])
    return result.exit_code, result.output


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_several_cases_in_a_pool_give_the_files_of_one_by_one(tmp_path):
    one_by_one = tmp_path / "single"
    for sample in SAMPLES:
        code, output = render("case-summary", str(sample), "-o", str(one_by_one))
        assert code == 0, output
    pooled = tmp_path / "pooled"
    code, output = render("case-summary", *map(str, SAMPLES), "--jobs", "2", "-o", str(pooled))
    assert code == 0, output
    assert files(pooled) == files(one_by_one)
    assert len(files(pooled)) == 2 * len(SAMPLES)
    assert output.count("Wrote ") == 2 * len(SAMPLES)


def test_workers_are_replaced_after_a_number_of_cases(monkeypatch):
    monkeypatch.setattr(batch, "RECYCLE_EVERY", 1)
    cases = [api.load(path) for path in SAMPLES[:3]]
    results = batch.render_many(
        cases, "case-summary", Options(as_of=dt.date(2026, 11, 23)), ("docx",), Path("unused"), jobs=2
    )
    assert [r.case_id for r in results] == [c.case_id for c in cases]
    # One case per worker: three cases, three different processes, none of them this one.
    assert len({r.process for r in results}) == 3 and all(r.process != batch.os.getpid() for r in results)


def test_one_bad_case_stops_the_batch_before_anything_is_written(tmp_path):
    broken = yaml.safe_load((REPO / "samples" / "hillingdon-mid-plan.yaml").read_text())
    broken["child"]["date_of_birth"] = "not a date"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(broken))
    out = tmp_path / "out"
    code, output = render("case-summary", str(SAMPLES[0]), str(bad), "--jobs", "2", "-o", str(out))
    assert code == 1
    assert "date_of_birth" in output
    assert not out.exists()


def test_a_case_that_fails_in_a_worker_writes_nothing(tmp_path):
    # An escalation form for cases without escalations: the builder refuses each, in the workers.
    out = tmp_path / "out"
    code, output = render("escalation", str(SAMPLES[0]), str(SAMPLES[3]), "--jobs", "2", "-o", str(out))
    assert code == 1, output
    assert "2 of 2 cases could not be rendered, so nothing was written" in output
    assert "HIL-2026-0143" in output and "HIL-2026-0017" in output
    assert not out.exists()


def test_the_same_case_twice_is_refused(tmp_path):
    code, output = render("case-summary", str(SAMPLES[0]), str(SAMPLES[0]), "-o", str(tmp_path / "out"))
    assert code == 2 and "more than once" in output


def test_the_workers_imports_start_before_the_cases_are_loaded(monkeypatch, tmp_path):
    import cin_docs.cli as cli_module

    events: list[tuple] = []
    start, load = batch.start_workers, cli_module.load_case
    monkeypatch.setattr(batch, "start_workers", lambda jobs, n: events.append(("start", jobs, n)) or start(jobs, n))
    monkeypatch.setattr(cli_module, "load_case", lambda ctx, path: events.append(("load",)) or load(ctx, path))
    code, output = render("case-summary", *map(str, SAMPLES[:2]), "--jobs", "2", "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert events == [("start", 2, 2), ("load",), ("load",)]


def test_no_worker_process_is_started_for_one_job_or_one_case():
    assert batch.start_workers(1, 5) is False
    assert batch.start_workers(2, 1) is False

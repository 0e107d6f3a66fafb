"""`make demo` (review M4, M5): its own folder, nothing of the user's deleted, pinned to the samples' date."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo():
    spec = importlib.util.spec_from_file_location("demo_script", ROOT / "scripts" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_writes_under_out_demo_pinned_to_the_samples_date(demo):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^AS_OF \?= 2026-11-23$", makefile, re.M)
    assert re.search(r"^DEMO_OUT \?= out/demo$", makefile, re.M)
    assert "scripts/demo.py $(AS_OF) $(DEMO_OUT)" in makefile
    assert demo.SAMPLES_DATE == "2026-11-23" and demo.DEMO_DIR == Path("out/demo")
    source = (ROOT / "scripts" / "demo.py").read_text(encoding="utf-8")
    assert '"out/' not in source  # every output path is under the demo's folder
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Monday 23 November 2026" in readme and "out/demo/" in readme
    assert not re.search(r"rm -rf out(\s|$)", makefile)  # `make clean` leaves the user's out/ alone


def test_a_previous_demo_is_replaced(demo, tmp_path):
    folder = tmp_path / "out" / "demo"
    demo.prepare(folder)
    (folder / "old.pdf").write_bytes(b"%PDF-")
    demo.prepare(folder)
    assert sorted(p.name for p in folder.iterdir()) == [demo.DEMO_MARK]
    assert (folder.stat().st_mode & 0o777) == 0o700


def test_someone_elses_files_stop_the_demo_and_are_kept(demo, tmp_path):
    folder = tmp_path / "out" / "demo"
    folder.mkdir(parents=True)
    mine = folder / "HIL-2026-0999_plan.pdf"
    mine.write_bytes(b"%PDF- my own plan")
    with pytest.raises(SystemExit, match="holds files the demo did not make"):
        demo.prepare(folder)
    assert mine.read_bytes() == b"%PDF- my own plan"


def test_the_users_out_folder_is_never_touched(demo, tmp_path):
    users = tmp_path / "out" / "HIL-2026-0999_plan.pdf"
    users.parent.mkdir()
    users.write_bytes(b"%PDF-")
    demo.prepare(tmp_path / "out" / "demo")
    assert users.read_bytes() == b"%PDF-"

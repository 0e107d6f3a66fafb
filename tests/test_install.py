"""The README's two commands make PDFs fast on a fresh machine: `make test` and `make demo` install the HarfBuzz
font subsetter when it is missing and they may, and say what to install when they may not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def fake_tools(folder: Path, *, uid: int, has_library: bool) -> dict:
    """ldconfig, id and apt-get stand-ins on PATH; apt-get records its arguments in apt.log."""
    folder.mkdir()
    library = "libharfbuzz-subset.so.0 (libc6,x86-64) => /lib/libharfbuzz-subset.so.0" if has_library else ""
    scripts = {
        "ldconfig": f"#!/bin/sh\necho '{library}'\n",
        "id": f"#!/bin/sh\necho {uid}\n",
        "apt-get": f'#!/bin/sh\necho "$@" >> {folder / "apt.log"}\n',
    }
    for name, body in scripts.items():
        (folder / name).write_text(body)
        (folder / name).chmod(0o755)
    return dict(os.environ, PATH=f"{folder}:{os.environ['PATH']}")


def make(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "system-libraries"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def test_installed_library_means_nothing_to_do(tmp_path):
    result = make(fake_tools(tmp_path / "bin", uid=0, has_library=True))
    assert result.stdout == "" and not (tmp_path / "bin" / "apt.log").exists()


def test_root_without_the_library_installs_it_with_apt_get(tmp_path):
    result = make(fake_tools(tmp_path / "bin", uid=0, has_library=False))
    assert "Installing libharfbuzz-subset0" in result.stdout
    assert "install -y -qq --no-install-recommends libharfbuzz-subset0" in (tmp_path / "bin" / "apt.log").read_text()


def test_a_user_without_the_library_is_told_what_to_install(tmp_path):
    result = make(fake_tools(tmp_path / "bin", uid=1000, has_library=False))
    assert "libharfbuzz-subset0 is not installed" in result.stdout and "apt-get install" in result.stdout
    assert not (tmp_path / "bin" / "apt.log").exists()


def test_the_readme_commands_run_it():
    makefile = (REPO / "Makefile").read_text()
    assert "\ndemo: $(STAMP) system-libraries\n" in makefile
    test_target = next(line for line in makefile.splitlines() if line.startswith("test: "))
    assert "system-libraries" in test_target.split()

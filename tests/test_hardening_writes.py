"""All or nothing for every command (M2, L2, L1 write cases): a full disk, a refused rename or a signal part-way
leaves no new file and no .part, the message says so truthfully, and folders cin-docs creates are owner-only."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cin_docs.cli import cli
from cin_docs.render import output
from cin_docs.render.output import OutputError, write_all

ROOT = Path(__file__).resolve().parents[1]
MID_PLAN = ROOT / "samples" / "hillingdon-mid-plan.yaml"
AS_OF = "2026-11-23"


def everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def fail_on_call(monkeypatch, module, name: str, n: int, error: OSError) -> None:
    """Make module.name raise `error` on its n-th call (1-based); calls before it work."""
    real = getattr(module, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def test_disk_full_part_way_through_the_letters_leaves_no_file_no_part_and_says_nothing_was_written(
    tmp_path, monkeypatch
):
    out = tmp_path / "letters" / "out"
    fail_on_call(monkeypatch, os, "fsync", 5, OSError(errno.ENOSPC, "No space left on device"))
    result = CliRunner().invoke(
        cli, ["render", "invitation", str(MID_PLAN), "--as-of", AS_OF, "-o", str(out), "--format", "docx"]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: The files could not be written: the disk holding ")
    assert "is full" in result.stderr and result.stderr.rstrip().endswith("Nothing was written.")
    assert "unexpected" not in result.stderr and "Wrote" not in result.stdout
    assert not (tmp_path / "letters").exists()  # the folders it made are taken away again
    assert everything_under(tmp_path) == []


def test_a_failed_rename_puts_back_the_files_that_were_there_and_removes_the_new_ones(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "HIL-2026-0143_plan.docx").write_bytes(b"the earlier plan")
    fail_on_call(monkeypatch, os, "replace", 3, PermissionError(errno.EACCES, "Permission denied"))
    result = CliRunner().invoke(
        cli, ["render", "plan", str(MID_PLAN), "--as-of", AS_OF, "-o", str(out), "--allow-unsmart"]
    )
    assert result.exit_code == 1
    assert "you do not have permission to write" in result.stderr and "Nothing was written." in result.stderr
    assert everything_under(out) == ["HIL-2026-0143_plan.docx"]
    assert (out / "HIL-2026-0143_plan.docx").read_bytes() == b"the earlier plan"


def test_the_transfer_pack_writes_both_files_or_neither(tmp_path, monkeypatch):
    from cin_docs.packs.transfer import TransferPack

    pack = TransferPack("X_transfer-pack.pdf", b"%PDF-", "X_transfer-pack.zip", b"PK", {}, [])
    fail_on_call(monkeypatch, os, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError, match="is full"):
        pack.write(tmp_path / "out")
    assert everything_under(tmp_path) == []  # not even the zip, which was written first


@pytest.mark.parametrize(
    "error, expected",
    [
        (PermissionError(errno.EACCES, "Permission denied"), "you do not have permission to write"),
        (OSError(errno.EROFS, "Read-only file system"), "is on a read-only disk"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "your disk quota"),
    ],
)
def test_write_failures_are_plain_messages(tmp_path, monkeypatch, error, expected):
    fail_on_call(monkeypatch, output.tempfile, "mkstemp", 1, error)
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "plan",
            str(MID_PLAN),
            "--as-of",
            AS_OF,
            "-o",
            str(tmp_path / "o"),
            "--allow-unsmart",
            "--format",
            "docx",
        ],
    )
    assert result.exit_code == 1
    assert expected in result.stderr and "unexpected" not in result.stderr and "report it" not in result.stderr
    assert everything_under(tmp_path) == []


def test_a_folder_in_the_way_and_a_file_in_the_folder_path_are_plain_messages(tmp_path):
    (tmp_path / "o" / "HIL-2026-0143_plan.pdf").mkdir(parents=True)
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "plan",
            str(MID_PLAN),
            "--as-of",
            AS_OF,
            "-o",
            str(tmp_path / "o"),
            "--allow-unsmart",
            "--format",
            "pdf",
        ],
    )
    assert result.exit_code == 1
    assert "HIL-2026-0143_plan.pdf is a folder" in result.stderr and "Nothing was written." in result.stderr
    assert everything_under(tmp_path / "o") == ["HIL-2026-0143_plan.pdf"]
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "plan",
            str(MID_PLAN),
            "--as-of",
            AS_OF,
            "-o",
            str(tmp_path / "afile" / "sub"),
            "--allow-unsmart",
            "--format",
            "docx",
        ],
    )
    assert result.exit_code == 1 and "is a file, not a folder" in result.stderr


def test_folders_cin_docs_creates_are_owner_only(tmp_path):
    out = tmp_path / "cases" / "letters"
    result = CliRunner().invoke(
        cli, ["render", "plan", str(MID_PLAN), "--as-of", AS_OF, "-o", str(out), "--allow-unsmart", "--format", "pdf"]
    )
    assert result.exit_code == 0, result.output
    for folder in (tmp_path / "cases", out):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "HIL-2026-0143_plan.pdf").stat().st_mode) == 0o600


def test_write_all_refuses_two_files_of_one_name(tmp_path):
    with pytest.raises(OutputError, match="same name"):
        write_all([(tmp_path / "a.pdf", b"1"), (tmp_path / "a.pdf", b"2")])
    assert everything_under(tmp_path) == []


# A cin-docs run whose disk is slow: each fsync takes 0.4 s, so the test can stop it part-way.
SLOW_RUN = """
import os, sys, time
real = os.fsync
def slow(fd):
    time.sleep(0.4)
    real(fd)
os.fsync = slow
from cin_docs.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_part_way_through_leaves_no_file_and_no_part(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SLOW_RUN,
            "render",
            "invitation",
            str(MID_PLAN),
            "--as-of",
            AS_OF,
            "--format",
            "docx",
            "-o",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob(".*.part"))) < 2:
        time.sleep(0.05)
    assert len(list(out.glob(".*.part"))) >= 2, "the run never reached the writing stage"
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert "Stopped by signal" in stderr and "Nothing was written." in stderr and "Traceback" not in stderr
    assert stdout == ""
    assert everything_under(tmp_path) == []


def test_when_printing_fails_after_the_files_were_written_the_message_says_they_were(tmp_path):
    out = tmp_path / "out"
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "cin_docs.cli",
                "render",
                "plan",
                str(MID_PLAN),
                "--as-of",
                AS_OF,
                "--allow-unsmart",
                "-o",
                str(out),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "Nothing was written" not in result.stderr
    assert "These files had already been written and are complete" in result.stderr
    assert "HIL-2026-0143_plan.docx" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["HIL-2026-0143_plan.docx", "HIL-2026-0143_plan.pdf"]

"""A write that fails part-way leaves the old document byte for byte, and no partial file beside it.

The failure is real, not a patched function: the process's file size limit (RLIMIT_FSIZE) is lowered for the one
call, so the operating system refuses the write half-way through ("File too large"), as a full disk would. Any way
of writing the document (temporary file or not) meets the same refusal, so this tests the promise, not the code.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import signal
import stat

import pytest

from cin_docs.render.output import atomic_write

OLD = b"%PDF-1.7 the plan as it was last week\n" * 10  # 380 bytes
NEW = b"%PDF-1.7 this week's plan, much longer\n" * 200  # 7,800 bytes
LIMIT = 4096  # bytes: the new document fails a little over half-way


@contextlib.contextmanager
def file_size_limit(limit: int):
    """Writes past `limit` bytes fail with EFBIG (instead of the process being killed by SIGXFSZ)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_the_limit_really_fails_a_write_part_way(tmp_path):
    """The control: without atomic_write, the same write leaves a truncated file."""
    target = tmp_path / "plan.pdf"
    target.write_bytes(OLD)
    with file_size_limit(LIMIT), pytest.raises(OSError) as err:
        target.write_bytes(NEW)
    assert err.value.errno == errno.EFBIG
    assert target.read_bytes() == NEW[:LIMIT]


def test_a_write_that_fails_part_way_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "plan.pdf"
    target.write_bytes(OLD)
    os.chmod(target, 0o600)
    with file_size_limit(LIMIT), pytest.raises(OSError) as err:
        atomic_write(target, NEW)
    assert err.value.errno == errno.EFBIG
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["plan.pdf"]  # no .part file left behind


def test_a_write_that_fails_part_way_leaves_no_file_when_there_was_none(tmp_path):
    target = tmp_path / "out" / "plan.pdf"
    with file_size_limit(LIMIT), pytest.raises(OSError):
        atomic_write(target, NEW)
    assert list((tmp_path / "out").iterdir()) == []


def test_the_same_write_within_the_limit_replaces_the_file(tmp_path):
    target = tmp_path / "plan.pdf"
    target.write_bytes(OLD)
    os.chmod(target, 0o644)
    with file_size_limit(LIMIT):
        atomic_write(target, NEW[:LIMIT])
    assert target.read_bytes() == NEW[:LIMIT]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # the new file is owner-only, whatever the old one was
    assert os.listdir(tmp_path) == ["plan.pdf"]

"""The all-or-nothing writer (cin_docs/render/output.py), called directly: every file or none, owner-only files and
folders (never open to others, not even for a moment), the old files put back when a rename fails, no temporary
file left behind, and plain messages for each cause. Failures are injected with a wrapper that makes one call of an
os function fail (as a full disk or a refused rename would), so the whole file runs in well under a second.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
from pathlib import Path

import pytest

from cin_docs.render import output
from cin_docs.render.output import OutputError, atomic_write, safe_filename_part, write_all


def everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fail_on_call(monkeypatch, module, name: str, n: int, error: BaseException, calls: list | None = None) -> None:
    """Make module.name raise `error` on its n-th call (1-based); the calls before it work. `calls` gets every
    call's arguments."""
    real = getattr(module, name)
    seen: list = [] if calls is None else calls

    def wrapper(*args, **kwargs):
        seen.append(args)
        if len(seen) == n:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


@pytest.fixture
def open_umask():
    """A umask that filters nothing, so any mode the writer does not set itself would show."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


# ---- success ------------------------------------------------------------------------------------------------------


def test_every_file_is_written_owner_only_into_owner_only_folders_and_is_recorded(tmp_path, open_umask):
    start = output.mark()
    first, second = tmp_path / "cases" / "HIL-1" / "plan.pdf", tmp_path / "cases" / "HIL-1" / "plan.docx"
    assert write_all([(str(first), b"%PDF-1"), (second, b"PK")]) == [first, second]
    assert first.read_bytes() == b"%PDF-1" and second.read_bytes() == b"PK"
    assert mode(first) == mode(second) == 0o600
    assert mode(tmp_path / "cases") == mode(tmp_path / "cases" / "HIL-1") == 0o700
    assert everything_under(tmp_path) == ["cases", "cases/HIL-1", "cases/HIL-1/plan.docx", "cases/HIL-1/plan.pdf"]
    assert output.written_since(start) == [first, second]
    assert output.written_since(output.mark()) == []


def test_existing_files_are_replaced_whole_and_other_files_kept(tmp_path):
    (tmp_path / "plan.pdf").write_bytes(b"last week's plan, much longer than this week's")
    os.chmod(tmp_path / "plan.pdf", 0o644)
    (tmp_path / "notes.txt").write_bytes(b"keep me")
    write_all([(tmp_path / "plan.pdf", b"this week")])
    assert (tmp_path / "plan.pdf").read_bytes() == b"this week"
    assert mode(tmp_path / "plan.pdf") == 0o600  # whatever the old file's mode was
    assert (tmp_path / "notes.txt").read_bytes() == b"keep me"
    assert everything_under(tmp_path) == ["notes.txt", "plan.pdf"]  # no .part, no .old


def test_a_link_in_place_of_a_file_is_replaced_by_the_file_and_its_target_left_alone(tmp_path):
    target = tmp_path / "elsewhere.pdf"
    target.write_bytes(b"someone else's file")
    (tmp_path / "plan.pdf").symlink_to(target)
    (tmp_path / "dangling.pdf").symlink_to(tmp_path / "missing.pdf")
    write_all([(tmp_path / "plan.pdf", b"new"), (tmp_path / "dangling.pdf", b"also new")])
    assert not (tmp_path / "plan.pdf").is_symlink() and (tmp_path / "plan.pdf").read_bytes() == b"new"
    assert not (tmp_path / "dangling.pdf").is_symlink() and (tmp_path / "dangling.pdf").read_bytes() == b"also new"
    assert target.read_bytes() == b"someone else's file"
    assert everything_under(tmp_path) == ["dangling.pdf", "elsewhere.pdf", "plan.pdf"]


def test_nothing_to_write_writes_nothing(tmp_path):
    assert write_all([]) == []
    assert everything_under(tmp_path) == []


def test_folders_are_never_open_to_others_not_even_for_a_moment(tmp_path, open_umask, monkeypatch):
    seen: list[tuple[str, int]] = []
    real = os.chmod

    def spy(path, new_mode, *args, **kwargs):
        seen.append((Path(path).name, mode(Path(path))))
        return real(path, new_mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", spy)
    write_all([(tmp_path / "a" / "b" / "plan.pdf", b"x")])
    # Each folder (and the temporary file) is owner-only from the moment it exists.
    assert [m for name, m in seen if name in ("a", "b")] == [0o700, 0o700]
    assert all(m == 0o600 for name, m in seen if name.endswith(".part"))


def test_folders_are_owner_only_even_under_a_umask_that_takes_the_owners_rights(tmp_path):
    previous = os.umask(0o277)
    try:
        write_all([(tmp_path / "a" / "b" / "plan.pdf", b"x")])
    finally:
        os.umask(previous)
    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b") == 0o700
    assert (tmp_path / "a" / "b" / "plan.pdf").read_bytes() == b"x"


def test_each_file_is_written_to_a_hidden_temporary_file_beside_it_and_on_disk_before_it_is_renamed(
    tmp_path, monkeypatch
):
    synced: list[tuple[int, list[str]]] = []
    real = os.fsync

    def spy(fd):
        synced.append((os.fstat(fd).st_size, everything_under(tmp_path)))
        return real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    write_all([(tmp_path / "plan.pdf", b"12345")])
    [(size, listing)] = synced
    assert size == 5  # everything written out before the sync
    [temp] = listing
    assert temp.startswith(".plan.pdf.") and temp.endswith(".part")


def test_signals_are_held_while_the_files_are_renamed_into_place_and_released_after(tmp_path, monkeypatch):
    masks: list[set[int]] = []
    real = os.replace

    def spy(*args):
        masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
        return real(*args)

    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    monkeypatch.setattr(os, "replace", spy)
    write_all([(tmp_path / "plan.pdf", b"1"), (tmp_path / "plan.docx", b"2")])
    assert len(masks) == 2
    for mask in masks:
        assert {signal.SIGINT, signal.SIGTERM, signal.SIGHUP} <= mask
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before


# ---- refusals and failures ---------------------------------------------------------------------------------------


def test_two_files_of_one_name_are_refused_before_anything_is_written(tmp_path):
    with pytest.raises(OutputError) as caught:
        write_all([(tmp_path / "new" / "a.pdf", b"1"), (tmp_path / "new" / "x" / ".." / "a.pdf", b"2")])
    assert str(caught.value) == (
        "Two of the files to write have the same name, so nothing was written. This is a bug in cin-docs; please "
        "report it."
    )
    assert everything_under(tmp_path) == []


def test_a_folder_in_the_way_stops_every_file(tmp_path):
    (tmp_path / "out" / "plan.pdf").mkdir(parents=True)
    with pytest.raises(OutputError) as caught:
        write_all([(tmp_path / "new" / "plan.docx", b"1"), (tmp_path / "out" / "plan.pdf", b"2")])
    assert str(caught.value) == (
        f"The files could not be written: {tmp_path / 'out' / 'plan.pdf'} is a folder. Remove or rename that "
        "folder, or choose another with -o. Nothing was written."
    )
    assert isinstance(caught.value.__cause__, IsADirectoryError)
    assert everything_under(tmp_path) == ["out", "out/plan.pdf"]  # the folder it made for the first is gone


def test_a_full_disk_part_way_leaves_no_file_no_temporary_file_and_no_new_folder(tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.pdf").write_bytes(b"old")
    fail_on_call(monkeypatch, os, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    start = output.mark()
    with pytest.raises(OutputError) as caught:
        write_all([(tmp_path / "out" / "old.pdf", b"new"), (tmp_path / "out" / "sub" / "plan.docx", b"2")])
    assert str(caught.value) == (
        f"The files could not be written: the disk holding {tmp_path / 'out' / 'sub'} is full. Free some space, or "
        "choose another folder with -o. Nothing was written."
    )
    assert everything_under(tmp_path) == ["out", "out/old.pdf"]
    assert (tmp_path / "out" / "old.pdf").read_bytes() == b"old"
    assert output.written_since(start) == []


def test_a_temporary_file_that_cannot_be_written_is_removed(tmp_path, monkeypatch):
    fail_on_call(monkeypatch, os, "fsync", 1, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(OutputError, match=r"Input/output error \(writing .*plan\.pdf\)\. Nothing was written\."):
        write_all([(tmp_path / "plan.pdf", b"1")])
    assert everything_under(tmp_path) == []


def test_a_failed_rename_puts_back_every_file_that_was_there_and_removes_the_new_ones(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.docx").write_bytes(b"the earlier b")
    (out / "c.pdf").write_bytes(b"the earlier c")
    # a: new; b: moved aside, then the new one in; c: moved aside, then the rename in fails.
    fail_on_call(monkeypatch, os, "replace", 5, PermissionError(errno.EACCES, "Permission denied"))
    with pytest.raises(OutputError, match="you do not have permission to write"):
        write_all([(out / "a.pdf", b"new a"), (out / "b.docx", b"new b"), (out / "c.pdf", b"new c")])
    assert everything_under(out) == ["b.docx", "c.pdf"]
    assert (out / "b.docx").read_bytes() == b"the earlier b"
    assert (out / "c.pdf").read_bytes() == b"the earlier c"


def test_a_failed_move_aside_puts_back_the_files_already_renamed(tmp_path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(b"the earlier a")
    (tmp_path / "b.pdf").write_bytes(b"the earlier b")
    fail_on_call(monkeypatch, os, "replace", 3, OSError(errno.EROFS, "Read-only file system"))
    with pytest.raises(OutputError, match="is on a read-only disk"):
        write_all([(tmp_path / "a.pdf", b"new a"), (tmp_path / "b.pdf", b"new b")])
    assert everything_under(tmp_path) == ["a.pdf", "b.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"the earlier a"
    assert (tmp_path / "b.pdf").read_bytes() == b"the earlier b"


def test_the_message_names_the_file_that_could_not_be_put_in_place(tmp_path, monkeypatch):
    fail_on_call(monkeypatch, os, "replace", 1, PermissionError(errno.EACCES, "Permission denied"))
    with pytest.raises(OutputError) as caught:
        write_all([(tmp_path / "a.pdf", b"1"), (tmp_path / "b.pdf", b"2")])
    assert f"you do not have permission to write {tmp_path / 'a.pdf'} (or" in str(caught.value)
    assert everything_under(tmp_path) == []


def test_a_signal_while_renaming_puts_everything_back_too(tmp_path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(b"the earlier a")
    fail_on_call(monkeypatch, os, "replace", 3, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_all([(tmp_path / "a.pdf", b"new a"), (tmp_path / "b.pdf", b"new b")])
    assert everything_under(tmp_path) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"the earlier a"


def test_every_folder_it_made_for_any_of_the_files_is_taken_away_again(tmp_path, monkeypatch):
    fail_on_call(monkeypatch, os, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError, match="is full"):
        write_all([(tmp_path / "a" / "plan.pdf", b"1"), (tmp_path / "b" / "c" / "plan.docx", b"2")])
    assert everything_under(tmp_path) == []


def test_a_folder_someone_else_wrote_into_meanwhile_is_kept_and_the_message_stays_plain(tmp_path, monkeypatch):
    real = os.fsync

    def other_writer(fd):
        (tmp_path / "new" / "theirs.txt").write_text("not ours")
        real(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", other_writer)
    with pytest.raises(OutputError, match="is full"):
        write_all([(tmp_path / "new" / "plan.pdf", b"1")])
    assert everything_under(tmp_path) == ["new", "new/theirs.txt"]


def test_a_temporary_file_already_gone_when_the_write_fails_still_gives_the_plain_message(tmp_path, monkeypatch):
    def vanished(fd):
        for temp in tmp_path.glob(".*.part"):
            temp.unlink()  # e.g. a clean-up job on the shared drive
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", vanished)
    with pytest.raises(OutputError, match="is full"):
        write_all([(tmp_path / "plan.pdf", b"1")])
    assert everything_under(tmp_path) == []


def test_undoing_carries_on_when_one_file_cannot_be_taken_back(tmp_path, monkeypatch):
    fail_on_call(monkeypatch, os, "replace", 3, PermissionError(errno.EACCES, "Permission denied"))
    real = Path.unlink

    def stuck(self, *args, **kwargs):
        if self.name == "b.pdf":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", stuck)
    with pytest.raises(OutputError, match="you do not have permission to write"):
        write_all([(tmp_path / "a.pdf", b"new a"), (tmp_path / "b.pdf", b"new b"), (tmp_path / "c.pdf", b"new c")])
    assert not (tmp_path / "a.pdf").exists()  # taken back although b.pdf could not be
    assert not list(tmp_path.glob(".*.part"))


def test_an_old_copy_that_cannot_be_removed_does_not_make_a_finished_write_an_error(tmp_path, monkeypatch):
    (tmp_path / "plan.pdf").write_bytes(b"old")
    real = os.unlink

    def stuck(path, *args, **kwargs):
        if str(path).endswith(".old"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", stuck)
    assert write_all([(tmp_path / "plan.pdf", b"new")]) == [tmp_path / "plan.pdf"]
    assert (tmp_path / "plan.pdf").read_bytes() == b"new"


def test_folders_it_made_stay_when_the_files_were_written(tmp_path):
    write_all([(tmp_path / "new" / "plan.pdf", b"1")])
    assert everything_under(tmp_path) == ["new", "new/plan.pdf"]


def test_a_folder_that_cannot_be_made_private_is_removed_with_its_parents(tmp_path, monkeypatch):
    fail_on_call(monkeypatch, os, "chmod", 2, OSError(errno.EPERM, "Operation not permitted"))
    with pytest.raises(OutputError) as caught:
        write_all([(tmp_path / "a" / "b" / "plan.pdf", b"1")])
    assert str(caught.value) == (
        f"The files could not be written: you do not have permission to write {tmp_path / 'a' / 'b' / 'plan.pdf'}. "
        "Choose another folder with -o. Nothing was written."
    )
    assert everything_under(tmp_path) == []


def test_folders_are_made_up_to_the_first_that_exists(tmp_path):
    assert output._private_folders(tmp_path) == []
    assert output._private_folders(tmp_path / "a" / "b") == [tmp_path / "a", tmp_path / "a" / "b"]
    assert output._private_folders(Path("/")) == []


@pytest.mark.parametrize(
    "number, reason",
    [
        (
            errno.EACCES,
            "you do not have permission to write {path} (or to write in the folder {folder}). Choose "
            "another folder with -o, or ask whoever owns it",
        ),
        (errno.EPERM, "you do not have permission to write {path}. Choose another folder with -o"),
        (errno.EROFS, "the folder {folder} is on a read-only disk. Choose another folder with -o"),
        (errno.ENOSPC, "the disk holding {folder} is full. Free some space, or choose another folder with -o"),
        (errno.EDQUOT, "your disk quota for {folder} is used up. Free some space, or choose another folder with -o"),
        (errno.EISDIR, "{path} is a folder. Remove or rename that folder, or choose another with -o"),
        (errno.ENOTDIR, "part of the folder path {folder} is a file, not a folder. Choose another folder with -o"),
        (errno.EEXIST, "part of the folder path {folder} is a file, not a folder. Choose another folder with -o"),
        (errno.ENAMETOOLONG, "the path {path} is too long. Choose a shorter folder with -o"),
        (errno.EIO, "Input/output error (writing {path})"),
    ],
)
def test_every_cause_is_a_plain_message_ending_in_nothing_was_written(number, reason):
    path = Path("/srv/out/HIL-1_plan.pdf")
    message = output._explain(OSError(number, os.strerror(number)), path)
    expected = reason.format(path=path, folder=path.parent)
    assert message == f"The files could not be written: {expected}. Nothing was written."


def test_a_cause_without_its_own_words_is_named():
    assert output._explain(OSError(errno.EIO, None), Path("x.pdf")) == (
        "The files could not be written: OSError (writing x.pdf). Nothing was written."
    )


def test_a_file_in_the_folder_path_is_a_plain_message(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match=r"afile/sub is a file, not a folder\. Choose another folder"):
        write_all([(tmp_path / "afile" / "sub" / "plan.pdf", b"1")])
    assert everything_under(tmp_path) == ["afile"]


# ---- atomic_write (one file, no message) ---------------------------------------------------------------------------


def test_atomic_write_makes_owner_only_folders_and_file(tmp_path, open_umask):
    atomic_write(tmp_path / "a" / "state.json", b"{}")
    assert (tmp_path / "a" / "state.json").read_bytes() == b"{}"
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "state.json") == 0o600
    atomic_write(str(tmp_path / "a" / "state.json"), b"[1]")
    assert (tmp_path / "a" / "state.json").read_bytes() == b"[1]"
    assert everything_under(tmp_path) == ["a", "a/state.json"]


def test_atomic_write_leaves_the_old_file_and_no_temporary_file_when_the_rename_fails(tmp_path, monkeypatch):
    (tmp_path / "state.json").write_bytes(b"old")
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.fstat(fd).st_size), real(fd)))
    fail_on_call(monkeypatch, os, "replace", 1, PermissionError(errno.EACCES, "Permission denied"))
    with pytest.raises(PermissionError):
        atomic_write(tmp_path / "state.json", b"new!")
    assert synced == [4]
    assert everything_under(tmp_path) == ["state.json"] and (tmp_path / "state.json").read_bytes() == b"old"


def test_atomic_write_temporary_file_is_hidden_beside_the_target(tmp_path, monkeypatch):
    calls: list = []
    fail_on_call(monkeypatch, os, "replace", 99, OSError(), calls)
    atomic_write(tmp_path / "state.json", b"x")
    [(temp, target)] = calls
    assert Path(temp).parent == tmp_path and Path(temp).name.startswith(".state.json.") and temp.endswith(".part")
    assert target == tmp_path / "state.json"


# ---- file names -------------------------------------------------------------------------------------------------


def test_safe_file_name_parts():
    assert safe_filename_part("Case 12/AB – Héléna") == "case-12-ab-helena"
    assert safe_filename_part("  --Plan--  ") == "plan"
    assert safe_filename_part("ÆØ") == "unnamed"
    assert safe_filename_part(2026) == "2026"

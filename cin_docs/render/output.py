"""Writing finished documents to disk: atomically, readable by the owner only, under safe file names."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import CinDocsError

# Documents name a child; other local users must not be able to read them (mkstemp already creates 0600).
FILE_MODE = 0o600
# Folders cin-docs creates hold those documents, and their names carry case IDs: other users may not list them.
FOLDER_MODE = 0o700

#: Every path this process has put in place, in order, so that an error message can say truthfully what was written.
WRITTEN: list[Path] = []


class OutputError(CinDocsError):
    """The files could not be written (permission, disk full, a folder in the way); none of them was."""


def mark() -> int:
    """A bookmark in WRITTEN: `written_since(mark())` lists what a command wrote after it started."""
    return len(WRITTEN)


def written_since(position: int) -> list[Path]:
    return WRITTEN[position:]


def _private_folders(folder: Path) -> list[Path]:
    """Create `folder` and any missing parents owner-only (0700); return the folders this call created, deepest last."""
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    created = []
    try:
        for path in reversed(missing):
            path.mkdir(mode=FOLDER_MODE)
            created.append(path)
            os.chmod(path, FOLDER_MODE)  # mkdir's mode is filtered by the umask
    except BaseException:
        _remove_folders(created)
        raise
    return created


def _remove_folders(created: list[Path]) -> None:
    for path in reversed(created):
        with contextlib.suppress(OSError):
            path.rmdir()


def _temp_copy(path: Path, data: bytes) -> str:
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, FILE_MODE)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return temp_name


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP while files are renamed into place, so a set of files is never half swapped."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_all(files: Iterable[tuple[Path | str, bytes]]) -> list[Path]:
    """Write every file or none: each goes to a private temporary file beside its target first (a full disk or a
    signal stops the command there, and the temporary files are removed), then all are renamed into place together.

    A rename that fails puts back what was there before. Folders are created owner-only (0700), and removed again if
    nothing was written into them. OSErrors become one OutputError that names the file and says nothing was written.
    """
    paths: list[tuple[Path, bytes]] = [(Path(path), data) for path, data in files]
    targets = [path for path, _ in paths]
    if len({p.resolve() for p in targets}) != len(targets):
        raise OutputError(
            "Two of the files to write have the same name, so nothing was written. This is a bug in "
            "cin-docs; please report it."
        )
    created: list[Path] = []
    temps: dict[Path, str] = {}
    failed: list[Path] = []  # the file _commit could not put in place, for the message
    current = targets[0] if targets else Path(".")
    try:
        for path in targets:
            current = path
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            created += _private_folders(path.parent)
        for path, data in paths:
            current = path
            temps[path] = _temp_copy(path, data)
        with _signals_held():
            _commit(temps, failed)
    except OSError as exc:
        raise OutputError(_explain(exc, failed[0] if failed else current)) from exc
    finally:
        for temp in temps.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        if not all(p.exists() for p in targets):
            _remove_folders(created)
    WRITTEN.extend(targets)
    return targets


def _commit(temps: dict[Path, str], failed: list[Path]) -> None:
    """Rename every temporary file over its target; on any failure undo the renames already made, and add the file
    that could not be put in place to `failed` (the message names it)."""
    done: list[tuple[Path, str | None]] = []
    try:
        for path, temp in temps.items():
            backup = None
            if path.exists() or path.is_symlink():
                backup = f"{temp}.old"
                os.replace(path, backup)
            try:
                os.replace(temp, path)
            except BaseException:
                if backup:
                    os.replace(backup, path)
                raise
            done.append((path, backup))
    except BaseException:
        failed.append(path)
        for placed, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup:
                    os.replace(backup, placed)
                else:
                    placed.unlink()
        raise
    for _, backup in done:
        if backup:
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _explain(exc: OSError, path: Path) -> str:
    """A plain message for a failed write, with what to do; every cause ends with the fact that nothing was written."""
    folder = path.parent
    reasons = {
        errno.EACCES: f"you do not have permission to write {path} (or to write in the folder {folder}). Choose "
        "another folder with -o, or ask whoever owns it",
        errno.EPERM: f"you do not have permission to write {path}. Choose another folder with -o",
        errno.EROFS: f"the folder {folder} is on a read-only disk. Choose another folder with -o",
        errno.ENOSPC: f"the disk holding {folder} is full. Free some space, or choose another folder with -o",
        errno.EDQUOT: f"your disk quota for {folder} is used up. Free some space, or choose another folder with -o",
        errno.EISDIR: f"{path} is a folder. Remove or rename that folder, or choose another with -o",
        errno.ENOTDIR: f"part of the folder path {folder} is a file, not a folder. Choose another folder with -o",
        errno.EEXIST: f"part of the folder path {folder} is a file, not a folder. Choose another folder with -o",
        errno.ENAMETOOLONG: f"the path {path} is too long. Choose a shorter folder with -o",
    }
    reason = reasons.get(exc.errno, f"{exc.strerror or type(exc).__name__} (writing {path})")
    return f"The files could not be written: {reason}. Nothing was written."


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder, so readers see the old or the new file only."""
    path = Path(path)
    _private_folders(path.parent)
    temp_name = _temp_copy(path, data)
    try:
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def safe_filename_part(text: object) -> str:
    """A lowercase ASCII slug for file names: "Case 12/AB – Héléna" becomes "case-12-ab-helena"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "unnamed"

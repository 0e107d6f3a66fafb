"""The case folder the web app serves: which file holds which case ID, the caseload rows (cached by file change),
and saving an edited case file without losing anything (round-trip YAML, atomic write, the previous version kept)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .. import api
from ..errors import CinDocsError
from ..inputs import MAX_BYTES, load_file, read_text
from ..models.case import CASE_ID

CASE_SUFFIXES = (".yaml", ".yml", ".json")
HISTORY_DIR = Path(".cin-docs") / "history"
# CASE_ID is built from a str pattern (models/case.py), so its pattern is a str.
CASE_ID_RE = re.compile(cast(str, CASE_ID.regex.pattern))


@dataclass
class Entry:
    """One case file in the folder, as read at one version of the file (mtime and size)."""

    path: Path
    stamp: tuple
    case_id: str | None = None
    case: api.Case | None = None
    problem: str | None = None
    deadlines: list = field(default_factory=list)

    @property
    def known_as(self) -> str:
        child = self.case.data["child"] if self.case else {}
        return child.get("preferred_name") or child.get("first_name") or ""


@dataclass
class Row:
    """A line of the caseload page; every figure comes from api.due_dates."""

    case_id: str | None
    file_name: str
    known_as: str
    worker: str
    plan_age: str
    next_deadline: object  # a Deadline or None
    overdue: int
    due_soon: int
    status: str  # overdue | due-soon | on-track | closed | problems
    problem: str | None = None
    open_dues: tuple = ()  # the due dates of the open deadlines (for the timeline)


STATUS_LABELS = {
    "overdue": "Overdue",
    "due-soon": "Due in the next 7 days",
    "on-track": "On track",
    "closed": "Closed",
    "problems": "File has problems",
}


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CaseFolder:
    """The case files directly in one folder (not its subfolders); case IDs are read from the files."""

    def __init__(self, root: Path, config: dict):
        self.root = Path(root).resolve()
        self.config = config
        self._cache: dict[Path, tuple[tuple, Entry]] = {}
        self._rows: dict[Path, tuple[tuple, Row]] = {}
        self._docs: dict[Path, tuple[tuple, object]] = {}
        self._lock = threading.Lock()
        self.write_lock = threading.Lock()  # held from the stale-file check to the write of a save

    # -- reading -------------------------------------------------------------------------------------------------
    def files(self) -> list[Path]:
        return sorted(
            p
            for p in self.root.iterdir()
            if p.suffix.lower() in CASE_SUFFIXES and not p.name.startswith(".") and p.is_file()
        )

    def entry(self, path: Path, as_of: dt.date) -> Entry:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size, as_of)
        with self._lock:
            cached = self._cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        entry = Entry(path, stamp)
        try:
            entry.case = api.load(path, self.config)
            entry.case_id = entry.case.case_id
            entry.deadlines = api.due_dates(entry.case, as_of)
        except CinDocsError as exc:
            entry.problem = exc.message
            entry.case_id = self._raw_case_id(path)
        with self._lock:
            self._cache[path] = (stamp, entry)
        return entry

    @staticmethod
    def _raw_case_id(path: Path) -> str | None:
        try:
            value = load_file(path).data.get("case_id")
        except CinDocsError:
            return None
        return value if isinstance(value, str) and CASE_ID_RE.fullmatch(value) else None

    def entries(self, as_of: dt.date) -> list[Entry]:
        return [self.entry(p, as_of) for p in self.files()]

    def find(self, case_id: str, as_of: dt.date) -> Entry | None:
        """The file holding this case ID (the first, by file name, if two files claim it); never a path from a user."""
        if not CASE_ID_RE.fullmatch(case_id or ""):
            return None
        for entry in self.entries(as_of):
            if entry.case_id == case_id:
                return entry
        return None

    def rows(self, as_of: dt.date) -> list[Row]:
        rows = []
        for entry in self.entries(as_of):
            with self._lock:
                cached = self._rows.get(entry.path)
            if cached and cached[0] == entry.stamp:
                rows.append(cached[1])
                continue
            row = make_row(entry, as_of)
            with self._lock:
                self._rows[entry.path] = (entry.stamp, row)
            rows.append(row)
        return rows

    def document(self, path: Path):
        """The file as an editable round-trip document (a fresh copy; parsed once per version of the file)."""
        import copy

        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            cached = self._docs.get(path)
        if not cached or cached[0] != stamp:
            cached = (stamp, read_document(path))
            with self._lock:
                self._docs[path] = cached
        return copy.deepcopy(cached[1])

    # -- writing -------------------------------------------------------------------------------------------------
    def keep_history(self, path: Path, case_id: str) -> Path:
        """Copy the file as it is now into .cin-docs/history/ (owner-only) before it is replaced."""
        from ..render.output import atomic_write

        folder = self.root / HISTORY_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for d in (folder.parent, folder):
            os.chmod(d, 0o700)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        target = folder / f"{case_id}_{stamp}{path.suffix.lower()}"
        atomic_write(target, path.read_bytes())
        return target

    def write(self, path: Path, text: str, case_id: str, previous: bool = True) -> None:
        from ..render.output import atomic_write

        if previous and path.exists():
            self.keep_history(path, case_id)
        atomic_write(path, text.encode("utf-8"))

    def new_path(self, case_id: str, suffix: str = ".yaml") -> Path:
        return self.root / f"{case_id}{suffix}"


def make_row(entry: Entry, as_of: dt.date) -> Row:
    if entry.case is None:
        return Row(entry.case_id, entry.path.name, "", "", "", None, 0, 0, "problems", entry.problem)
    data = entry.case.data
    current = [d for d in entry.deadlines if not d.history]
    overdue = sum(d.status == "overdue" for d in current)
    soon = [d for d in current if d.status == "open" and as_of <= d.due <= as_of + dt.timedelta(days=6)]
    upcoming = sorted((d for d in current if d.status == "open"), key=lambda d: (d.due, d.due_time or dt.time(0)))
    plan = data.get("plan") or {}
    if plan.get("start") and plan["start"] <= as_of:
        end = plan.get("end") or (data.get("closure") or {}).get("date") or as_of
        weeks = max(0, (min(end, as_of) - plan["start"]).days // 7)
        plan_age = f"{weeks} week{'s' if weeks != 1 else ''}" + (" (ended)" if plan.get("end") else "")
    elif plan.get("start"):
        plan_age = "Not started yet"
    else:
        plan_age = "No plan yet"
    if data.get("closure"):
        status = "closed"
    elif overdue:
        status = "overdue"
    elif soon:
        status = "due-soon"
    else:
        status = "on-track"
    return Row(
        entry.case_id,
        entry.path.name,
        entry.known_as,
        (data.get("social_worker") or {}).get("name", ""),
        plan_age,
        upcoming[0] if upcoming else None,
        overdue,
        len(soon),
        status,
        open_dues=tuple(d.due for d in upcoming),
    )


TIMELINE_WEEKS = 6


def timeline(rows: list[Row], as_of: dt.date) -> list[dict]:
    """Bars for the caseload chart: what is overdue, then the open deadlines in each of the next six weeks (from the
    Monday of this week), counted from the rows' own deadlines."""
    from ..render.filters import longdate

    monday = as_of - dt.timedelta(days=as_of.weekday())
    bars: list[dict[str, Any]] = [
        {"label": "Overdue", "lines": ("Overdue", ""), "count": sum(r.overdue for r in rows), "overdue": True}
    ]
    for i in range(TIMELINE_WEEKS):
        start = monday + dt.timedelta(weeks=i)
        count = sum(start <= due < start + dt.timedelta(weeks=1) for r in rows for due in r.open_dues)
        day = longdate(start).split(" ", 1)[1].rsplit(" ", 1)[0]  # '23 November'
        bars.append(
            {"label": f"w/c {day}", "lines": ("w/c", start.strftime("%-d %b")), "count": count, "overdue": False}
        )
    peak = max([b["count"] for b in bars] + [1])
    for i, b in enumerate(bars):
        b["height"] = round(120 * b["count"] / peak)
        b["x"] = 10 + i * 90
    return bars


# -- round-trip editing ------------------------------------------------------------------------------------------
def yaml_rt():
    """Round-trip YAML that, like the command line's loader, keeps dates as the text written: an impossible date
    (2026-02-30) then reaches the case model's own message instead of failing the whole file."""
    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import VersionedResolver

    class DatesAsText(VersionedResolver):
        def add_version_implicit_resolver(self, version, tag, regexp, first):
            if tag != "tag:yaml.org,2002:timestamp":
                super().add_version_implicit_resolver(version, tag, regexp, first)

    y = YAML(typ="rt")
    y.Resolver = DatesAsText
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def read_document(path: Path):
    """The file as an editable document: ruamel's round-trip map for YAML (comments kept), a dict for JSON."""
    text = read_text(path)
    if path.suffix.lower() == ".json":
        return json.loads(text)
    return yaml_rt().load(text)


def dump_document(path: Path, doc) -> str:
    if path.suffix.lower() == ".json":
        return json.dumps(to_plain(doc), indent=2, ensure_ascii=False, default=str) + "\n"
    buf = io.StringIO()
    yaml_rt().dump(doc, buf)
    return buf.getvalue()


def to_plain(value):
    """ruamel's round-trip types as plain dicts, lists, strings, numbers and dates."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def parse_text(text: str, suffix: str) -> dict:
    """Text as the command line would read it (the same safe loader), for validation before anything is written."""
    import yaml

    from ..errors import InputFileError
    from ..inputs import _SafeLoader

    if len(text.encode("utf-8")) > MAX_BYTES:
        raise InputFileError("The case file would be larger than cin-docs accepts.")
    try:
        if suffix.lower() == ".json":
            data = json.loads(text)
        else:
            loader = _SafeLoader(text)
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
    except (ValueError, yaml.YAMLError) as exc:
        raise InputFileError(f"The file is not valid YAML or JSON ({type(exc).__name__}).") from None
    if not isinstance(data, dict):
        raise InputFileError("The file should hold named fields (like 'case_id: ...') at the top level.")
    return data

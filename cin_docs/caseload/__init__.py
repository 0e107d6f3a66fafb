"""Many cases at once: find the case files in folders, load them (in a process pool when there are many), and
build the team work list: overdue, due in the next 14 days, lapses of the last 3 months, grouped and counted."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.relativedelta import relativedelta

from .. import api
from ..errors import CinDocsError, InputFileError

SUFFIXES = (".yaml", ".yml", ".json")
#: Below this many files the pool costs more (starting processes, importing) than it saves.
POOL_MIN_FILES = 300
#: Show the progress bar (on a terminal) from this many files.
PROGRESS_MIN_FILES = 50
DUE_SOON_DAYS = 14
LAPSE_MONTHS = 3
GROUPINGS = ("worker", "team", "rule")
NO_WORKER = "(no social worker named)"
NO_TEAM = "(no team named)"


def find_case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The case files among `paths`: files as given, folders searched recursively for *.yaml, *.yml, *.json."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUFFIXES and p.is_file() and not p.name.startswith(".")
            )
        elif path.exists():
            found.append(path)
        else:
            raise InputFileError(f"{path} does not exist. Give case files or folders that hold them.")
    return list(dict.fromkeys(found))


def map_files(
    files: list[Path],
    task: Callable,
    *args,
    jobs: int | None = None,
    desc: str = "Reading cases",
    progress: bool | None = None,
    keep: Callable = lambda result: result,
) -> list:
    """task(path, *args) for every file, in order; in a process pool when there are many files. `keep` is applied
    to each result as it arrives (to shrink what is held for a large folder)."""
    from tqdm import tqdm

    show = progress if progress is not None else (len(files) >= PROGRESS_MIN_FILES and sys.stderr.isatty())
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8) if len(files) >= POOL_MIN_FILES else 1
    with tqdm(total=len(files), desc=desc, unit="case", file=sys.stderr, disable=not show, leave=False) as bar:
        if jobs <= 1:
            results = []
            for path in files:
                results.append(keep(task(path, *args)))
                bar.update(1)
            return results
        import concurrent.futures as cf
        import multiprocessing

        # fork: the children inherit the imported modules, parsed profiles and calendar tables.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        chunk = max(16, len(files) // (jobs * 8))
        batches = [files[i : i + chunk] for i in range(0, len(files), chunk)]
        results_by_batch: dict[int, list] = {}
        with cf.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            futures = {pool.submit(_run_batch, task, batch, args): n for n, batch in enumerate(batches)}
            for future in cf.as_completed(futures):
                n = futures[future]
                results_by_batch[n] = [keep(r) for r in future.result()]
                bar.update(len(batches[n]))
        return [r for n in range(len(batches)) for r in results_by_batch[n]]


def _run_batch(task, batch, args):
    return [task(path, *args) for path in batch]


def shared_text(result: dict) -> dict:
    """Hold one copy of the texts every case repeats (policy sentences, labels, names): a result from a pool process
    arrives with its own copies, and 5,000 cases' worth of them would be most of the report's memory."""
    for row in result.get("rows", []):
        for key in ("source", "label", "basis", "rule", "from", "status", "worker", "team", "_policy", "file"):
            if isinstance(row.get(key), str):
                row[key] = sys.intern(row[key])
    return result


def worker_of(data: dict) -> str:
    return (data.get("social_worker") or {}).get("name") or NO_WORKER


def team_of(data: dict) -> str:
    return (data.get("social_worker") or {}).get("team") or (data.get("authority") or {}).get("team") or NO_TEAM


def case_deadlines(path: Path, config: dict, as_of: dt.date, calendars: bool = True) -> dict:
    """One case's deadline rows (the due-dates JSON plus case, file, worker, team), or the error `validate` gives.

    Only what the report shows crosses back from a pool process (and, with `calendars`, every open and overdue
    deadline); for the timeline, the due dates of the open ones. Keys starting with '_' are not part of any
    report."""
    try:
        case = api.load(path, config)
        deadlines = api.due_dates(case, as_of)
    except CinDocsError as exc:
        return {"file": str(path), "error": exc.message}
    base = {"case_id": case.case_id, "file": str(path), "worker": worker_of(case.data), "team": team_of(case.data)}
    rows, open_due = [], []
    for d in deadlines:
        row = {**base, **d.to_json()}
        if d.status == "open":
            open_due.append(row["due"])
        if section_of(row, as_of) or (calendars and d.status in ("open", "overdue")):
            rows.append({**row, "_why": d.explanation(), "_policy": case.profile["label"]})
    return {"file": str(path), "case_id": case.case_id, "rows": rows, "open_due": open_due}


SECTIONS = (
    ("overdue", "Overdue"),
    ("due_soon", f"Due in the next {DUE_SOON_DAYS} days"),
    ("lapses", f"Lapses in the last {LAPSE_MONTHS} months"),
)


def section_of(row: dict, as_of: dt.date) -> str | None:
    """Which list of the report a deadline belongs on, if any."""
    due = dt.date.fromisoformat(row["due"])
    status = row["status"]
    if status == "overdue":
        return "overdue"
    if status == "open" and as_of <= due <= as_of + dt.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    if status in ("late", "missed") and as_of - relativedelta(months=LAPSE_MONTHS) <= due <= as_of:
        return "lapses"
    return None


@dataclass
class Report:
    as_of: dt.date
    by: str
    cases: int
    errors: list[dict]
    sections: dict[str, list[dict]]
    calendar_rows: list[dict] = field(repr=False, default_factory=list)
    #: How many open deadlines fall due on each date (for the timeline), whether or not calendars were asked for.
    open_due: dict[str, int] = field(repr=False, default_factory=dict)

    def group_key(self, row: dict) -> str:
        return row["label"] if self.by == "rule" else row[self.by]

    @property
    def rows(self) -> list[dict]:
        """The report's deadlines: overdue first, then due soon, then lapses; grouped; soonest first in a group."""
        return [row for key, _ in SECTIONS for row in self.sections[key]]

    def grouped(self, section: str) -> list[tuple[str, list[dict]]]:
        groups: dict[str, list[dict]] = {}
        for row in self.sections[section]:
            groups.setdefault(self.group_key(row), []).append(row)
        return sorted(groups.items(), key=lambda kv: kv[0].casefold())

    def counts(self) -> list[dict]:
        """Per group: overdue, due soon, lapses and open cases; the groups with most overdue first."""
        table: dict[str, dict] = {}
        for key, _ in SECTIONS:
            for row in self.sections[key]:
                entry = table.setdefault(
                    self.group_key(row), {"group": self.group_key(row), "overdue": 0, "due_soon": 0, "lapses": 0}
                )
                entry[key] += 1
        return sorted(table.values(), key=lambda e: (-e["overdue"], -e["due_soon"], e["group"].casefold()))

    def to_json(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "cases": self.cases,
            "errors": self.errors,
            "deadlines": [public(row) for row in self.rows],
        }


def public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def build_report(results: list[dict], as_of: dt.date, by: str = "worker") -> Report:
    if by not in GROUPINGS:
        raise ValueError(by)
    errors = [{"file": r["file"], "error": r["error"]} for r in results if "error" in r]
    sections: dict[str, list[dict]] = {key: [] for key, _ in SECTIONS}
    calendar_rows = []
    open_due: dict[str, int] = {}
    for result in results:
        for due in result.get("open_due", []):
            open_due[due] = open_due.get(due, 0) + 1
        for row in result.get("rows", []):
            if row["status"] in ("open", "overdue"):
                calendar_rows.append(row)
            where = section_of(row, as_of)
            if where:
                sections[where].append(row)
    report = Report(as_of, by, sum("rows" in r for r in results), errors, sections, calendar_rows, open_due)
    for rows in sections.values():
        rows.sort(
            key=lambda r: (
                report.group_key(r).casefold(),
                r["due"],
                r["due_time"] or "",
                r["case_id"],
                r["rule"],
                r["ref"] or "",
            )
        )
    return report


def caseload(
    paths,
    as_of: dt.date,
    by: str = "worker",
    config: dict | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
    calendars: bool = True,
) -> Report:
    """The whole work list for the case files and folders in `paths`."""
    from ..config import load_config

    files = find_case_files(paths)
    config = config if config is not None else load_config()
    results = map_files(files, case_deadlines, config, as_of, calendars, jobs=jobs, progress=progress, keep=shared_text)
    return build_report(results, as_of, by)


def _load_case(path: Path, config: dict, data_only: bool):
    try:
        case = api.load(path, config)
    except CinDocsError as exc:
        return {"file": str(path), "error": exc.message}
    # From a pool process, the case's data alone crosses back: its profile would be one copy per case.
    return {"file": str(path), "data": case.data} if data_only else case


def load_cases(paths, config: dict, jobs: int | None = None, progress: bool | None = None, data_only: bool = False):
    """Every case in `paths` (api.Case, or with data_only its validated data), and the errors ({file, error}) of
    those that cannot be read."""
    files = find_case_files(paths)
    results = map_files(files, _load_case, config, data_only, jobs=jobs, progress=progress)
    if data_only:
        return [r["data"] for r in results if "data" in r], [r for r in results if "error" in r]
    cases = [r for r in results if isinstance(r, api.Case)]
    errors = [r for r in results if not isinstance(r, api.Case)]
    return cases, errors

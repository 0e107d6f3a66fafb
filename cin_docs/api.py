"""The library API the CLI and tests call: load and validate cases, compute due dates, export them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .config import load_config
from .errors import CaseValidationError
from .models import format_path, load_case_with_lines
from .policies.engine import Deadline, Engine, calendar_for, compute_deadlines
from .policies.profile import load_profile


@dataclass
class Case:
    """A validated case file with the policy profile it names."""

    data: dict
    profile: dict
    config: dict = field(default_factory=dict)
    # The line of a field path in the file (('plan', 'actions', 8) -> 245), for checks that run after validation.
    line_of: Callable[[tuple], int | None] | None = field(default=None, repr=False, compare=False)

    @property
    def case_id(self) -> str:
        return self.data["case_id"]

    @property
    def path(self) -> Path:
        return self.data["_path"]


def profile_problems(data: dict, profile: dict) -> list[tuple[str, str]]:
    """What in the case the profile cannot handle (meeting types it does not know, escalations without a protocol)."""
    problems = []
    known = profile["meeting_labels"]
    for i, m in enumerate(data.get("meetings", [])):
        if m["type"] not in known:
            problems.append((format_path(("meetings", i, "type")),
                             f"The {profile['name']} policy has no '{m['type']}' meeting; "
                             f"its meeting types are: {', '.join(known)}."))
    if not profile.get("combined_outcomes"):
        for i, m in enumerate(data.get("meetings", [])):
            if isinstance(m.get("outcome"), list):
                problems.append((format_path(("meetings", i, "outcome")),
                                 f"The {profile['name']} policy records exactly one outcome for a review: give one "
                                 f"of {', '.join(profile['review_outcomes'])}, not a list."))
    if data.get("escalations") and not profile.get("escalation"):
        problems.append(("escalations",
                         f"The {profile['name']} policy has no escalation protocol, so escalation deadlines cannot "
                         "be computed under it. Record escalations in a case under a profile that has one: "
                         "'policy: hertfordshire', or your own profile file that says 'extends: hertfordshire'."))
    return problems


def load(path: str | Path, config: dict | None = None) -> Case:
    """Read, validate and resolve one case file; every problem is reported at once."""
    data, loaded = load_case_with_lines(path)
    profile = load_profile(data["policy"], Path(path).resolve().parent)
    problems = profile_problems(data, profile)
    if problems:
        raise CaseValidationError(str(path), problems)
    return Case(data, profile, config if config is not None else load_config(), line_of=loaded.line_of)


def calendar(case: Case):
    """The working-day calendar of this case: bank holidays, the profile's and the configuration's closures."""
    return calendar_for(case.profile, case.config.get("closures", []))


def engine(case: Case, as_of: dt.date) -> Engine:
    """The deadline engine for this case (for documents that evaluate a rule from a date of their own)."""
    return Engine(case.data, case.profile, as_of, calendar(case))


def due_dates(case: Case, as_of: dt.date) -> list[Deadline]:
    return compute_deadlines(case.data, case.profile, as_of, case.config.get("closures", []))


def due_dates_json(case: Case, as_of: dt.date) -> dict:
    """The `cin-docs due-dates --json` document (the public contract in shared/domain/timescales.md)."""
    return {
        "policy": case.profile["name"],
        "as_of": as_of.isoformat(),
        "deadlines": [d.to_json() for d in due_dates(case, as_of)],
    }


TIME_ZONE = "Europe/London"
#: When Outlook reminds: a working morning's notice for all-day deadlines (09:00 the day before), a day for timed ones.
ALL_DAY_REMINDER = dt.timedelta(hours=-15)
TIMED_REMINDER = dt.timedelta(days=-1)
ICS_PRODID = "-//cin-docs//Child in Need deadlines//EN"


def ics_uid(case_id: str, rule: str, ref: str | None) -> str:
    """Stable per (case, rule, item): re-importing after a date moves updates the event instead of duplicating it."""
    import re

    item = re.sub(r"[^A-Za-z0-9_.-]+", "-", ref).strip("-") if ref else "case"
    return f"{case_id}-{rule}-{item}@cin-docs"


def ics_calendar(name: str):
    """An empty iCalendar with the product ID, version, name and time zone every cin-docs calendar carries."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", ICS_PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIME_ZONE)
    return cal


def deadline_event(case_id: str, policy_label: str, deadline: dict, explanation: str):
    """One VEVENT for one deadline (a row of the due-dates JSON): the one place every calendar builds them, for
    `due-dates --ics` and the caseload's per-worker calendars alike.

    UID stable per (case, rule, item); timed deadlines in Europe/London; a reminder the day before (09:00 for
    whole-day deadlines); only the case ID, never a child's name.
    """
    from zoneinfo import ZoneInfo

    from icalendar import Alarm, Event

    due = dt.date.fromisoformat(deadline["due"])
    ev = Event()
    ev.add("uid", ics_uid(case_id, deadline["rule"], deadline["ref"]))
    ev.add("summary", f"{case_id}: {deadline['label']}" + (" (OVERDUE)" if deadline["status"] == "overdue" else ""))
    if deadline.get("due_time"):
        start = dt.datetime.combine(due, dt.time.fromisoformat(deadline["due_time"]), tzinfo=ZoneInfo(TIME_ZONE))
        ev.add("dtstart", start)
        ev.add("dtend", start + dt.timedelta(minutes=30))
    else:
        ev.add("dtstart", due)
        ev.add("dtend", due + dt.timedelta(days=1))
    # DTSTAMP from the facts, not the clock, so the same case gives the same file.
    ev.add("dtstamp", dt.datetime.combine(dt.date.fromisoformat(deadline["from_date"]), dt.time(0),
                                          tzinfo=dt.timezone.utc))
    ev.add("description", f"Due: {explanation}.\nPolicy ({policy_label}): {deadline['source']}")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{case_id}: {deadline['label']}")
    alarm.add("trigger", TIMED_REMINDER if deadline.get("due_time") else ALL_DAY_REMINDER)
    ev.add_component(alarm)
    return ev


def finish_calendar(cal) -> bytes:
    """Add the VTIMEZONE for Europe/London (when an event has a time) and serialise."""
    cal.add_missing_timezones()
    return cal.to_ical()


def deadlines_ics(case: Case, deadlines: list[Deadline]) -> bytes:
    """Open and overdue deadlines as an iCalendar file Outlook can import (case ID only: no child's name)."""
    cal = ics_calendar(f"CIN deadlines {case.case_id}")
    for d in deadlines:
        if d.status in ("open", "overdue"):
            cal.add_component(deadline_event(case.case_id, case.profile["label"], d.to_json(), d.explanation()))
    return finish_calendar(cal)


@dataclass
class RenderResult:
    paths: list[Path]
    warnings: list[str]


FORMATS = ("docx", "pdf")


def build(case: Case, kind: str, options):
    """Every context (one per output file) the kind produces for this case, as documents.Built; nothing rendered."""
    from .documents import KINDS
    from .errors import UsageError

    if kind not in KINDS:
        raise UsageError(f"Unknown document '{kind}'. Documents: {', '.join(KINDS)}.")
    return KINDS[kind].builder()(case, options)


def render_bytes(kind: str, context: dict, fmt: str, templates: Path | None = None) -> bytes:
    """One output as DOCX or PDF bytes; `templates` is the authority's templates folder (case.config["templates"]),
    whose templates replace the built-in ones kind by kind after passing the same checks as `templates check`."""
    from .documents import KINDS

    spec = KINDS[kind]
    # A kind may pick one of its registered variant templates for one output (the child's own invitation).
    variant = (context.get("doc") or {}).get("template")
    stem = variant if variant in spec.variants else spec.key
    if fmt == "docx":
        from .render.docx import render_docx

        return render_docx(f"{stem}.docx", context, templates=templates)
    from .render.pdf import render_pdf

    logo = context.get("authority", {}).get("logo_path")
    return render_pdf(f"{stem}.html", context, extra_allowed=[logo] if logo else [], templates=templates)


def templates_of(case: Case) -> Path | None:
    """The authority's templates folder for this case: --templates, else 'templates:' in the configuration."""
    return case.config.get("templates")


def output_name(case_id: str, kind: str, parts: list[str], ext: str) -> str:
    from .render.output import safe_filename_part

    stem = "_".join([case_id, kind] + [safe_filename_part(p) for p in parts if p])
    return f"{stem}.{ext}"


def render(case: Case, kind: str, options, formats=FORMATS, out_dir: Path = Path("out")) -> RenderResult:
    """Render every output of `kind` in each format; all files are made in memory first, then written all or none."""
    from .render.output import write_all

    built = build(case, kind, options)
    files: list[tuple[Path, bytes]] = []
    for output in built.outputs:
        for fmt in formats:
            name = output_name(case.case_id, kind, output.name_parts, fmt)
            files.append((Path(out_dir) / name, render_bytes(kind, output.context, fmt, templates_of(case))))
    return RenderResult(write_all(files), built.warnings)


def census_return(cases: list[Case] | list[dict], year: str, la: str, now: dt.datetime | None = None):
    """The DfE CIN census return for these cases (validated Cases or their data) as census.export.Return, or
    CensusError naming every gap."""
    from . import __version__
    from .census.export import build_return, census_year

    data = [c.data if isinstance(c, Case) else c for c in cases]
    return build_return(data, census_year(year), la, now or dt.datetime.now(), __version__)


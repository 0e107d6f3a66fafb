"""The library API the CLI and tests call: load and validate cases, compute due dates, export them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_config
from .errors import CaseValidationError
from .models import format_path, load_case
from .policies.engine import Deadline, Engine, calendar_for, compute_deadlines
from .policies.profile import load_profile


@dataclass
class Case:
    """A validated case file with the policy profile it names."""

    data: dict
    profile: dict
    config: dict = field(default_factory=dict)

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
    if data.get("escalations") and not profile.get("escalation"):
        problems.append(("escalations",
                         f"The {profile['name']} policy has no escalation protocol, so escalation deadlines cannot "
                         "be computed under it. Record escalations in a case under a profile that has one: "
                         "'policy: hertfordshire', or your own profile file that says 'extends: hertfordshire'."))
    return problems


def load(path: str | Path, config: dict | None = None) -> Case:
    """Read, validate and resolve one case file; every problem is reported at once."""
    data = load_case(path)
    profile = load_profile(data["policy"], Path(path).resolve().parent)
    problems = profile_problems(data, profile)
    if problems:
        raise CaseValidationError(str(path), problems)
    return Case(data, profile, config if config is not None else load_config())


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


def deadlines_ics(case: Case, deadlines: list[Deadline]) -> bytes:
    """Open and overdue deadlines as an iCalendar file Outlook can import (case ID only: no child's name)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//cin-docs//Child in Need deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"CIN deadlines {case.case_id}")
    for d in deadlines:
        if d.status not in ("open", "overdue"):
            continue
        ev = Event()
        ev.add("uid", f"{case.case_id}-{d.rule}-{d.ref or 'case'}-{d.due.isoformat()}@cin-docs")
        ev.add("summary", f"{case.case_id}: {d.label}" + (" (OVERDUE)" if d.status == "overdue" else ""))
        if d.due_time:
            start = dt.datetime.combine(d.due, d.due_time)
            ev.add("dtstart", start)
            ev.add("dtend", start + dt.timedelta(minutes=30))
        else:
            ev.add("dtstart", d.due)
            ev.add("dtend", d.due + dt.timedelta(days=1))
        ev.add("dtstamp", dt.datetime.combine(d.from_date, dt.time(0), tzinfo=dt.UTC))
        ev.add("description", f"Due: {d.explanation()}.\nPolicy ({case.profile['label']}): {d.source}")
        cal.add_component(ev)
    return cal.to_ical()


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


def render_bytes(kind: str, context: dict, fmt: str) -> bytes:
    from .documents import KINDS

    spec = KINDS[kind]
    if fmt == "docx":
        from .render.docx import render_docx

        return render_docx(spec.docx_template, context)
    from .render.pdf import render_pdf

    logo = context.get("authority", {}).get("logo_path")
    return render_pdf(spec.html_template, context, extra_allowed=[logo] if logo else [])


def output_name(case_id: str, kind: str, parts: list[str], ext: str) -> str:
    from .render.output import safe_filename_part

    stem = "_".join([case_id, kind] + [safe_filename_part(p) for p in parts if p])
    return f"{stem}.{ext}"


def render(case: Case, kind: str, options, formats=FORMATS, out_dir: Path = Path("out")) -> RenderResult:
    """Render every output of `kind` in each format; all files are made in memory first, then written atomically."""
    from .render.output import atomic_write

    built = build(case, kind, options)
    files: list[tuple[Path, bytes]] = []
    for output in built.outputs:
        for fmt in formats:
            name = output_name(case.case_id, kind, output.name_parts, fmt)
            files.append((Path(out_dir) / name, render_bytes(kind, output.context, fmt)))
    for path, data in files:
        atomic_write(path, data)
    return RenderResult([p for p, _ in files], built.warnings)

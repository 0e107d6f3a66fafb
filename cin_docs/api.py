"""The library API the CLI and tests call: load and validate cases, compute due dates, export them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
            problems.append(
                (
                    format_path(("meetings", i, "type")),
                    f"The {profile['name']} policy has no '{m['type']}' meeting; "
                    f"its meeting types are: {', '.join(known)}.",
                )
            )
    if not profile.get("combined_outcomes"):
        for i, m in enumerate(data.get("meetings", [])):
            if isinstance(m.get("outcome"), list):
                problems.append(
                    (
                        format_path(("meetings", i, "outcome")),
                        f"The {profile['name']} policy records exactly one outcome for a review: give one "
                        f"of {', '.join(profile['review_outcomes'])}, not a list.",
                    )
                )
    if data.get("escalations") and not profile.get("escalation"):
        problems.append(
            (
                "escalations",
                f"The {profile['name']} policy has no escalation protocol, so escalation deadlines cannot "
                "be computed under it. Record escalations in a case under a profile that has one: "
                "'policy: hertfordshire', or your own profile file that says 'extends: hertfordshire'.",
            )
        )
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
    ev.add("dtstamp", dt.datetime.combine(dt.date.fromisoformat(deadline["from_date"]), dt.time(0), tzinfo=dt.UTC))
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


def template_names(kind: str, context: dict | None = None) -> tuple[str, str]:
    """(Word template, HTML template) for one output of a kind, or of a pack page named like its templates."""
    from .documents import KINDS

    if kind not in KINDS:
        return f"{kind}.docx", f"{kind}.html"
    spec = KINDS[kind]
    # A kind may pick one of its registered variant templates for one output (the child's own invitation).
    variant = ((context or {}).get("doc") or {}).get("template")
    stem = variant if variant in spec.variants else spec.key
    return f"{stem}.docx", f"{stem}.html"


def render_bytes(kind: str, context: dict, fmt: str, templates: Path | None = None) -> bytes:
    """One output as DOCX or PDF bytes; `templates` is the authority's templates folder (case.config["templates"]),
    whose templates replace the built-in ones kind by kind after passing the same checks as `templates check`."""
    docx_template, html_template = template_names(kind, context)
    if fmt == "docx":
        from .render.docx import render_docx

        return render_docx(docx_template, context, templates=templates)
    from .render.pdf import render_pdf

    logo = context.get("authority", {}).get("logo_path")
    return render_pdf(html_template, context, extra_allowed=[logo] if logo else [], templates=templates)


def templates_of(case: Case) -> Path | None:
    """The authority's templates folder for this case: --templates, else 'templates:' in the configuration."""
    return case.config.get("templates")


def output_name(case_id: str, kind: str, parts: list[str], ext: str) -> str:
    from .render.output import safe_filename_part

    stem = "_".join([case_id, kind] + [safe_filename_part(p) for p in parts if p])
    return f"{stem}.{ext}"


#: The kinds a redacted copy (--copy family / --copy professional) can be made of: documents shared with both.
COPY_KINDS = ("plan", "review-record", "case-summary", "closing-summary")
COPY_NOTES = {
    "family": "Copy for the family: information the case file withholds from anyone in the family is shown as "
    "[withheld].",
    "professional": "Copy for professionals: information the case file withholds from any of the professionals is "
    "shown as [withheld].",
}


def redacted_copies(case: Case, kind: str, outputs: list, reader: str, as_of: dt.date) -> tuple[list, list]:
    """Each output as a copy for `reader` ('family' or 'professional') with withheld items replaced by [withheld],
    and the redaction log of each (file name, text), written beside the copy and never inside it."""
    from .checks import disclosure
    from .documents import KINDS, Output
    from .errors import UsageError

    if kind not in COPY_KINDS or kind not in KINDS:
        kinds = ", ".join(k for k in COPY_KINDS if k in KINDS)
        raise UsageError(
            f"--copy makes a redacted copy of a document shared with the family and professionals: "
            f"{kinds}. Letters are already written for one reader each."
        )
    if reader not in disclosure.COPY_READERS:
        raise UsageError("--copy takes 'family' or 'professional'.")
    applying, names = disclosure.copy_restrictions(case, reader)
    copies, logs = [], []
    for output in outputs:
        counts: dict[str, int] = {}
        context = disclosure.redact(output.context, applying, counts)
        context["disclosure"] = {**context["disclosure"], "copy_note": COPY_NOTES[reader]}
        parts = [*output.name_parts, f"{reader}-copy"]
        copies.append(Output(context, parts, addressed_to=names, reader=reader))
        name = output_name(case.case_id, kind, parts, "pdf")[: -len(".pdf")]
        logs.append(
            (
                output_name(case.case_id, kind, [*parts, "redaction-log"], "txt"),
                disclosure.redaction_log(case, name, reader, applying, counts, as_of),
            )
        )
    return copies, logs


def _shown_texts(case: Case, template: str, context: dict, formats=FORMATS) -> tuple[list[str], bytes | None]:
    """The text each format of one output that will be written shows (the HTML its PDF is made from, the Word
    file), rendered in memory with the same templates the files will use; and the Word file's bytes (None when no
    Word file is made: a PDF-only render never builds one, which keeps a cold `--format pdf` about 0.1 s faster)."""
    from .checks import disclosure

    docx_template, html_template = template_names(template, context)
    texts: list[str] = []
    word = None
    if "pdf" in formats:
        from .render.jinja import render_html

        texts.append(disclosure.html_text(render_html(html_template, context, templates_of(case))))
    if "docx" in formats:
        from .documents import KINDS
        from .render.docx import render_docx

        # Pack pages that are not kinds (the transfer checklist) are always the built-in Word template.
        word = render_docx(docx_template, context, templates=templates_of(case) if template in KINDS else None)
        texts.append(disclosure.docx_text(word))
    return texts, word


def disclosure_findings(case: Case, template: str, output, formats=FORMATS) -> tuple[list, bytes | None]:
    """The disclosure check of one output: the text of each format to be written (both by default) checked against
    who the output is addressed to. Returns (findings, the Word file's bytes or None)."""
    from .checks import disclosure

    texts, word = _shown_texts(case, template, output.context, formats)
    return disclosure.check(
        case, texts, output.addressed_to, output.reader, letter=template in disclosure.LETTER_KINDS
    ), word


def disclosure_report(case: Case, kind: str, options) -> tuple[list[tuple[str, list]], str | None]:
    """What the disclosure check finds in every output `kind` would produce for this case, without writing anything:
    ([(output name, findings)], None), or ([], the reason the kind cannot be produced for this case)."""
    from .errors import CinDocsError

    try:
        built = build(case, kind, options)
    except CinDocsError as exc:
        return [], str(exc)
    report = []
    for output in built.outputs:
        findings, _ = disclosure_findings(case, kind, output)
        report.append((output_name(case.case_id, kind, output.name_parts, "")[:-1], findings))
    return report, None


def check_disclosure(
    case: Case, template: str, outputs: list, allow: bool, what: str, warnings: list[str], formats=FORMATS
) -> dict[int, bytes]:
    """Run the disclosure check on every output before anything is written, on the text of each format that will
    be written. Without `allow` any finding stops everything (DisclosureError listing them all); with it each
    affected output gets the warning line in its context. Returns the Word bytes already rendered (when Word is one
    of the formats) for outputs that need no change, by position."""
    from .checks import disclosure
    from .errors import DisclosureError

    found: list[tuple[int, list]] = []
    words: dict[int, bytes] = {}
    for i, output in enumerate(outputs):
        findings, word = disclosure_findings(case, template, output, formats)
        if findings:
            found.append((i, findings))
        elif word is not None:
            words[i] = word
    if not found:
        return words
    many = len(outputs) > 1
    lines = []
    for i, findings in found:
        label = f"{output_name(case.case_id, template, outputs[i].name_parts, '')[:-1]}: " if many else ""
        lines += [f"  - {label}{f.path}: {f.message}" for f in findings]
    if not allow:
        n = len(lines)
        raise DisclosureError(
            f"The {what} was not produced: the disclosure check found {n} problem{'s' if n != 1 else ''}:\n"
            + "\n".join(lines)
            + "\nNothing was written. Take the person off the document's distribution or invitees (a plan's own list "
            "is plan.distribution), remove the item from what the document shows, or give them a redacted copy "
            "(--copy family or --copy professional). To produce it anyway, add --allow-disclosure: the document "
            "then carries a warning line."
        )
    for i, findings in found:
        output = outputs[i]
        line = disclosure.warning_line(findings)
        output.context = {**output.context, "disclosure": {**output.context["disclosure"], "warning": line}}
        # An authority's own template may not print the warning line: then the document is not produced at all.
        texts, word = _shown_texts(case, template, output.context, formats)
        if not all(disclosure.norm(line) in disclosure.norm(text) for text in texts):
            raise DisclosureError(
                f"The {what} was not produced: --allow-disclosure needs the document to carry its warning line, and "
                "the template in use does not print {{ disclosure.warning }}. Add it to the authority's template, or "
                "resolve the disclosure problems instead:\n" + "\n".join(lines)
            )
        if word is not None:
            words[i] = word
    warnings.append(f"The {what} was produced with --allow-disclosure although the disclosure check found:")
    warnings.extend(line.strip()[2:] for line in lines)
    return words


def render_files(
    case: Case, kind: str, options, formats=FORMATS, out_dir: Path = Path("out"), copy: str | None = None
) -> tuple[list[tuple[Path, bytes]], list[str]]:
    """Build, check (disclosure, before anything exists on disk) and render every output of `kind` in each format,
    in memory: ([(path, bytes)], warnings). With `copy`, the redacted copies for that reader and their logs instead.
    `render` writes them; batches (cin_docs.batch) collect them from every case first."""
    from .documents import KINDS

    built = build(case, kind, options)
    outputs, warnings = built.outputs, list(built.warnings)
    logs: list = []
    if copy is not None:
        outputs, logs = redacted_copies(case, kind, outputs, copy, options.as_of)
    words = check_disclosure(case, kind, outputs, options.allow_disclosure, KINDS[kind].title, warnings, formats)
    files: list[tuple[Path, bytes]] = []
    for i, output in enumerate(outputs):
        for fmt in formats:
            name = output_name(case.case_id, kind, output.name_parts, fmt)
            data = (
                words[i]
                if fmt == "docx" and i in words
                else render_bytes(kind, output.context, fmt, templates_of(case))
            )
            files.append((Path(out_dir) / name, data))
    files += [(Path(out_dir) / name, text.encode("utf-8")) for name, text in logs]
    return files, warnings


def render(
    case: Case, kind: str, options, formats=FORMATS, out_dir: Path = Path("out"), copy: str | None = None
) -> RenderResult:
    """Every output of `kind` (render_files), then written all or none."""
    from .render.output import write_all

    files, warnings = render_files(case, kind, options, formats, out_dir, copy)
    return RenderResult(write_all(files), warnings)


def census_return(cases: list[Case] | list[dict], year: str, la: str, now: dt.datetime | None = None):
    """The DfE CIN census return for these cases (validated Cases or their data) as census.export.Return, or
    CensusError naming every gap."""
    from . import __version__
    from .census.export import build_return, census_year

    data = [c.data if isinstance(c, Case) else c for c in cases]
    return build_return(data, census_year(year), la, now or dt.datetime.now(), __version__)

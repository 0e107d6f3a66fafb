"""The `cin-docs` command line: a thin Click layer over cin_docs.api (errors become one-paragraph messages)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import CinDocsError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-23.", param, ctx)
        if not 1900 <= date.year <= 2100:  # like every date in a case file (models.fields.Date)
            self.fail(f"'{value}' is not a plausible date: it must fall between 1900 and 2100.", param, ctx)
        return date


def as_of_option(f):
    return click.option(
        "--as-of",
        "as_of",
        type=IsoDate(),
        default=None,
        help="Work out deadlines as on this date (default: today). Meetings and visits dated on or "
        "before it count as held.",
    )(f)


def case_argument(f):
    return click.argument("case", type=click.Path(path_type=Path))(f)


class Group(click.Group):
    """Runs a command and turns every cin-docs error into `Error: ...` with its exit status."""

    def invoke(self, ctx):
        from .render import output

        start = output.mark()
        try:
            return super().invoke(ctx)
        except CinDocsError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {printable(exc.message)}", err=True)
            ctx.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            raise  # the reader of our output (`| head`) has gone: click.main exits quietly
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {printable(failure_message(exc, output.written_since(start)))}", err=True)
            ctx.exit(1)


def failure_message(exc: Exception, written: list[Path]) -> str:
    """What to tell the user about an exception cin-docs did not expect, without claiming what is not true."""
    if isinstance(exc, OSError):
        cause = f"{exc.strerror or type(exc).__name__}" + (f" ({exc.filename})" if exc.filename else "")
        problem = f"cin-docs could not read or write something: {cause}."
    elif isinstance(exc, MemoryError):
        problem = "cin-docs ran out of memory. Check that the input files are the right ones."
    else:
        problem = (
            f"cin-docs hit an unexpected problem ({type(exc).__name__}). Run the same command with --debug "
            "to see the details, and report it."
        )
    if written:
        return f"{problem} These files had already been written and are complete: {', '.join(map(str, written))}."
    return f"{problem} Nothing was written."


def printable(text: str) -> str:
    """Text to show on a terminal: control characters (escape sequences) shown as \\xNN; line breaks kept."""
    from .inputs import _printable

    return "\n".join(_printable(line) for line in str(text).split("\n"))


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="cin-docs")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors (for reporting bugs).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    envvar="CIN_DOCS_CONFIG",
    help="Configuration file with office closure days and branding (or set CIN_DOCS_CONFIG).",
)
@click.pass_context
def cli(ctx, debug, config_path):
    """Child in Need paperwork from one case file per child.

    Check a case file, see every statutory deadline, and produce letters, plans, review records, panel packs,
    transfer packs and escalation forms as Word and PDF files.

    \b
    Start with:
      cin-docs validate samples/hillingdon-mid-plan.yaml
      cin-docs due-dates samples/hillingdon-mid-plan.yaml
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["config_path"] = config_path


def _config(ctx):
    from .config import load_config

    if "config" not in ctx.obj:
        ctx.obj["config"] = load_config(ctx.obj.get("config_path"))
    return ctx.obj["config"]


def load_case(ctx, path):
    from . import api

    return api.load(path, _config(ctx))


def load_cases(ctx, paths, consequence: str):
    """Load several case files, reporting every file's problems at once."""
    from .errors import RenderError

    loaded, failures = [], []
    for path in paths:
        try:
            loaded.append(load_case(ctx, path))
        except CinDocsError as exc:
            failures.append(exc)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        messages = list(dict.fromkeys(exc.message for exc in failures))  # a broken shared profile: say it once
        raise RenderError(
            f"{len(failures)} of {len(paths)} case files have problems, so {consequence}:\n" + "\n".join(messages)
        )
    return loaded


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx, cases):
    """Check case files against the case model and their policy.

    Every problem is listed at once, with the field's path (and line), e.g. plan.actions[2].due (line 48).
    Exits with status 1 if any file has a problem.

    \b
    Example:
      cin-docs validate samples/*.yaml
    """
    from .logo import resolve_logo

    failed = 0
    for path in cases:
        try:
            case = load_case(ctx, path)
            resolve_logo(case)  # a logo that cannot be used is found now, not when a document is made
        except CinDocsError as exc:
            if ctx.obj.get("debug") and not getattr(exc, "errors", None):
                raise
            failed += 1
            click.echo(f"Error: {printable(exc.message)}", err=True)
            continue
        click.echo(f"OK: {path} (case {case.case_id}, {case.profile['label']} policy)")
    if failed:
        if len(cases) > 1:
            click.echo(f"{failed} of {len(cases)} files have problems.", err=True)
        ctx.exit(1)


STATUS_STYLE = {
    "overdue": ("OVERDUE", "red"),
    "late": ("late", "yellow"),
    "open": ("open", None),
    "met": ("met", "green"),
    "info": ("date", "blue"),
    "missed": ("missed", "yellow"),
    "passed": ("passed", None),
}


@cli.command("due-dates", context_settings=CONTEXT_SETTINGS)
@case_argument
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the deadlines as JSON (for other systems).")
@click.option(
    "--ics",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the open and overdue deadlines to this iCalendar (.ics) file for Outlook.",
)
@click.pass_context
def due_dates(ctx, case, as_of, as_json, ics):
    """Show every statutory deadline for a case, soonest first.

    Each line says what is due, when, and why ("10 working days after the plan decision on Monday 2 November
    2026"), and whether it was met, is open, or is overdue. Visits, meetings and reviews that came late, and what
    fell due before the plan ended and never happened ("missed"), are listed last, under History: they are on the
    record, not things to do.

    \b
    Example:
      cin-docs due-dates samples/hertfordshire-panel.yaml --as-of 2026-11-23
    """
    from . import api
    from .errors import UsageError
    from .render.filters import longdate

    if ics is not None and (not str(ics).strip() or str(ics) == "." or ics.is_dir()):
        raise UsageError("--ics needs the name of a file to write, e.g. --ics deadlines.ics.")
    loaded = load_case(ctx, case)
    as_of = as_of or dt.date.today()
    deadlines = api.due_dates(loaded, as_of)
    if ics:
        from .render.output import write_all

        write_all([(ics, api.deadlines_ics(loaded, deadlines))])
    if as_json:
        click.echo(json.dumps(api.due_dates_json(loaded, as_of), indent=2, ensure_ascii=False))
        return
    click.echo(
        f"Deadlines for case {loaded.case_id} under the {loaded.profile['label']} policy, as of {longdate(as_of)}:"
    )
    if not deadlines:
        click.echo("  No deadlines: the case file has none of the events the policy counts from.")
    # The date column is as wide as its longest entry ("Thursday 31 December 2026 10:00"), so labels line up.
    width = max([30] + [len(longdate(d.due)) + (6 if d.due_time else 0) for d in deadlines])
    current = [d for d in deadlines if not d.history]
    history = [d for d in deadlines if d.history]
    for d in current:
        _echo_deadline(d, width)
    if history:
        click.echo("")
        click.echo(
            "History (on the record, not things to do): visits, meetings and reviews that came late, and "
            "what fell due before the plan ended and never happened:"
        )
        for d in history:
            _echo_deadline(d, width)
    overdue = sum(d.status == "overdue" for d in deadlines)
    if overdue:
        click.echo(click.style(f"{overdue} overdue.", fg="red", bold=True))
    if ics:
        click.echo(f"Wrote {ics}")


def _echo_deadline(d, width: int = 30) -> None:
    from .render.filters import deadline_status_words, longdate

    word, colour = STATUS_STYLE[d.status]
    when = longdate(d.due) + (f" {d.due_time.strftime('%H:%M')}" if d.due_time else "")
    label = d.label + (f" [{d.ref}]" if d.ref else "")
    status = click.style(f"{word:<8}", fg=colour, bold=d.status == "overdue")
    click.echo(f"  {status} {when:<{width}} {label}")
    click.echo(f"  {'':<8} {'':<{width}} {deadline_status_words(d)}{d.explanation()}")
    if d.note:
        click.echo(f"  {'':<8} {'':<{width}} Note: {d.note}.")


@cli.group(context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.pass_context
def policies(ctx):
    """List the built-in policy profiles, or show one's rules.

    \b
    Examples:
      cin-docs policies
      cin-docs policies show hertfordshire
    """
    if ctx.invoked_subcommand is None:
        from .policies.profile import builtin_names, load_profile

        for name in builtin_names():
            profile = load_profile(name)
            click.echo(f"{name:<15} {profile['title']} ({len(profile['rules'])} rules)")


@policies.command("show", context_settings=CONTEXT_SETTINGS)
@click.argument("name")
def policies_show(name):
    """Print every rule of a policy profile with the sentence it comes from.

    NAME is a built-in policy (hillingdon, hertfordshire) or the path to your own profile file.

    \b
    Example:
      cin-docs policies show hillingdon
    """
    import textwrap

    from .policies.profile import load_profile

    profile = load_profile(name, Path.cwd())
    click.echo(f"{profile['title']}\nSource: {profile['document']}\n")
    for rule in profile["rules"]:
        kind = {"fact": " (a date, not a deadline)", "target": " (a target, never overdue)"}.get(rule["kind"], "")
        click.echo(click.style(f"{rule['key']}", bold=True) + f": {rule['label']}{kind}")
        froms = " else ".join(a["label"] for a in rule["from_"])
        click.echo(f"    counts from: {froms}")
        for anchor in rule["from_"]:
            for off in anchor.get("offset") or []:
                click.echo(f"    from {anchor['label']}: {describe_offset(off)}")
        for off in rule.get("offset") or []:
            click.echo(f"    offset: {describe_offset(off)}")
        if rule.get("when"):
            click.echo(f"    applies only when: {describe_conditions(rule['when'])}")
        if rule.get("unless"):
            click.echo(f"    left out when: {describe_conditions(rule['unless'])}")
        plan_end = {
            "stop": "nothing is due after the plan ends; what fell due before it and never happened is missed",
            "items": "still applies to meetings and escalations on or before the plan end",
        }
        if rule.get("plan_end") in plan_end:
            click.echo(f"    when the plan ends: {plan_end[rule['plan_end']]}")
        if rule.get("history"):
            click.echo("    keeps every window met late on the record (History)")
        click.echo(textwrap.fill(f"“{rule['source']}”", 96, initial_indent="    ", subsequent_indent="    "))
        for exc in rule.get("exceptions") or []:
            click.echo(f"    information only when: {describe_conditions(exc['when'])}")
            click.echo(textwrap.fill(f"“{exc['source']}”", 96, initial_indent="      ", subsequent_indent="      "))
        click.echo()


def describe_conditions(when: dict) -> str:
    return " and ".join(
        f"{k.replace('_', ' ')} is {str(v).lower() if isinstance(v, bool) else v}" for k, v in when.items()
    )


def describe_offset(off: dict) -> str:
    from .policies.profile import OFFSET_UNITS

    unit = next(k for k in OFFSET_UNITS if k in off)
    value = off[unit]
    if unit == "panel_date":
        text = (
            f"the last {value['weekday'].capitalize()} of the month, with the referral "
            f"{value['referral_working_days']} working days before"
        )
    elif unit == "weeks_from_field":
        text = f"the number of weeks in {value}"
    elif unit == "working_days_before":
        text = f"{value} working days before"
    elif unit == "hours_before":
        text = f"{value} hours before"
    elif unit == "working_days" and value == 0:
        text = "the same working day"
    elif unit == "birthday":
        text = f"the {value}th birthday (29 February: 1 March in other years)"
    else:
        text = f"{value} {unit.replace('_', ' ')}"
    text += f" (when {describe_conditions(off['when'])})" if off.get("when") else ""
    return text + (f"; {off['note']}" if off.get("note") else "")


def format_option(f):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["docx", "pdf", "both"]),
        default="both",
        show_default=True,
        help="Word (editable), PDF, or both.",
    )(f)


def out_option(f):
    return click.option(
        "-o",
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default="out",
        show_default=True,
        help="Folder to write the files into (created if needed).",
    )(f)


def allow_disclosure_option(f):
    return click.option(
        "--allow-disclosure",
        is_flag=True,
        help="Produce the document even if the disclosure check finds something the case file "
        "withholds from a person it goes to (the document then carries a warning line).",
    )(f)


def templates_option(f):
    return click.option(
        "--templates",
        "templates",
        type=click.Path(path_type=Path),
        help="Your authority's own templates folder (see 'cin-docs templates'); overrides "
        "'templates:' in the configuration file.",
    )(f)


PDF_VARIANT_CHOICES = ("ua1+a3a", "pdf/a-2b", "plain")  # cin_docs.render.pdf.PDF_VARIANTS (not imported: startup)


def pdf_variant_option(f):
    return click.option(
        "--pdf-variant",
        "pdf_variant",
        type=click.Choice(PDF_VARIANT_CHOICES),
        default="ua1+a3a",
        metavar="VARIANT",
        show_default=True,
        help="ua1+a3a: accessible (PDF/UA-1) and archival (PDF/A-3a) at once; pdf/a-2b: for a "
        "records system that insists on PDF/A-2b; plain: no archival standard.",
    )(f)


def use_templates(ctx, templates: Path | None) -> None:
    """--templates for this command: checked, then kept in the configuration every case is loaded with."""
    if templates is not None:
        from .config import templates_folder

        _config(ctx)["templates"] = templates_folder(templates, "--templates")


def formats_of(fmt: str) -> tuple[str, ...]:
    return ("docx", "pdf") if fmt == "both" else (fmt,)


_KINDS = __import__("cin_docs.documents", fromlist=["KINDS"]).KINDS
# The summaries start in one column, however long the longest kind's name ("transfer-letter", "closing-summary").
DOCUMENT_HELP = "\n".join(f"  {key:<{max(map(len, _KINDS)) + 2}} {kind.summary}" for key, kind in _KINDS.items())


@cli.command(
    context_settings=CONTEXT_SETTINGS,
    help=f"""Produce a document for a case (or for several) as Word and/or PDF.

\b
KIND is one of:
{DOCUMENT_HELP}

Files are named <case ID>_<kind>[_<meeting date>][_<recipient>] (never a name or a role: letters are
numbered family-1, family-2, professional-1, ..., child) and can be read only by you. Nothing is written if
anything goes wrong (for several cases: if anything goes wrong with any of them).

With several case files, --jobs N renders them N at a time (one process each; default 1).

Before anything is written, the disclosure check stops a document that would give someone what the case file
withholds from them (do_not_send, address_withheld_from, withhold_from, professionals_only): the message names
the item and the person. Make a redacted copy for them with --copy, or override with --allow-disclosure.

\b
Examples:
  cin-docs render invitation samples/hillingdon-mid-plan.yaml
  cin-docs render plan samples/hertfordshire-panel.yaml --format pdf -o letters/
  cin-docs render review-record samples/transfer-out.yaml --copy family
  cin-docs render case-summary cases/*.yaml --jobs 2 -o summaries/
""",
)
@click.argument(
    "kind", type=click.Choice(list(__import__("cin_docs.documents", fromlist=["KINDS"]).KINDS)), metavar="KIND"
)
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CASE...")
@click.option(
    "--meeting",
    help="Which meeting: its number in the case file (0, 1, ...) or its date (YYYY-MM-DD). "
    "Default: the next planned meeting (invitations) or the latest held one (records).",
)
@click.option(
    "--recipient",
    help="Only the letter for this invitee: any name the case file uses for them "
    "(full name, first name, preferred name or salutation; any capitals).",
)
@click.option("--escalation", type=click.IntRange(min=0), help="Which escalation (0, 1, ...); default the latest.")
@click.option("--allow-unsmart", is_flag=True, help="Produce the plan even if the SMART check finds errors.")
@allow_disclosure_option
@click.option(
    "--copy",
    "copy",
    type=click.Choice(["family", "professional"]),
    help="Make a redacted copy for this reader instead (plan, review-record, case-summary): everything "
    "the case file withholds from anyone in the family (or from any professional) is shown as "
    "[withheld], and a redaction log is written beside the copy.",
)
@format_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With several case files: how many to render at once (one process each; at most your number "
    "of processor cores helps).",
)
@pdf_variant_option
@out_option
@templates_option
@as_of_option
@click.pass_context
def render(
    ctx,
    kind,
    cases,
    meeting,
    recipient,
    escalation,
    allow_unsmart,
    allow_disclosure,
    copy,
    fmt,
    jobs,
    pdf_variant,
    out_dir,
    templates,
    as_of,
):
    from . import api
    from .documents import Options
    from .render.pdf import pdf_variant as variant_scope

    use_templates(ctx, templates)
    options = Options(
        as_of=as_of or dt.date.today(),
        meeting=meeting,
        recipient=recipient,
        allow_unsmart=allow_unsmart,
        escalation=escalation,
        allow_disclosure=allow_disclosure,
    )
    if len(cases) == 1:
        loaded = load_case(ctx, cases[0])
        with variant_scope(pdf_variant):
            result = api.render(loaded, kind, options, formats_of(fmt), out_dir, copy=copy)
        for warning in result.warnings:
            click.echo(click.style("Warning: ", fg="yellow", bold=True) + warning, err=True)
        for path in result.paths:
            click.echo(f"Wrote {path}")
        return
    from . import batch
    from .render.output import write_all

    batch.start_workers(jobs, len(cases))  # the workers' imports overlap the loading of the cases
    loaded = load_cases(ctx, cases, "nothing was rendered")
    results = batch.render_many(
        loaded, kind, options, formats_of(fmt), out_dir, jobs=jobs, variant=pdf_variant, copy=copy
    )
    for result in results:
        for warning in result.warnings:
            click.echo(click.style("Warning: ", fg="yellow", bold=True) + f"{result.case_id}: {warning}", err=True)
    for path in write_all([file for result in results for file in result.files]):
        click.echo(f"Wrote {path}")


@cli.group(context_settings=CONTEXT_SETTINGS)
def pack():
    """Build bundles: a panel pack for business support, a transfer-out pack for transfer teams.

    \b
    Examples:
      cin-docs pack panel samples/hertfordshire-panel.yaml --panel-date 2026-12-31 -o panel/
      cin-docs pack transfer samples/transfer-out.yaml -o transfer/
    """


# Commands of the pack group and `check` are added below by their modules' authors.


@pack.command("transfer", context_settings=CONTEXT_SETTINGS)
@case_argument
@click.option(
    "--attach",
    "attach",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A PDF or Word (.docx) file to add to the pack; repeat for more. PDFs are merged in as given, "
    "Word files go in the zip only. A file whose name contains 'assessment' counts as the social "
    "work assessment on the checklist.",
)
@click.option(
    "--password",
    prompt="Password for the pack",
    hide_input=True,
    confirmation_prompt=True,
    prompt_required=False,
    envvar="CIN_DOCS_PDF_PASSWORD",
    show_envvar=True,
    help="Protect the pack with a password: the merged PDF and the zip are both encrypted (AES-256). "
    "Give --password on its own to be asked for it (nothing is shown as you type), or set "
    "CIN_DOCS_PDF_PASSWORD, or use --password-file: a password written after --password can be seen "
    "by other users of the computer and stays in your shell history.",
)
@click.option(
    "--password-file",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Read the password from the first line of this file ('-' for standard input, /dev/fd/N for an "
    "open file descriptor). Keep the file readable by you only.",
)
@allow_disclosure_option
@pdf_variant_option
@out_option
@templates_option
@as_of_option
@click.pass_context
def pack_transfer(ctx, case, attach, password, password_file, allow_disclosure, pdf_variant, out_dir, templates, as_of):
    """Build the transfer-out pack for a child moving to another local authority.

    Makes the notification letter to the receiving authority (with the date by which it should hold its first
    Child in Need meeting), the transfer checklist, a case summary, the current CIN plan and the record of the
    latest review, and adds the files you attach. Writes <case ID>_transfer-pack.pdf (everything merged, with an
    index page and a bookmark per document) and <case ID>_transfer-pack.zip (each document as PDF and Word, the
    attachments, and manifest.json with each file's size and SHA-256). Nothing is written if anything goes wrong.

    The merged PDF is tagged for screen readers and archival (PDF/UA-1 and PDF/A-3a) like every document, but PDFs
    you attach go in as given, untagged (the index says so), and a merged PDF holding them or protected by a
    password is marked as neither.

    With a password (--password, CIN_DOCS_PDF_PASSWORD or --password-file) the merged PDF and the zip are both
    encrypted with AES-256; open the zip with 7-Zip or WinZip (the zip support built into Windows and macOS may
    not open it). Send the password separately (by phone, never in the same e-mail as the pack).

    \b
    Example:
      cin-docs pack transfer samples/transfer-out.yaml --attach assessment.pdf -o transfer/
    """
    from .errors import UsageError
    from .packs import transfer as transfer_pack

    explicit = ctx.get_parameter_source("password") not in (None, click.core.ParameterSource.ENVIRONMENT)
    if password_file is not None:
        if password is not None and explicit:
            raise UsageError("Give the PDF password with --password or --password-file, not both.")
        password, warning = transfer_pack.read_password_file(password_file)
        if warning:
            click.echo(click.style("Warning: ", fg="yellow", bold=True) + warning, err=True)
    if password is not None:
        transfer_pack.check_password(password)
    use_templates(ctx, templates)
    loaded = load_case(ctx, case)
    from .render.pdf import pdf_variant as variant_scope

    with variant_scope(pdf_variant):
        built = transfer_pack.build_pack(
            loaded, as_of or dt.date.today(), list(attach), password, allow_disclosure=allow_disclosure
        )
    for warning in built.warnings:
        click.echo(click.style("Warning: ", fg="yellow", bold=True) + warning, err=True)
    for path in built.write(out_dir):
        click.echo(f"Wrote {path}")


@pack.command("panel", context_settings=CONTEXT_SETTINGS)
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--panel-date",
    "panel_date",
    type=IsoDate(),
    required=True,
    help="The date the panel sits (YYYY-MM-DD); the agenda, referral deadline and file names use it.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Build the pack even if it is over-booked, a referral was late or the policies differ "
    "(the problems are printed as warnings and listed in the pack).",
)
@allow_disclosure_option
@pdf_variant_option
@out_option
@templates_option
@as_of_option
@click.pass_context
def pack_panel(ctx, cases, panel_date, force, allow_disclosure, pdf_variant, out_dir, templates, as_of):
    """Build the pack for one CIN panel sitting from several case files.

    Writes panel-pack_<date>.pdf (front page, agenda with slots and times, then every case's summary report,
    with a bookmark per case and continuous page numbers), panel-agenda_<date>.docx, and
    <case ID>_panel-summary.docx for each case. Refuses, listing the problems, when there are more cases than
    the panel has slots, a case was referred after the referral deadline, or the cases are under different
    policies; --force builds it anyway. Nothing is written if anything goes wrong.

    \b
    Example:
      cin-docs pack panel samples/hertfordshire-panel.yaml --panel-date 2026-12-31 -o panel/
    """
    from .packs import panel as panel_pack

    use_templates(ctx, templates)
    loaded = load_cases(ctx, cases, "the pack was not built")
    from .render.pdf import pdf_variant as variant_scope

    with variant_scope(pdf_variant):
        built = panel_pack.build(
            loaded, panel_date, as_of or dt.date.today(), force=force, allow_disclosure=allow_disclosure
        )
    for message in built.problems + built.warnings:
        click.echo(click.style("Warning: ", fg="yellow", bold=True) + message, err=True)
    for path in panel_pack.write(built, out_dir):
        click.echo(f"Wrote {path}")


@cli.command(context_settings=CONTEXT_SETTINGS)
@case_argument
@click.option(
    "--disclosure",
    "disclosure_kinds",
    multiple=True,
    metavar="KIND",
    type=click.Choice(list(__import__("cin_docs.documents", fromlist=["KINDS"]).KINDS)),
    help="Also check what these documents would show to the people they go to (repeatable), e.g. "
    "--disclosure review-record --disclosure invitation. Nothing is written.",
)
@click.option("--meeting", help="For --disclosure: the meeting's number (0 = first in the file) or date.")
@as_of_option
@click.pass_context
def check(ctx, case, disclosure_kinds, meeting, as_of):
    """Run the SMART check on a case's Child in Need plan, and the disclosure check on documents you name.

    Every action needs a named person responsible, a due date (not "ongoing") within the plan, and a measure; every
    outcome needs at least one action. Each finding is printed with where it is in the case file, e.g.
    plan.actions[2].due (action A3, line 245).

    \b
    Exit status: 1 if there are errors, 0 if there are only warnings or none.
    Errors stop 'cin-docs render plan' unless you add --allow-unsmart;
    warnings are printed and the plan is still produced.

    With --disclosure KIND, each document of that kind the case would produce is also checked for anything the
    case file withholds from a person it is addressed or sent to (as 'cin-docs render' does before writing).

    \b
    Examples:
      cin-docs check samples/hillingdon-mid-plan.yaml
      cin-docs check samples/transfer-out.yaml --disclosure review-record --disclosure invitation
    """
    from . import api, smart

    loaded = load_case(ctx, case)
    when = as_of or dt.date.today()
    disclosure_problems = _disclosure_section(loaded, disclosure_kinds, meeting, when)
    findings = smart.check_plan(loaded.data, loaded.profile, api.due_dates(loaded, when), loaded.line_of)
    click.echo(f"SMART check of the plan for case {loaded.case_id} ({loaded.profile['label']} policy):")
    styles = {smart.ERROR: ("Error", "red"), smart.WARNING: ("Warning", "yellow")}
    for finding in findings:
        word, colour = styles[finding.level]
        click.echo(f"  {click.style(f'{word}:', fg=colour, bold=True)} {finding.location}: {finding.message}")
    if smart.errors(findings):
        no_plan = any(f.path == "plan" for f in findings)
        click.echo(
            smart.summary(findings)
            + (
                ""
                if no_plan
                else " Correct the errors before producing the plan, or "
                "produce it as it is with 'cin-docs render plan --allow-unsmart'."
            )
        )
        ctx.exit(1)
    click.echo(smart.summary(findings) if findings else "No problems found: the plan is SMART.")
    if disclosure_problems:
        ctx.exit(1)


def _disclosure_section(loaded, kinds, meeting, as_of) -> int:
    """Print the disclosure check of each named document kind; the number of problems found."""
    from . import api
    from .documents import KINDS, Options

    problems = 0
    for kind in kinds:
        report, reason = api.disclosure_report(loaded, kind, Options(as_of=as_of, meeting=meeting))
        click.echo(f"Disclosure check of the {KINDS[kind].title.lower()} for case {loaded.case_id}:")
        if reason:
            click.echo(f"  Not checked: {reason}")
            continue
        for name, findings in report:
            if not findings:
                click.echo(f"  {click.style('OK', fg='green')}     {name}")
            for finding in findings:
                problems += 1
                click.echo(f"  {click.style('Error:', fg='red', bold=True)} {name}: {finding.path}: {finding.message}")
    if kinds:
        click.echo(
            f"{problems} disclosure problem{'s' if problems != 1 else ''} found."
            if problems
            else "No disclosure problems found."
        )
    return problems


@cli.group("templates", context_settings=CONTEXT_SETTINGS)
def templates_group():
    """Your authority's own letterhead and wording: templates you change in Word.

    Export the built-in templates into a folder, change them (Word for docx/, a text editor for html/), check
    them, then name the folder with 'templates:' in your configuration file or --templates on render and pack.
    A document without a template in the folder uses the built-in one.

    \b
    Examples:
      cin-docs templates export invitation -o my-templates
      cin-docs templates check my-templates
      cin-docs render invitation samples/hillingdon-mid-plan.yaml --templates my-templates
    """


@templates_group.command("export", context_settings=CONTEXT_SETTINGS)
@click.argument(
    "kinds",
    nargs=-1,
    metavar="[KIND]...",
    type=click.Choice(list(__import__("cin_docs.documents", fromlist=["KINDS"]).KINDS)),
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the templates into (created if needed).",
)
@click.option("--force", is_flag=True, help="Replace files of the same name already in the folder.")
def templates_export(kinds, out_dir, force):
    """Write the built-in templates into a folder as a starting point for your own.

    Writes docx/KIND.docx (Word) and html/KIND.html (PDF) for each KIND (default: every document), an empty
    html/print.css for your style additions, and README.md listing every placeholder each document can use, with
    what it means, e.g. {{ child.known_as }}: the name the child is known by.

    \b
    Example:
      cin-docs templates export invitation -o my-templates
    """
    from .documents import KINDS
    from .render.export import export

    for path in export(list(kinds) or list(KINDS), out_dir, force=force):
        click.echo(f"Wrote {path}")
    click.echo(f"Next: change the templates, then run 'cin-docs templates check {out_dir}'.")


@templates_group.command("check", context_settings=CONTEXT_SETTINGS)
@click.argument("folder", type=click.Path(path_type=Path))
def templates_check(folder):
    """Check your templates folder before using it.

    Fills every template in with each sample case it applies to, and lists, per template, placeholders cin-docs
    does not know (with a suggestion), placeholders Word has split, missing {% endif %} and other syntax errors
    (with their line or paragraph), unknown filters, and pictures or addresses that cannot be used.
    Exit status: 1 if anything needs correcting, 0 if the folder is ready to use.

    \b
    Example:
      cin-docs templates check my-templates
    """
    from .config import templates_folder
    from .render.overrides import check_folder

    resolved = templates_folder(folder, "the command line")
    checked, problems = check_folder(resolved)
    if not checked and not problems:
        click.echo(
            f"{folder} has no templates to check: put Word templates in {folder}/docx and PDF templates in "
            f"{folder}/html (see 'cin-docs templates export').",
            err=True,
        )
        ctx = click.get_current_context()
        ctx.exit(1)
    click.echo(f"Checking the templates in {folder}:")
    by_file: dict[str, list] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    for name in checked + [f for f in by_file if f not in checked]:
        found = by_file.get(name, [])
        if not found:
            click.echo(f"  {click.style('OK', fg='green')}       {name}")
            continue
        click.echo(f"  {click.style('Problem', fg='red', bold=True)}  {name}: {len(found)} to correct")
        for problem in found:
            click.echo(f"           - {problem.message}")
    if problems:
        click.echo(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found: correct "
            f"{'them' if len(problems) != 1 else 'it'}, save, and run this check again. Until then cin-docs "
            "refuses to use these templates."
        )
        click.get_current_context().exit(1)
    click.echo("No problems found: the folder is ready to use (templates: in the configuration file, or --templates).")


# ---- many cases at once: team managers and business support ------------------------------------------------
CASELOAD_FORMATS = ("table", "csv", "xlsx", "json", "html", "pdf")


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@as_of_option
@click.option(
    "--by",
    type=click.Choice(["worker", "team", "rule"]),
    default="worker",
    show_default=True,
    help="Group the lists by social worker, team or deadline.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CASELOAD_FORMATS),
    default="table",
    show_default=True,
    help="table (on screen), csv or xlsx (spreadsheets), json (other systems), html or pdf (to print).",
)
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file (needed for xlsx and pdf; otherwise it is printed).",
)
@click.option(
    "--ics-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write one calendar (.ics) per social worker with their open and overdue deadlines, for "
    "Outlook, into this folder.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    hidden=True,
    help="Processes to read cases with (default: one per core for large folders).",
)
@click.pass_context
def caseload(ctx, paths, as_of, by, fmt, out_file, ics_dir, jobs):
    """The work list for many cases at once: what is overdue, what is due in the next 14 days, and what lapsed in
    the last 3 months, grouped by social worker (or team, or deadline), with counts per group at the top.

    PATHS are case files or folders; folders are searched (with their subfolders) for .yaml, .yml and .json files.
    A case file that cannot be read is listed at the end with the same message 'cin-docs validate' gives; the rest
    of the report is still written, and the exit status is 1.

    \b
    Examples:
      cin-docs caseload cases/ --as-of 2026-11-23
      cin-docs caseload cases/ --by team --format xlsx -o caseload.xlsx
      cin-docs caseload cases/ --format pdf -o caseload.pdf --ics-dir calendars/
    """
    from . import caseload as caseload_mod
    from .caseload import outputs
    from .errors import UsageError
    from .render.output import atomic_write

    if fmt in ("xlsx", "pdf") and out_file is None:
        raise UsageError(f"A {fmt} report is a file: say where to write it with -o, e.g. -o caseload.{fmt}.")
    report = caseload_mod.caseload(
        paths, as_of or dt.date.today(), by, _config(ctx), jobs=jobs, calendars=ics_dir is not None
    )
    if fmt == "table":
        data = outputs.to_table(report, click.style if out_file is None else (lambda t, **kw: t)).encode("utf-8")
    else:
        data = {
            "csv": outputs.to_csv,
            "xlsx": outputs.to_xlsx,
            "json": outputs.to_json,
            "html": outputs.to_html,
            "pdf": outputs.to_pdf,
        }[fmt](report)
    if out_file is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        atomic_write(out_file, data)
        click.echo(f"Wrote {out_file} ({report.cases} cases)")
    if ics_dir is not None:
        written = outputs.write_files(outputs.worker_calendars(report), ics_dir)
        click.echo(f"Wrote {len(written)} calendar{'s' if len(written) != 1 else ''} to {ics_dir}", err=True)
    if report.errors:
        click.echo(
            f"{len(report.errors)} of {report.cases + len(report.errors)} case files could not be read; "
            "they are listed in the report.",
            err=True,
        )
        ctx.exit(1)


@cli.command("panel-candidates", context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--panel-date", "panel_date", type=IsoDate(), required=True, help="The date the panel sits (YYYY-MM-DD).")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@click.pass_context
def panel_candidates(ctx, paths, panel_date, as_of, as_json):
    """List the cases that reach their policy's panel point by the panel date.

    The panel point is the policy's: Hillingdon identifies a case for the CIN panel 8 months after the plan
    started, Hertfordshire refers a case that has been open for 12 months. Each line gives the referral deadline
    where the policy sets one. The last line is the 'cin-docs pack panel' command for these cases.

    \b
    Example:
      cin-docs panel-candidates cases/ --panel-date 2026-12-31
    """
    from .caseload import panel

    found = panel.candidates(paths, panel_date, as_of or dt.date.today(), _config(ctx))
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(panel.to_text(found))
    if found.errors:
        ctx.exit(1)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--year", required=True, metavar="YYYY-YY", help="The collection year, e.g. 2026-27.")
@click.option("--la", required=True, metavar="NNN", help="Your local authority's three-digit DfE code, e.g. 312.")
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The XML file to write, e.g. cin.xml.",
)
@click.pass_context
def census(ctx, paths, year, la, out_file):
    """Build the DfE Children in Need census return (XML) from case files.

    One <Child> per case whose episode falls in the collection year (1 April to 31 March); cases referred after
    it or closed before it are left out. The fields the census needs live in each case file's 'census:' section.
    Anything missing or out of order is listed (naming the case and the field) and nothing is written.

    \b
    Example:
      cin-docs census cases/ --year 2026-27 --la 312 -o cin.xml
    """
    from . import api
    from .caseload import load_cases
    from .census.export import census_year
    from .errors import RenderError
    from .render.output import atomic_write

    census_year(year)  # a wrong year is a usage error before any file is read
    cases, errors = load_cases(paths, _config(ctx), data_only=True)
    if errors:
        raise RenderError(
            f"{len(errors)} of {len(cases) + len(errors)} case files cannot be read, so the census "
            "return was not written:\n" + "\n".join(e["error"] for e in errors)
        )
    built = api.census_return(cases, year, la)
    atomic_write(out_file, built.xml)
    click.echo(f"Wrote {out_file}: {len(built.included)} child{'ren' if len(built.included) != 1 else ''} for {year}.")
    if built.left_out:
        click.echo(f"Left out (outside {year}): {', '.join(built.left_out)}")


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl+C, so files half made are removed (render.output.write_all)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise Stopped(signum)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--port", type=click.IntRange(1, 65535), default=8470, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep the default: anything else lets other computers reach the case files.",
)
@as_of_option
@click.pass_context
def serve(ctx, folder, port, host, as_of):
    """Open the case files of a folder in your web browser: caseload, deadlines, paperwork, and forms to edit them.

    The first line printed is the link to open (it carries a one-off key: keep it to yourself). Only this computer
    can reach the app unless you give --host. Stop it with Ctrl+C.

    \b
    Example:
      cin-docs serve samples/
    """
    from .web import serve as run

    run(folder, port=port, host=host, config=_config(ctx), as_of=as_of)


def main(argv=None):
    """Entry point; `argv` lets tests call it directly."""
    import signal

    from .render import output

    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show "–" or "é" (PYTHONIOENCODING=latin-1, an old Windows code page) gets "?".
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    stops = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    saved = {signum: signal.signal(signum, _stop) for signum in stops}
    start = output.mark()
    try:
        return cli.main(args=argv, prog_name="cin-docs")
    except Stopped as exc:
        written = output.written_since(start)
        done = (
            f"These files had been written and are complete: {', '.join(map(str, written))}."
            if written
            else "Nothing was written."
        )
        click.echo(f"Stopped by signal {exc.signum}. {done}", err=True)
        return 128 + exc.signum
    except BrokenPipeError:  # output piped into `head` and closed: not an error worth a message
        sys.stderr.close()
        return 0
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

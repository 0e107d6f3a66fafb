"""The CLI's shared behaviour: help for every command, exit codes, --debug, JSON and iCalendar output, lazy imports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from icalendar import Calendar

from cin_docs import api
from cin_docs.cli import cli

CONTRACT_KEYS = {"rule", "label", "due", "due_time", "ref", "from", "from_date", "basis", "moved", "status", "source"}

HERTS_CASE = """\
case_id: CLI-7
policy: hertfordshire
child:
  first_name: Zainab
  last_name: Okonkwo-Hartley
  date_of_birth: 2016-04-02
plan:
  start: 2025-11-16
professionals:
  - {name: Dr Asha Rao, role: GP, agency: Riverside Surgery, agency_type: health}
meetings:
  - type: initial
    date: 2025-11-16
  - type: review
    date: 2026-12-03
    time: 10:00
visits:
  - date: 2026-10-01
escalations:
  - disagreement: 2026-11-18
    stages:
      - {stage: 1, started: 2026-11-19, resolved: 2026-11-23}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def herts_case(tmp_path) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(HERTS_CASE, encoding="utf-8")
    return path


def _command_paths(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from _command_paths(command, prefix + (name,))


COMMANDS = [()] + list(_command_paths(cli))


def test_every_command_is_listed_with_a_description_in_its_groups_help(runner):
    """What a user sees: each group's --help names each of its commands (the same tree the help test below
    walks) with a one-line description; and the commands the README's tour starts with are there."""

    def command_at(path: tuple) -> click.Command:
        command = cli
        for name in path:
            command = command.get_command(click.Context(command), name)
        return command

    groups = [path for path in COMMANDS if isinstance(command_at(path), click.Group)]
    assert {(), ("pack",), ("policies",)} <= set(groups)
    for group in groups:
        result = runner.invoke(cli, [*group, "--help"], prog_name="cin-docs")
        assert result.exit_code == 0, result.output
        listed = {}
        for line in result.output.split("Commands:\n", 1)[1].splitlines():
            name, _, description = line.strip().partition(" ")
            if name:
                listed[name] = description.strip()
        expected = {path[-1] for path in COMMANDS if len(path) == len(group) + 1 and path[:-1] == group}
        assert set(listed) == expected, group
        assert all(listed.values()), f"commands without a description: {[n for n, d in listed.items() if not d]}"
    assert {("validate",), ("due-dates",), ("render",), ("policies",), ("policies", "show")} <= set(COMMANDS)


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cin-docs")
def test_help_for_every_command(runner, path, flag):
    result = runner.invoke(cli, [*path, flag], prog_name="cin-docs")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cin-docs {' '.join(path)}".rstrip())
    assert "Example" in result.output or "Start with" in result.output  # house style: help ends with an example


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("cin-docs, version ")


# ---- validate ------------------------------------------------------------------------------------------------


def test_validate_ok_line_and_exit_0(runner, herts_case):
    result = runner.invoke(cli, ["validate", str(herts_case)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"OK: {herts_case} (case CLI-7, Hertfordshire policy)\n"
    assert result.stderr == ""


def test_hillingdon_case_with_escalations_is_an_error_on_the_command_line(runner, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(HERTS_CASE.replace("policy: hertfordshire", "policy: hillingdon"), encoding="utf-8")
    result = runner.invoke(cli, ["due-dates", str(path)])
    assert result.exit_code == 1
    assert "escalations: The hillingdon policy has no escalation protocol" in result.stderr
    assert "extends: hertfordshire" in result.stderr


# ---- --debug and unexpected errors -----------------------------------------------------------------------------


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_unexpected_error_is_one_line_without_debug(runner, herts_case, monkeypatch):
    monkeypatch.setattr(api, "load", _boom)
    result = runner.invoke(cli, ["due-dates", str(herts_case)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cin-docs hit an unexpected problem (RuntimeError).")
    assert "--debug" in result.stderr
    assert "Traceback" not in result.output and "boom" not in result.output


def test_debug_lets_the_exception_through(runner, herts_case, monkeypatch):
    monkeypatch.setattr(api, "load", _boom)
    result = runner.invoke(cli, ["--debug", "due-dates", str(herts_case)])
    assert isinstance(result.exception, RuntimeError)
    assert result.exc_info[2] is not None


def test_debug_prints_a_traceback(herts_case):
    script = textwrap.dedent(f"""
        import sys
        import cin_docs.api
        def boom(*a, **k):
            raise RuntimeError("boom")
        cin_docs.api.load = boom
        from cin_docs.cli import main
        sys.exit(main({["--debug", "validate", str(herts_case)]!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "RuntimeError: boom" in done.stderr


def test_debug_shows_the_traceback_of_a_cin_docs_error_too(runner, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("case_id: [\n", encoding="utf-8")
    result = runner.invoke(cli, ["--debug", "due-dates", str(path)])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "InputFileError"


# ---- due-dates ---------------------------------------------------------------------------------------------------


def test_due_dates_json_has_exactly_the_contract_keys(runner, herts_case):
    result = runner.invoke(cli, ["due-dates", str(herts_case), "--json", "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"policy", "as_of", "deadlines"}
    assert (out["policy"], out["as_of"]) == ("hertfordshire", "2026-11-24")
    assert out["deadlines"]
    for d in out["deadlines"]:
        assert set(d) == CONTRACT_KEYS
        assert d["status"] in {"met", "late", "open", "overdue", "info"}
    dues = [(d["due"], d["due_time"] or "") for d in out["deadlines"]]
    assert dues == sorted(dues)
    rules = {d["rule"] for d in out["deadlines"]}
    assert {"panel_date", "panel_referral", "health_report", "escalation_confirm", "child_turns_18"} <= rules
    assert "Zainab" not in result.stdout


def test_due_dates_table(runner, herts_case):
    result = runner.invoke(cli, ["due-dates", str(herts_case), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Deadlines for case CLI-7 under the Hertfordshire policy, as of Tuesday 24 November 2026:"
    assert any("OVERDUE" in line and "Next visit to the child" in line for line in lines)
    assert lines[-1].endswith("overdue.")


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", "20/11/2026"])
def test_bad_as_of_is_a_usage_error(runner, herts_case, bad):
    result = runner.invoke(cli, ["due-dates", str(herts_case), "--as-of", bad])
    assert result.exit_code == 2
    assert f"Invalid value for '--as-of': '{bad}' is not a date: write it as YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.output


def test_ics_has_only_open_and_overdue_items_and_no_name(runner, herts_case, tmp_path):
    ics = tmp_path / "out" / "deadlines.ics"
    result = runner.invoke(cli, ["due-dates", str(herts_case), "--as-of", "2026-11-24", "--json", "--ics", str(ics)])
    assert result.exit_code == 0, result.output
    deadlines = json.loads(result.stdout)["deadlines"]
    assert {d["status"] for d in deadlines} >= {"open", "overdue", "met", "info"}  # the case has every kind
    wanted = [d for d in deadlines if d["status"] in ("open", "overdue")]

    data = ics.read_bytes()
    assert stat.S_IMODE(os.stat(ics).st_mode) == 0o600
    for secret in (b"Zainab", b"Okonkwo", b"Hartley"):
        assert secret not in data
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == len(wanted)
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == sorted(
        f"CLI-7: {d['label']}" + (" (OVERDUE)" if d["status"] == "overdue" else "") for d in wanted
    )
    starts = sorted(e.decoded("DTSTART").isoformat()[:10] for e in events)
    assert starts == sorted(d["due"] for d in wanted)
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_event_with_a_time(runner, herts_case, tmp_path):
    ics = tmp_path / "deadlines.ics"
    assert runner.invoke(cli, ["due-dates", str(herts_case), "--as-of", "2026-11-24", "--ics", str(ics)]).exit_code == 0
    (health,) = [e for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT") if "health" in str(e["SUMMARY"])]
    start = health.decoded("DTSTART")
    assert start.isoformat() == "2026-12-01T10:00:00+00:00" and str(start.tzinfo) == "Europe/London"
    assert b"TZID:Europe/London" in ics.read_bytes()  # the VTIMEZONE Outlook needs
    (alarm,) = health.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=1)
    assert health["UID"] == "CLI-7-health_report-meetings-1@cin-docs"  # stable per (case, rule, item)


# ---- startup ---------------------------------------------------------------------------------------------------


def test_validate_and_due_dates_do_not_import_the_renderers(herts_case):
    commands = [["validate", str(herts_case)], ["due-dates", str(herts_case), "--json", "--as-of", "2026-11-24"]]
    script = textwrap.dedent(f"""
        import sys
        from cin_docs.cli import cli
        for args in {commands!r}:
            try:
                cli.main(args=args, prog_name="cin-docs")
            except SystemExit as exc:
                assert exc.code in (0, None), exc.code
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("weasyprint", "docxtpl"))
        sys.stderr.write(repr(heavy))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"rule": "panel_date"' in done.stdout  # both commands really ran
    assert done.stderr.strip() == "[]"


# ---- closures from the user's configuration; policies ------------------------------------------------------------


def test_config_closures_count_as_non_working_days(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("CIN_DOCS_CONFIG", raising=False)
    case = tmp_path / "case.yaml"
    case.write_text(
        "case_id: CFG-1\npolicy: hillingdon\nchild: {first_name: Test, last_name: Child}\n"
        "assessment: {plan_decision: 2026-11-02}\n",
        encoding="utf-8",
    )
    config = tmp_path / "config.yaml"
    config.write_text("closures: [2026-11-09, 2026-11-10]\n", encoding="utf-8")

    def initial_due(*options):
        result = runner.invoke(cli, [*options, "due-dates", str(case), "--json", "--as-of", "2026-11-03"])
        assert result.exit_code == 0, result.output
        (initial,) = [d for d in json.loads(result.stdout)["deadlines"] if d["rule"] == "initial_meeting"]
        return initial["due"]

    assert initial_due() == "2026-11-16"
    assert initial_due("--config", str(config)) == "2026-11-18"
    monkeypatch.setenv("CIN_DOCS_CONFIG", str(config))
    assert initial_due() == "2026-11-18"


def test_policies_lists_and_shows(runner):
    listed = runner.invoke(cli, ["policies"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["hertfordshire", "hillingdon"]
    shown = runner.invoke(cli, ["policies", "show", "hillingdon"])
    assert shown.exit_code == 0
    assert "initial_meeting" in shown.stdout and "within 10 working days of a decision" in shown.stdout


def test_policies_show_unknown_is_an_error(runner):
    result = runner.invoke(cli, ["policies", "show", "camden"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Unknown policy 'camden'.")


def test_ics_uid_is_stable_when_a_deadline_moves_and_events_remind(runner, herts_case, tmp_path):
    case = api.load(herts_case, {"closures": []})
    deadlines = [d for d in api.due_dates(case, dt.date(2026, 11, 24)) if d.status in ("open", "overdue")]
    first = Calendar.from_ical(api.deadlines_ics(case, deadlines))
    moved = [dataclasses.replace(d, due=d.due + dt.timedelta(days=7)) for d in deadlines]
    second = Calendar.from_ical(api.deadlines_ics(case, moved))
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in second.walk("VEVENT")]
    assert all(d.due.isoformat() not in uid for d, uid in zip(deadlines, uids))
    for event in first.walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER") < dt.timedelta(0)


def test_ics_timed_events_are_in_london_time(runner, herts_case, tmp_path):
    ics = tmp_path / "deadlines.ics"
    assert runner.invoke(cli, ["due-dates", str(herts_case), "--as-of", "2026-11-24", "--ics", str(ics)]).exit_code == 0
    data = ics.read_bytes()
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Europe/London" in data
    (health,) = [e for e in Calendar.from_ical(data).walk("VEVENT") if "health" in str(e["SUMMARY"])]
    assert b"DTSTART;TZID=Europe/London:20261201T100000" in data
    assert str(health.decoded("DTSTART").tzinfo) == "Europe/London"


def test_render_help_lists_every_kind_with_its_summary_in_one_column(runner):
    from cin_docs.documents import KINDS

    lines = runner.invoke(cli, ["render", "--help"], terminal_width=200).output.splitlines()
    columns = set()
    for key, kind in KINDS.items():
        (line,) = [ln for ln in lines if ln.strip().startswith(key + " ") and kind.summary[:20] in ln]
        columns.add(line.index(kind.summary[:20]))
    assert len(columns) == 1


def test_due_dates_labels_line_up_after_the_longest_date(runner):
    # m13: "Thursday 31 December 2026 10:00" (the panel) is longer than the old 30-character column.
    sample = Path(__file__).resolve().parents[1] / "samples" / "hertfordshire-panel.yaml"
    result = runner.invoke(cli, ["due-dates", str(sample), "--as-of", "2026-11-23"], terminal_width=200)
    assert "Thursday 31 December 2026 10:00" in result.output
    assert result.exit_code == 0
    rows = [ln for ln in result.output.splitlines() if re.match(r"  (met|late|open|overdue|date|missed|passed)\s", ln)]
    starts = {re.search(r"20\d\d( \d\d:\d\d)?\s+(?=\S)", ln).end() for ln in rows}
    assert len(starts) == 1, rows

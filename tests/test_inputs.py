"""Reading case files: every kind of bad input is one plain `Error:` paragraph, never a traceback or a child's data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from factories import write

from cin_docs.cli import cli
from cin_docs.errors import InputFileError
from cin_docs.inputs import MAX_BYTES, load_file

GOOD_CASE = """\
case_id: IN-1
policy: hillingdon
child:
  first_name: Test
  last_name: Child
  date_of_birth: 2016-04-02
assessment:
  plan_decision: 2026-11-02
meetings:
  - type: initial
    date: 2026-11-16
"""

# A distinctive name, so finding it in output can only mean the program echoed it.
NAME = "Zainab Okonkwo-Hartley"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def assert_one_error(result, exit_code: int = 1) -> str:
    """The command failed with a plain `Error: ...` message: no traceback, no blank-line-separated essays."""
    assert result.exit_code == exit_code, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exc_info
    text = result.stderr.strip()
    assert text.startswith("Error: "), text
    assert "Traceback" not in result.output
    assert "\n\n" not in text
    assert text.count("Error: ") == 1
    return text


# ---- validate: every problem at once, by path and line, without the values --------------------------------------


def test_validate_lists_every_problem_with_path_and_line(runner, tmp_path):
    path = write(
        tmp_path / "case.yaml",
        f"""\
case_id: IN-2
policy: hillingdon
child:
  first_name: {NAME.split()[0]}
  last_name: {NAME.split()[1]}
  date_of_birth: 2026-02-30
  disabled: {NAME}
plan:
  visit_interval_weeks: {NAME}
  actions:
    - action: Attend school every day
      due: {NAME}
meetings:
  - type: {NAME}
    date: 2026-11-16
  - type: review
    date: "{NAME}"
    time: {NAME}
  - type: cin
    date: 2026-11-20
    time: "11:00"
    end_time: "10:00"
professionals:
  - name: Dr Rao
    role: GP
    agency: Surgery
    email: {NAME}
support: {NAME}
""",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    text = assert_one_error(result)
    expected = [
        ("child.date_of_birth", 6, "Not a valid date"),
        ("child.disabled", 7, "Not a valid boolean"),
        ("plan.visit_interval_weeks", 9, "Not a valid integer"),
        ("plan.actions[0].due", 12, "Not a valid due date"),
        ("meetings[0].type", 14, "Must be one of"),
        ("meetings[1].date", 17, "Not a valid date"),
        ("meetings[1].time", 18, "Not a valid time"),
        ("meetings[2].end_time", 22, "The meeting must end after it starts"),
        ("professionals[0].email", 27, "Not a valid e-mail address"),
        ("support", 28, "Must be one of"),
    ]
    assert f"{len(expected)} problems found" in text
    for field, line, message in expected:
        assert any(f"- {field} (line {line}): {message}" in row for row in text.splitlines()), (field, text)
    # The child's name was in ten wrong places; the messages describe the rules, never the values.
    for part in NAME.split() + NAME.split("-"):
        assert part not in result.output


def test_unknown_person_in_a_meeting_is_named_by_path_not_by_value(runner, tmp_path):
    path = write(tmp_path / "case.yaml", GOOD_CASE + f"    invitees: [Test, {NAME}]\n")
    result = runner.invoke(cli, ["validate", str(path)])
    text = assert_one_error(result)
    assert "meetings[0].invitees[1] (line 12): Not a person in this case file" in text
    assert NAME not in result.output


def test_json_case_errors_have_paths_but_no_lines(runner, tmp_path):
    data = yaml.safe_load(GOOD_CASE)
    data["child"]["date_of_birth"] = "2016-02-30"
    data["plan"] = {"visit_interval_weeks": NAME}
    path = write(tmp_path / "case.json", json.dumps(data, default=str))
    text = assert_one_error(runner.invoke(cli, ["validate", str(path)]))
    assert "- child.date_of_birth: Not a valid date" in text
    assert "- plan.visit_interval_weeks: Not a valid integer" in text
    assert NAME not in text


def test_validate_good_and_bad_files_together(runner, tmp_path):
    good = write(tmp_path / "good.yaml", GOOD_CASE)
    bad = write(tmp_path / "bad.yaml", GOOD_CASE.replace("2026-11-16", "2026-11-31"))
    result = runner.invoke(cli, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"OK: {good} (case IN-1, Hillingdon policy)" in result.stdout
    assert "meetings[0].date (line 11): Not a valid date" in result.stderr
    assert "1 of 2 files have problems." in result.stderr


# ---- bad files: one paragraph each -----------------------------------------------------------------------------


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _broken_profile(tmp_path: Path) -> str:
    write(
        tmp_path / "ours.yaml",
        yaml.safe_dump(
            {
                "extends": "hillingdon",
                "name": "ours",
                "rules": [
                    {
                        "key": "initial_meeting",
                        "label": "Initial meeting",
                        "from": [{"event": "field", "field": "assessment.plan_decision", "label": "the decision"}],
                        "offset": {"working_days": 10, "months": 1},
                        "source": "Within ten working days of the decision.",
                    }
                ],
            }
        ),
    )
    return GOOD_CASE.replace("policy: hillingdon", "policy: ./ours.yaml")


BAD_INPUTS = {
    # name: (file name, content or a function of tmp_path giving it, what the message must say)
    "invalid-yaml": ("case.yaml", "case_id: [IN-1\npolicy: hillingdon\n", "is not valid YAML at line 2"),
    "invalid-json": ("case.json", '{"case_id": "IN-1",}', "is not valid JSON: Expecting property name"),
    "wrong-types": (
        "case.yaml",
        "case_id: IN-1\npolicy: hillingdon\nchild: Test Child\nmeetings: {a: 1}\n",
        "child (line 3): Invalid input type",
    ),
    "impossible-date": (
        "case.yaml",
        GOOD_CASE.replace("2016-04-02", "2026-02-30"),
        "child.date_of_birth (line 6): Not a valid date",
    ),
    "end-before-start": (
        "case.yaml",
        GOOD_CASE + '    time: "10:00"\n    end_time: "09:00"\n',
        "meetings[0].end_time (line 13): The meeting must end after it starts",
    ),
    "unknown-meeting-type": (
        "case.yaml",
        GOOD_CASE.replace("type: initial", "type: coffee_morning"),
        "meetings[0].type (line 10): Must be one of: family_network, initial",
    ),
    "misspelt-key": (
        "case.yaml",
        GOOD_CASE.replace("plan_decision", "plan_desicion"),
        "assessment.plan_desicion (line 8): Unknown field",
    ),
    "unknown-policy": (
        "case.yaml",
        GOOD_CASE.replace("policy: hillingdon", "policy: camden"),
        "Unknown policy 'camden'. Built-in policies are: hertfordshire, hillingdon",
    ),
    "missing-profile-file": (
        "case.yaml",
        GOOD_CASE.replace("policy: hillingdon", "policy: ./nowhere.yaml"),
        "nowhere.yaml was not found",
    ),
    "broken-profile": (
        "case.yaml",
        _broken_profile,
        "is broken and cannot be used: rule 'initial_meeting': offset[0]: Give exactly one of",
    ),
    "empty": ("case.yaml", "   \n\n", "is empty"),
    "only-comments": ("case.yaml", "# nothing here\n", "holds nothing"),
    "a-list": ("case.yaml", "- case_id: IN-1\n- policy: hillingdon\n", "holds a list"),
    "a-json-list": ("case.json", '[{"case_id": "IN-1"}]', "holds a list"),
    "a-scalar": ("case.yaml", "hello\n", "holds a single value"),
    "alias-bomb": ("case.yaml", _alias_bomb(), "YAML aliases (*name) are not allowed"),
    "not-utf8": ("case.yaml", "case_id: IN-1\nchild: {first_name: Ren\xe9e}\n".encode("latin-1"), "is not UTF-8"),
    "deep-json": ("case.json", "[" * 5_000, "nested too deeply"),
    "deep-yaml": ("case.yaml", "a: " + "[" * 1_000, "nested too deeply"),
    "python-tag": ("case.yaml", "case_id: !!python/object:os.system echo\n", "is not valid YAML"),
}


@pytest.fixture(params=[["validate"], ["due-dates", "--as-of", "2026-11-20"]], ids=["validate", "due-dates"])
def command(request):
    return request.param


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_one_error_paragraph(runner, tmp_path, command, name):
    file_name, content, expected = BAD_INPUTS[name]
    if callable(content):
        content = content(tmp_path)
    path = write(tmp_path / file_name, content)
    text = assert_one_error(runner.invoke(cli, [*command, str(path)]))
    assert expected in text


def test_folder_instead_of_a_file(runner, tmp_path, command):
    text = assert_one_error(runner.invoke(cli, [*command, str(tmp_path)]))
    assert f"{tmp_path} is a folder, not a case file" in text


def test_missing_file(runner, tmp_path, command):
    text = assert_one_error(runner.invoke(cli, [*command, str(tmp_path / "nope.yaml")]))
    assert "does not exist" in text


def test_huge_file_is_refused_without_reading_it(runner, tmp_path, command):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50 * 1024 * 1024)
    text = assert_one_error(runner.invoke(cli, [*command, str(path)]))
    assert "is 50 MB, larger than the 2 MB cin-docs accepts" in text


def test_the_size_limit_is_exact(tmp_path):
    # JSON, because PyYAML takes over a second to scan 2 MB.
    padding = MAX_BYTES - len('{"case_id": "IN-1", "pad": ""}')
    path = write(tmp_path / "big.json", '{"case_id": "IN-1", "pad": "' + "x" * padding + '"}')
    assert path.stat().st_size == MAX_BYTES
    assert load_file(path).data["case_id"] == "IN-1"
    write(path, '{"case_id": "IN-1", "pad": "' + "x" * (padding + 1) + '"}')
    with pytest.raises(InputFileError, match="larger than the 2 MB"):
        load_file(path)


# ---- what the loader keeps as text ---------------------------------------------------------------------------


def test_unquoted_times_and_dates_stay_text(tmp_path):
    path = write(tmp_path / "case.yaml", "a:\n  time: 10:00\n  early: 9:30\n  date: 2026-11-16\n  n: 3\n  x: 1.5\n")
    data = load_file(path).data["a"]
    assert data == {"time": "10:00", "early": "9:30", "date": "2026-11-16", "n": 3, "x": 1.5}


def test_unquoted_time_reaches_the_deadline_as_ten_oclock(runner, tmp_path):
    path = write(
        tmp_path / "case.yaml",
        """\
case_id: IN-3
policy: hertfordshire
child: {first_name: Test, last_name: Child}
professionals: [{name: Dr Test, role: GP, agency: Surgery, agency_type: health}]
meetings:
  - type: review
    date: 2026-12-03
    time: 10:00
""",
    )
    result = runner.invoke(cli, ["due-dates", str(path), "--json", "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.output
    (health,) = [d for d in json.loads(result.stdout)["deadlines"] if d["rule"] == "health_report"]
    assert (health["due"], health["due_time"]) == ("2026-12-01", "10:00")


def test_load_file_errors_are_input_file_errors(tmp_path):
    with pytest.raises(InputFileError, match="is not valid YAML at line 1"):
        load_file(write(tmp_path / "x.yaml", "a: b: c\n"))
    with pytest.raises(InputFileError, match="policy profile .* is empty"):
        load_file(write(tmp_path / "p.yaml", ""), what="policy profile")


def test_byte_order_mark_is_accepted(tmp_path):
    path = write(tmp_path / "bom.yaml", "\ufeff" + GOOD_CASE)
    assert load_file(path).data["case_id"] == "IN-1"


def test_line_numbers_point_at_the_field(tmp_path):
    loaded = load_file(write(tmp_path / "case.yaml", GOOD_CASE))
    assert loaded.line_of(("child", "date_of_birth")) == 6
    assert loaded.line_of(("meetings", 0, "date")) == 11
    assert loaded.line_of(("meetings", 5, "date")) == 10  # no such meeting: the list itself


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite(runner, tmp_path):
    path = write(
        tmp_path / "case.yaml",
        "case_id: A-1\npolicy: hillingdon\nchild: {first_name: A, last_name: B}\nmeetings: []\nmeetings: []\n",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    text = assert_one_error(result)
    assert "line 5" in text and "'meetings' appears twice" in text


def test_cross_field_rules_are_reported_alongside_field_errors(runner, tmp_path):
    # "Every field error at once": a plan that ends before it starts is reported even when an action is also wrong.
    path = write(
        tmp_path / "case.yaml",
        "case_id: A-1\npolicy: hillingdon\nchild: {first_name: A, last_name: B}\n"
        "plan:\n  start: 2026-11-01\n  end: 2026-10-01\n"
        "  actions:\n    - {action: Attend school, due: next week}\n",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    text = assert_one_error(result)
    assert "plan.end (line 6): The plan cannot end before it starts." in text
    assert "plan.actions[0].due (line 8): Not a valid due date" in text
    assert "child.last_nme" not in text

"""The SMART check: every rule fires when it should and not otherwise, and `cin-docs check` reports it."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api, smart
from cin_docs.cli import cli
from cin_docs.models import validate_data
from cin_docs.policies.engine import compute_deadlines
from cin_docs.policies.profile import load_profile

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 23)
# Plan start Monday 16 November 2026: Hillingdon's expected end (12 months) is Tuesday 16 November 2027,
# Hertfordshire's (15 months) is Wednesday 16 February 2028.
START = "2026-11-16"


def plan_case(policy: str = "hillingdon") -> dict:
    """A small, clean case: two outcomes, each served by one SMART action."""
    return {
        "case_id": "TEST-SMART-1",
        "policy": policy,
        "child": {
            "first_name": "Robin",
            "last_name": "Example",
            "date_of_birth": "2016-04-02",
            "views": {"in_own_words": "I like football.", "format": "talking"},
        },
        "family": [{"name": "Jo Example", "relationship": "Mother", "parental_responsibility": True}],
        "professionals": [
            {"name": "Kim Shaw", "role": "Class teacher", "agency": "Elm Primary", "agency_type": "education"}
        ],
        "social_worker": {"name": "Sam Carter", "role": "Social Worker"},
        "assessment": {"completed": "2026-11-02"},
        "plan": {
            "start": START,
            "legal_basis": "s17(10)(a)",
            "risks": {
                "domestic_abuse": "None known.",
                "substance_misuse": "None known.",
                "parental_mental_health": "None known.",
            },
            "family_views": "Jo wants help with mornings.",
            "outcomes": [
                {"id": "O1", "outcome": "Robin gets to school on time.", "bee": "Be Ambitious"},
                {"id": "O2", "outcome": "Robin sleeps well.", "bee": "Be Healthy"},
            ],
            "actions": [
                {
                    "id": "A1",
                    "action": "Breakfast club place.",
                    "owner": "Kim Shaw",
                    "agency": "Elm Primary",
                    "due": "2026-12-18",
                    "measure": "Attendance 95% or better.",
                    "outcome": "O1",
                },
                {
                    "id": "A2",
                    "action": "Bedtime routine agreed.",
                    "owner": "Jo Example",
                    "due": "2027-01-29",
                    "measure": "Sleep diary kept for 4 weeks.",
                    "outcome": "O2",
                },
            ],
            "contingency": "Grandmother steps in.",
            "review_judgement": "Attendance and the sleep diary.",
        },
        "meetings": [{"type": "initial", "date": START}],
    }


def check(data: dict) -> list[smart.Finding]:
    case = validate_data(copy.deepcopy(data))
    profile = load_profile(case["policy"])
    return smart.check_plan(case, profile, compute_deadlines(case, profile, AS_OF))


def found(data: dict) -> set[tuple[str, str]]:
    return {(f.level, f.path) for f in check(data)}


def with_action(**changes) -> dict:
    data = plan_case()
    action = data["plan"]["actions"][0]
    for key, value in changes.items():
        if value is None:
            action.pop(key, None)
        else:
            action[key] = value
    return data


def test_a_clean_plan_has_no_findings():
    assert check(plan_case()) == []
    assert check(plan_case("hertfordshire")) == []


@pytest.mark.parametrize("sample", ["hillingdon-mid-plan", "hillingdon-disabled-child", "hertfordshire-panel"])
def test_sample_plans_are_smart(sample):
    path = REPO / "samples" / f"{sample}.yaml"
    if not path.is_file():
        pytest.skip(f"sample {sample} not written yet")
    case = api.load(path, {"closures": []})
    assert smart.errors(smart.check_plan(case.data, case.profile, api.due_dates(case, AS_OF))) == []


# ---- owners ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("owner", [None, "TBC", "to be confirmed", "All agencies", "  ?  "])
def test_an_action_without_a_named_owner_is_an_error(owner):
    assert ("error", "plan.actions[0].owner") in found(with_action(owner=owner))


@pytest.mark.parametrize("owner", ["School", "Health", "Elm Primary", "Jo and Kim"])
def test_an_owner_who_is_not_a_person_in_the_case_file_is_a_warning(owner):
    findings = found(with_action(owner=owner))
    assert ("warning", "plan.actions[0].owner") in findings
    assert ("error", "plan.actions[0].owner") not in findings


@pytest.mark.parametrize("owner", ["Kim Shaw", "kim shaw", "Sam Carter", "Jo Example", "Robin"])
def test_an_owner_who_is_a_person_in_the_case_file_is_fine(owner):
    assert not {p for _, p in found(with_action(owner=owner))} & {"plan.actions[0].owner"}


# ---- due dates --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("due", [None, "ongoing", "Continuing", " ONGOING "])
def test_an_undated_or_open_ended_action_is_an_error(due):
    assert ("error", "plan.actions[0].due") in found(with_action(due=due))


@pytest.mark.parametrize(
    "due, bad",
    [
        ("2026-11-13", True),  # before the plan start
        ("2026-11-16", False),  # on the plan start
        ("2027-11-16", False),  # on the expected end (Hillingdon: 12 months)
        ("2027-11-17", True),  # after it
    ],
)
def test_a_due_date_must_fall_within_the_plan(due, bad):
    assert (("error", "plan.actions[0].due") in found(with_action(due=due))) is bad


def test_the_plan_window_follows_the_policy_and_the_engine():
    data = plan_case("hertfordshire")
    data["plan"]["actions"][0]["due"] = "2028-02-16"  # within Hertfordshire's 15 months
    assert ("error", "plan.actions[0].due") not in found(data)
    data["plan"]["actions"][0]["due"] = "2028-02-17"
    assert ("error", "plan.actions[0].due") in found(data)
    # Without plan.start, the plan starts at the initial meeting (the engine's reading, timescales.md).
    data = plan_case()
    del data["plan"]["start"]
    data["meetings"][0]["date"] = "2026-11-20"
    data["plan"]["actions"][0]["due"] = "2026-11-19"
    assert ("error", "plan.actions[0].due") in found(data)


def test_the_end_check_is_left_out_when_the_policy_gives_no_expected_end():
    # Hillingdon makes no CIN plan for NRPF-only support, so no plan_end_expected deadline: only the start check.
    data = plan_case()
    data["support"] = "nrpf"
    data["nrpf"] = {"start": "2026-09-01"}
    data["plan"]["actions"][0]["due"] = "2030-01-01"
    assert ("error", "plan.actions[0].due") not in found(data)
    data["plan"]["actions"][0]["due"] = "2026-11-01"
    assert ("error", "plan.actions[0].due") in found(data)


# ---- wording, measures, links -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("Ongoing support from the family centre.", True),
        ("On-going checks by school.", True),
        ("Continuing contact with dad on Wednesdays.", True),
        ("Continue the breakfast club place to Christmas.", False),
        ("Breakfast club place.", False),
    ],
)
def test_ongoing_wording_in_the_action_is_a_warning(text, flagged):
    findings = found(with_action(action=text))
    assert (("warning", "plan.actions[0].action") in findings) is flagged
    assert ("error", "plan.actions[0].action") not in findings


def test_an_action_without_a_measure_is_an_error():
    assert ("error", "plan.actions[0].measure") in found(with_action(measure=None))
    assert ("error", "plan.actions[0].measure") in found(with_action(measure="   "))


@pytest.mark.parametrize(
    "measure, vague",
    [
        ("Mum's parenting improves.", True),
        ("Things get better at home.", True),
        ("Better engagement with services.", True),
        ("Attendance better than 90%.", False),  # a number
        ("Register shows improvement.", False),  # an observable record
        ("Fewer late marks each week.", False),  # counted ("each")
        ("Safety plan written and shared.", False),  # no word of direction
    ],
)
def test_vague_measures_are_warnings(measure, vague):
    assert smart.vague_measure(measure) is vague
    assert (("warning", "plan.actions[0].measure") in found(with_action(measure=measure))) is vague


def test_an_action_without_an_outcome_is_a_warning():
    data = plan_case()
    data["plan"]["actions"].append(
        {"id": "A3", "action": "Extra.", "owner": "Kim Shaw", "due": "2026-12-01", "measure": "Letter sent."}
    )
    assert found(data) == {("warning", "plan.actions[2].outcome")}


def test_an_outcome_with_no_action_is_an_error():
    data = plan_case()
    data["plan"]["actions"][1]["outcome"] = "O1"
    assert ("error", "plan.outcomes[1]") in found(data)
    assert ("error", "plan.outcomes[0]") not in found(data)


def test_a_plan_without_outcomes_or_actions_is_an_error():
    data = plan_case()
    data["plan"]["actions"] = []
    assert {("error", "plan.actions"), ("error", "plan.outcomes[0]"), ("error", "plan.outcomes[1]")} <= found(data)
    data["plan"]["outcomes"] = []
    assert {("error", "plan.actions"), ("error", "plan.outcomes")} <= found(data)


def test_no_plan_at_all_is_one_error():
    data = plan_case()
    del data["plan"]
    assert [(f.level, f.path) for f in check(data)] == [("error", "plan")]


# ---- Hertfordshire 6 Bees and the sections a plan must include ------------------------------------------------------


def test_hertfordshire_outcomes_without_a_bee_are_warned_hillingdon_ones_are_not():
    for policy, expected in (("hertfordshire", {("warning", "plan.outcomes[1].bee")}), ("hillingdon", set())):
        data = plan_case(policy)
        del data["plan"]["outcomes"][1]["bee"]
        assert found(data) == expected, policy


@pytest.mark.parametrize(
    "section, paths",
    [
        ("risks", {"plan.risks.domestic_abuse", "plan.risks.substance_misuse", "plan.risks.parental_mental_health"}),
        ("contingency", {"plan.contingency"}),
        ("review_judgement", {"plan.review_judgement"}),
        ("family_views", {"plan.family_views"}),
    ],
)
def test_missing_sections_are_warnings(section, paths):
    data = plan_case()
    del data["plan"][section]
    assert found(data) == {("warning", p) for p in paths}


def test_childs_views_may_come_from_the_plan_or_the_child_record():
    data = plan_case()
    assert ("warning", "plan.child_views") not in found(data)  # child.views.in_own_words
    del data["child"]["views"]
    assert ("warning", "plan.child_views") in found(data)
    data["plan"]["child_views"] = "Robin said he likes football."
    assert ("warning", "plan.child_views") not in found(data)


def test_messages_describe_the_rule_never_the_case_data():
    secret = "Zebedee-Quartermaine"
    data = plan_case()
    data["plan"]["actions"] = [
        {
            "action": f"Ongoing help for {secret}",
            "owner": f"{secret} TBC",
            "due": "ongoing",
            "measure": f"{secret} improves",
        }
    ]
    findings = check(data)
    assert len(findings) >= 4
    assert not any(secret.casefold() in f.message.casefold() for f in findings)


def test_summary_counts_errors_and_warnings():
    error = smart.Finding("error", "plan", "x")
    warning = smart.Finding("warning", "plan.contingency", "y")
    assert smart.summary([]) == "No problems found."
    assert smart.summary([error, error, warning]) == "2 errors and 1 warning."
    assert smart.summary([warning, warning]) == "2 warnings."


# ---- cin-docs check ------------------------------------------------------------------------------------------------


def write_case(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_check(tmp_path: Path, data: dict, *extra: str):
    return CliRunner().invoke(cli, ["check", str(write_case(tmp_path, data)), "--as-of", "2026-11-23", *extra])


def test_check_clean_plan_exits_0(tmp_path):
    result = run_check(tmp_path, plan_case())
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "SMART check of the plan for case TEST-SMART-1 (Hillingdon policy):",
        "No problems found: the plan is SMART.",
    ]


def test_check_warnings_only_exits_0(tmp_path):
    result = run_check(tmp_path, with_action(owner="School"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.match(
        r"  Warning: plan\.actions\[0\]\.owner \(action A1, line \d+\): The person responsible is "
        r"not someone in this",
        lines[1],
    ), lines[1]
    assert lines[-1] == "1 warning."


def test_check_errors_exit_1_with_paths_and_a_summary(tmp_path):
    data = with_action(due="ongoing", owner=None)
    result = run_check(tmp_path, data)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(
        re.match(r"  Error: plan\.actions\[0\]\.owner \(action A1, line \d+\): No named person", line) for line in lines
    )
    assert any(
        re.match(
            r"  Error: plan\.actions\[0\]\.due \(action A1, line \d+\): The due date is "
            r"'ongoing'",
            line,
        )
        for line in lines
    )
    assert lines[-1].startswith("2 errors. Correct the errors before producing the plan")
    assert "--allow-unsmart" in lines[-1]


def test_check_without_a_plan_exits_1_and_does_not_suggest_the_override(tmp_path):
    data = plan_case()
    del data["plan"]
    result = run_check(tmp_path, data)
    assert result.exit_code == 1
    assert "Error: plan: The case file has no plan section" in result.output
    assert result.output.splitlines()[-1] == "1 error."


def test_check_an_invalid_case_is_an_error_line(tmp_path):
    data = with_action(due="next week")
    result = run_check(tmp_path, data)
    assert result.exit_code == 1
    assert "plan.actions[0].due" in result.output
    assert result.output.startswith("Error: ")


def test_check_help():
    result = CliRunner().invoke(cli, ["check", "-h"])
    assert result.exit_code == 0
    assert "Example" in result.output and "--allow-unsmart" in result.output


def test_findings_name_the_actions_own_id_and_its_line_in_the_file(tmp_path):
    data = with_action(measure="Mum's parenting improves")  # vague: a warning on the measure
    path = write_case(tmp_path, data)
    case = api.load(path, {"closures": []})
    lines = path.read_text(encoding="utf-8").splitlines()
    (finding,) = [
        f
        for f in smart.check_plan(case.data, case.profile, api.due_dates(case, AS_OF), case.line_of)
        if f.path == "plan.actions[0].measure"
    ]
    (measure_line,) = [n for n, text in enumerate(lines, 1) if "Mum's parenting improves" in text]
    assert finding.location == f"plan.actions[0].measure (action A1, line {measure_line})"
    assert str(finding).startswith(f"warning: plan.actions[0].measure (action A1, line {measure_line}): ")


def test_a_finding_without_an_id_counts_the_action():
    data = with_action(owner=None)
    del data["plan"]["actions"][0]["id"]
    (finding,) = [f for f in smart.check_plan(data, load_profile("hillingdon"), []) if f.path.endswith(".owner")]
    assert finding.location == "plan.actions[0].owner (action 1 in the list)"


def test_a_misspelt_field_gets_a_did_you_mean(tmp_path):
    data = with_action()
    data["plan"]["actions"][0]["ower"] = data["plan"]["actions"][0].pop("owner")
    data["child"]["zzzz"] = "x"
    result = CliRunner().invoke(cli, ["validate", str(write_case(tmp_path, data))])
    assert result.exit_code == 1
    assert re.search(r"plan\.actions\[0\]\.ower \(line \d+\): Unknown field: did you mean 'owner'\?", result.output)
    # Nothing close: no guess.
    assert re.search(r"child\.zzzz \(line \d+\): Unknown field: check the spelling", result.output)

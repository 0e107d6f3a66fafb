"""What `cin-docs check` says, word for word, for plans that break every SMART rule (golden file).

test_smart.py proves each rule fires when it should and not otherwise; this pins the words the social worker reads,
so a change to a message is a reviewed change to tests/golden/smart-check.txt (UPDATE_GOLDEN=1 rewrites it).
"""

from __future__ import annotations

import copy

import pytest
import yaml
from click.testing import CliRunner

from cin_docs import smart
from cin_docs.cli import cli
from textutil import assert_golden

CHILD = {"first_name": "Robin", "last_name": "Example", "date_of_birth": "2016-04-02"}
BROKEN_PLAN = {
    "start": "2026-11-16",
    "outcomes": [
        {"id": "O1", "outcome": "Robin gets to school on time."},
        {"id": "O2", "outcome": "Robin sleeps well."},
    ],
    "actions": [
        {"action": "Ongoing support from the family."},  # nothing but words
        {
            "action": "Continuing to attend.",
            "owner": "TBC",
            "due": "ongoing",
            "measure": "Things get better.",
            "outcome": "O1",
        },
        {
            "action": "Breakfast club.",
            "owner": "School",
            "due": "2026-11-13",
            "measure": "Mornings improve.",
            "outcome": "O1",
        },  # before the plan starts
        {
            "action": "Bedtime routine.",
            "owner": "Jo Example",
            "due": "2028-06-30",
            "measure": "Sleep diary kept for 4 weeks.",
            "outcome": "O1",
        },  # after it is expected to end
    ],
}


def case(policy: str, plan: dict | None) -> dict:
    data = {
        "case_id": "SMART-MSG",
        "policy": policy,
        "child": dict(CHILD),
        "family": [{"name": "Jo Example", "relationship": "Mother"}],
        "meetings": [{"type": "initial", "date": "2026-11-16"}],
    }
    if plan is not None:
        data["plan"] = copy.deepcopy(plan)
    return data


CASES = {
    "hillingdon, every rule broken": case("hillingdon", BROKEN_PLAN),
    "hertfordshire, every rule broken (and no 6 Bees)": case("hertfordshire", BROKEN_PLAN),
    "a plan with no outcomes or actions": case("hillingdon", {"start": "2026-11-16"}),
    "no plan": case("hillingdon", None),
}


@pytest.fixture(scope="module")
def transcript(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("smart")
    parts = []
    for title, data in CASES.items():
        path = folder / "case.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", str(path), "--as-of", "2026-11-23"], color=False)
        parts.append(f"== {title} (exit {result.exit_code})\n{result.output.rstrip()}")
    return "\n\n".join(parts)


def test_check_says_exactly_this(transcript):
    assert_golden("smart-check", transcript)


def test_every_kind_of_finding_is_in_the_transcript(transcript):
    """The golden file would pin an empty output too: make sure it holds every rule's path."""
    for where in [
        "plan.risks.domestic_abuse",
        "plan.risks.substance_misuse",
        "plan.risks.parental_mental_health",
        "plan.child_views",
        "plan.family_views",
        "plan.contingency",
        "plan.review_judgement",
        "plan.outcomes[1] (outcome O2, line 18): No action",
        "plan.outcomes[0].bee",
        "plan.outcomes (line 14): The plan has no outcomes",
        "plan.actions (line 14): The plan has no actions",
        "plan: The case file has no plan",
        "plan.actions[0].owner",
        "plan.actions[0].due",
        "plan.actions[0].action",
        "plan.actions[0].measure",
        "plan.actions[0].outcome",
        "plan.actions[1].owner",
        "plan.actions[1].due",
        "plan.actions[1].measure",
        "plan.actions[2].owner",
        "plan.actions[2].due",
        "plan.actions[2].measure",
        "plan.actions[3].due",
    ]:
        assert where in transcript, where
    assert "Jo Example" not in transcript and "Robin" not in transcript  # rules, never the case's own words


@pytest.mark.parametrize(
    ("errors", "warnings", "text"),
    [
        (0, 0, "No problems found."),
        (1, 0, "1 error."),
        (2, 0, "2 errors."),
        (0, 1, "1 warning."),
        (0, 3, "3 warnings."),
        (1, 1, "1 error and 1 warning."),
        (3, 2, "3 errors and 2 warnings."),
    ],
)
def test_summary(errors, warnings, text):
    findings = [smart.Finding(smart.ERROR, "p", "m")] * errors + [smart.Finding(smart.WARNING, "p", "m")] * warnings
    assert smart.summary(findings) == text
    assert smart.errors(findings) == findings[:errors]
    assert [str(f) for f in findings[:1]] == (["error: p: m"] if errors else ["warning: p: m"] if warnings else [])

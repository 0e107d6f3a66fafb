"""A profile can never silently lose a rule (H1), and a profile's numbers are bounded (M5, L1, L8): every
malformation of an extending profile is an error that names it, and `policies show` exits non-zero."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cin_docs.calendar import WorkingCalendar
from cin_docs.cli import cli
from cin_docs.errors import CalendarError, CinDocsError
from cin_docs.policies import profile as profile_module

ROOT = Path(__file__).resolve().parents[1]
MID_PLAN = ROOT / "samples" / "hillingdon-mid-plan.yaml"

# A correct local override of the visiting rule: every 2 weeks instead of Hillingdon's 3.
LOCAL_VISIT = {
    "key": "next_visit",
    "label": "Next visit to the child (every 2 weeks, our local rule)",
    "from": [
        {"event": "latest_held_visit", "label": "the latest visit"},
        {"event": "plan_start", "label": "the start of the plan"},
    ],
    "offset": {"weeks": 2},
    "satisfied_by": {"event": "visit_after_anchor"},
    "source": "Children in need are visited at least every two weeks in this authority (local practice standard).",
}


@pytest.fixture(autouse=True)
def fresh_profiles():
    profile_module._CACHE.clear()
    yield
    profile_module._CACHE.clear()


def write_profile(folder: Path, **fields) -> Path:
    data = {"name": "my-authority", "extends": "hillingdon", **fields}
    path = folder / "my-authority.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def show(path: Path):
    return CliRunner().invoke(cli, ["policies", "show", str(path)])


def misspelt(rule: dict, old: str, new: str) -> dict:
    return {(new if k == old else k): v for k, v in rule.items()}


MALFORMED = {
    "Key instead of key": (
        {"rules": [misspelt(LOCAL_VISIT, "key", "Key")]},
        ["rules[0] (a rule without a 'key'): key: Required", "rules[0] (a rule without a 'key'): Key: Unknown field"],
    ),
    "a rule without a key": (
        {"rules": [{k: v for k, v in LOCAL_VISIT.items() if k != "key"}]},
        ["rules[0] (a rule without a 'key'): key: Required"],
    ),
    "a misspelt field of a keyed rule": (
        {"rules": [misspelt(LOCAL_VISIT, "offset", "ofset")]},
        ["rule 'next_visit': ofset: Unknown field"],
    ),
    "rules as a mapping": ({"rules": {"a": "b"}}, ["rules: Not a valid list."]),
    "scalars in the rules list": (
        {"rules": ["x", 5, None]},
        [
            "rules[0] (a rule without a 'key'): Invalid input type.",
            "rules[1] (a rule without a 'key'): Invalid input type.",
            "rules[2] (a rule without a 'key'): Must have a value",
        ],
    ),
    "remove_rules as a string": ({"remove_rules": "next_visit"}, ["remove_rules: Give a list of rule keys"]),
    "remove_rules naming no rule": (
        {"remove_rules": ["next_vist", "second_review_check"]},
        ["remove_rules: 'next_vist', 'second_review_check' are not rules of the profile it extends"],
    ),
    "remove_rules with a number": ({"remove_rules": [3]}, ["remove_rules: Give a list of rule keys"]),
    "panel slots below one": ({"panel": {"name": "CIN panel", "slots": -2}}, ["panel.slots: Must be from 1 to 40."]),
    "a million panel slots": (
        {"panel": {"name": "CIN panel", "slots": 1000000}},
        ["panel.slots: Must be from 1 to 40."],
    ),
    "closures for every day of three years": (
        {"closures": [(dt.date(2027, 1, 1) + dt.timedelta(days=n)).isoformat() for n in range(1100)]},
        ["closures: At most 1000 closure days"],
    ),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_every_malformation_of_an_extending_profile_is_an_error(tmp_path, name):
    fields, messages = MALFORMED[name]
    path = write_profile(tmp_path, **fields)
    result = show(path)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: The policy profile {path} is broken and cannot be used: ")
    for message in messages:
        assert message in result.stderr
    assert "unexpected" not in result.stderr


def test_the_misspelt_key_no_longer_shows_the_base_rule_a_week_late(tmp_path):
    """The review's repro: with `Key:` the base's 3-week rule was used silently; now the case cannot be read."""
    good = write_profile(tmp_path, rules=[LOCAL_VISIT])
    case = yaml.safe_load(MID_PLAN.read_text(encoding="utf-8"))
    case["policy"] = str(good)
    case_path = tmp_path / "case.yaml"
    case_path.write_text(yaml.safe_dump(case, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["due-dates", str(case_path), "--as-of", "2026-11-23"])
    assert result.exit_code == 0 and "every 2 weeks, our local rule" in result.output
    profile_module._CACHE.clear()
    write_profile(tmp_path, rules=[misspelt(LOCAL_VISIT, "key", "Key")])
    result = CliRunner().invoke(cli, ["due-dates", str(case_path), "--as-of", "2026-11-23"])
    assert result.exit_code == 1 and "Key: Unknown field" in result.stderr


def test_remove_rules_that_name_real_rules_still_remove_them(tmp_path):
    result = show(write_profile(tmp_path, remove_rules=["next_visit"]))
    assert result.exit_code == 0, result.output
    assert "next_visit:" not in result.output and "next_review:" in result.output


def _chain(n: int) -> list[dict]:
    """n rules, each counting 100 years from the one before (the review's year-10000 and 3,000-deep chains)."""
    rules = [
        {
            "key": "link_0",
            "label": "Start",
            "from": [{"event": "plan_start", "label": "the plan start"}],
            "offset": {"years": 100},
            "source": "A made-up rule for a test of chained rules, long enough.",
        }
    ]
    for i in range(1, n):
        rules.append(
            {
                "key": f"link_{i}",
                "label": f"Link {i}",
                "from": [{"event": "rule", "rule": f"link_{i - 1}", "label": f"link {i - 1}"}],
                "offset": {"years": 100},
                "source": "A made-up rule for a test of chained rules, long enough.",
            }
        )
    return rules


@pytest.mark.parametrize("links", [12, 3000])
def test_long_chains_of_rules_are_refused_not_followed_to_year_10000_or_recursion(tmp_path, links):
    result = show(write_profile(tmp_path, rules=_chain(links)))
    assert result.exit_code == 1, result.output
    assert "counts from a chain of more than 10 rules" in result.stderr


def test_a_chain_of_ten_is_fine(tmp_path):
    assert show(write_profile(tmp_path, rules=_chain(10))).exit_code == 0


def test_a_calendar_without_working_days_is_a_plain_error():
    closed = [dt.date(2027, 1, 1) + dt.timedelta(days=n) for n in range(3 * 366 + 2)]
    with pytest.raises(CalendarError, match="closure days") as error:
        WorkingCalendar(closed).next_working_day(dt.date(2026, 12, 31))
    assert isinstance(error.value, CinDocsError)

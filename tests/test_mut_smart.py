"""SMART check cases the mutation run (make mutation) showed no test held: a profile with no expected plan end."""

from __future__ import annotations

import copy

from test_smart import AS_OF, plan_case

from cin_docs import smart
from cin_docs.models import validate_data
from cin_docs.policies.engine import compute_deadlines
from cin_docs.policies.profile import load_profile


def test_a_local_profile_without_an_expected_plan_end_checks_only_the_start():
    # A local authority's own profile may set no `plan_end_expected` rule at all (not just one that does not apply):
    # the check must still run, bound only by the plan start (Monday 16 November 2026).
    profile = copy.deepcopy(load_profile("hillingdon"))
    profile["rules"] = [r for r in profile["rules"] if r["key"] != "plan_end_expected"]
    data = plan_case()
    data["plan"]["actions"][0]["due"] = "2031-01-01"  # years after any plan end: nothing to compare it with
    data["plan"]["actions"][1]["due"] = "2026-11-13"  # Friday before the plan starts: still an error
    case = validate_data(data)
    findings = smart.check_plan(case, profile, compute_deadlines(case, profile, AS_OF))
    assert [(f.level, f.path) for f in findings] == [("error", "plan.actions[1].due")]
    assert "before the plan starts" in findings[0].message
    start, end = smart.plan_window(case, profile, compute_deadlines(case, profile, AS_OF))
    assert (start.isoformat(), end) == ("2026-11-16", None)

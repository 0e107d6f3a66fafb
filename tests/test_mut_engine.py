"""The deadline engine's wording and edge cases, hand-worked from the policy documents in shared/seeds/.

Written to close the gaps mutation testing found in cin_docs/policies/engine.py (`make mutation`): the explanation
every document and the due-dates table print, the `basis`/`moved`/`from` of the JSON contract
(shared/domain/timescales.md), boundary days (an event on the as-of day, on the anchor day, on the due day) and the
record of lapses. Each test quotes the policy sentence its dates come from.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from cin_docs.models import validate_data
from cin_docs.policies.engine import compute_deadlines
from cin_docs.policies.profile import Profile, load_profile

D = dt.date.fromisoformat
HEALTH = {
    "name": "Dr Nia Hale",
    "role": "Community Paediatrician",
    "agency": "Westcote Child Health",
    "agency_type": "health",
}


def case(policy: str = "hillingdon", **fields) -> dict:
    data = {"case_id": "MUT-1", "policy": policy, "child": {"first_name": "Test", "last_name": "Child"}}
    for key, value in fields.items():
        if key == "child":
            data["child"].update(value)
        else:
            data[key] = value
    return data


def run(data: dict, as_of: str, profile: dict | None = None, closures=()):
    validated = validate_data(copy.deepcopy(data))
    return compute_deadlines(validated, profile or load_profile(validated["policy"]), D(as_of), closures)


def of(dls, rule: str) -> list:
    return [d for d in dls if d.rule == rule]


def one(dls, rule: str):
    (found,) = of(dls, rule)
    return found


def custom_profile(rules: list[dict], closures: list[str] | None = None) -> dict:
    """A local authority's own profile (timescales.md: "A local authority that is neither of these must be able to
    write its own profile file ... without touching Python")."""
    profile = Profile().load(
        {
            "name": "westcote",
            "label": "Westcote",
            "title": "Westcote Child in Need procedures",
            "document": "Westcote Child in Need procedures",
            "authority": {"name": "Westcote Council"},
            "closures": closures or [],
            "meeting_labels": {"initial": "Initial", "review": "Review", "cin": "CIN meeting"},
            "review_outcomes": {"continue": "Continues."},
            "rules": rules,
        }
    )
    profile["path"] = "westcote.yaml"
    return profile


# ---- the explanation: one sentence per kind of offset ----------------------------------------------------------

HERTS_PANEL_CASE = case(
    "hertfordshire",
    child={"date_of_birth": "2012-02-29"},
    plan={"start": "2025-11-16"},
    professionals=[HEALTH],
    meetings=[{"type": "review", "date": "2026-12-03", "time": "10:00", "invitees": ["Dr Nia Hale"]}],
)


@pytest.mark.parametrize(
    "rule, due, explanation",
    [
        # "the CIN case has been open for 1 year" (3.1): 16 November 2025 + 12 months. "The panel will be held
        # monthly, on the last Thursday of the month" (3.6): Thursday 26 November 2026, and "Cases should be referred
        # ... at least 7 working days in advance" (3.7): 17 November, not before the 16th, so that sitting it is.
        ("panel_eligible", "2026-11-16", "12 months after the start of the plan on Sunday 16 November 2025"),
        (
            "panel_date",
            "2026-11-26",
            "the first panel sitting (the last Thursday of a month, leaving 7 working days to refer) whose referral "
            "deadline is on or after the date the case became eligible for panel on Monday 16 November 2026",
        ),
        ("panel_referral", "2026-11-17", "7 working days before the panel date on Thursday 26 November 2026"),
        # "a written report that should be sent directly to the social worker 48 hours prior to meeting" (1.2):
        # Thursday 3 December at 10:00 less 48 hours is Tuesday 1 December at 10:00.
        ("health_report", "2026-12-01", "48 hours before the meeting on Thursday 3 December 2026 at 10:00"),
        # "The child's 18th birthday" (2.8): born 29 February 2012, 18 on 1 March 2030 (not a leap year).
        ("child_turns_18", "2030-03-01", "the 18th birthday of a child born on Wednesday 29 February 2012"),
    ],
)
def test_explanation_says_how_each_date_was_worked_out(rule, due, explanation):
    d = one(run(HERTS_PANEL_CASE, "2026-11-23"), rule)
    assert (d.due, d.explanation()) == (D(due), explanation)


def test_health_report_due_time_and_explanation_name_the_meeting_time():
    """Only a rule counted in hours from a timed meeting names the time; a record due after that meeting does not."""
    herts = case(
        "hertfordshire",
        plan={"start": "2026-11-02"},
        professionals=[HEALTH],
        meetings=[
            {"type": "initial", "date": "2026-11-02", "time": "14:30"},
            {"type": "review", "date": "2026-12-03", "time": "09:15"},
        ],
    )
    dls = run(herts, "2026-11-23")
    report = one(dls, "health_report")
    assert report.to_json()["due_time"] == "09:15"
    assert report.explanation() == "48 hours before the meeting on Thursday 3 December 2026 at 09:15"
    # "distributed to all participants within 10 working days" (2.2): Monday 2 November + 10 = Monday 16 November.
    record = one(dls, "meeting_record")
    assert record.due == D("2026-11-16")
    assert record.explanation() == "10 working days after the meeting on Monday 2 November 2026"


def test_explanation_of_a_same_day_deadline_and_a_same_working_day_one():
    # "The NRPF CiN plan should be reviewed after 12 weeks" (4.2): 1 September 2026 + 84 days = 24 November;
    # "following a review visit within the preceding month": due on the review's own date.
    nrpf = run(case("hertfordshire", support="nrpf", nrpf={"start": "2026-09-01"}), "2026-11-23")
    visit = one(nrpf, "nrpf_review_visit")
    assert visit.to_json()["basis"] == "on the same day"
    assert visit.explanation() == "on the date of the NRPF review (Tuesday 24 November 2026)"
    # "escalated to their respective line manager within the same working day" (6.3.7), stage 1 started Thursday
    # 19 November + "within 3 working days" (6.3.6) = Tuesday 24 November.
    esc = run(
        case(
            "hertfordshire",
            escalations=[{"disagreement": "2026-11-18", "stages": [{"stage": 1, "started": "2026-11-19"}]}],
        ),
        "2026-11-23",
    )
    stage2 = one(esc, "escalation_stage2_start")
    assert stage2.explanation() == "the same working day as the stage 1 deadline on Tuesday 24 November 2026"
    assert (
        one(esc, "escalation_raise").explanation()
        == "2 working days after the disagreement on Wednesday 18 November 2026"
    )
    assert one(esc, "escalation_stage1_response").explanation() == (
        "3 working days after the start of stage 1 on Thursday 19 November 2026"
    )


def test_immediate_risk_on_a_saturday_is_the_next_working_day_and_says_why():
    # "concerns must be escalated ... on the same working day" (6.3.1): a disagreement on Saturday 21 November 2026
    # can only be escalated on Monday 23 November.
    esc = run(
        case(
            "hertfordshire",
            escalations=[{"disagreement": "2026-11-21", "immediate_risk": True, "stages": []}],
        ),
        "2026-11-23",
    )
    raise_ = one(esc, "escalation_raise")
    assert raise_.to_json()["moved"] == "2026-11-21 is a Saturday"
    assert raise_.explanation() == (
        "the same working day as the disagreement on Saturday 21 November 2026 "
        "(the next working day, as Saturday 21 November 2026 is not one)"
    )


def test_a_calendar_deadline_brought_forward_names_the_original_day_and_bank_holidays():
    # Hertfordshire visits "between 4 and 6 weekly" (2.4): 16 November 2025 + 6 weeks = Sunday 28 December 2025,
    # brought forward over Boxing Day and Christmas Day to Wednesday 24 December.
    d = one(run(case("hertfordshire", plan={"start": "2025-11-16"}), "2025-11-20"), "next_visit")
    assert d.due == D("2025-12-24")
    assert d.explanation() == (
        "6 weeks after the start of the plan on Sunday 16 November 2025 (brought forward from Sunday 28 December "
        "2025; Friday 26 December 2025 is a bank holiday (Boxing Day); Thursday 25 December 2025 is a bank holiday "
        "(Christmas Day))"
    )


def test_a_bank_holiday_that_moves_a_deadline_back_is_named_first():
    # Hillingdon: "The first review should be held within 3 months of the initial meeting": 25 February 2026 + 3
    # months = Monday 25 May 2026, the Spring bank holiday, so Friday 22 May.
    data = case("hillingdon", meetings=[{"type": "initial", "date": "2026-02-25"}])
    d = one(run(data, "2026-03-02"), "next_review")
    assert (d.due, d.moved) == (D("2026-05-22"), "2026-05-25 is a bank holiday (Spring Bank Holiday)")
    assert d.explanation() == (
        "3 months after the initial CIN meeting on Wednesday 25 February 2026 "
        "(brought forward from Monday 25 May 2026, a bank holiday (Spring Bank Holiday))"
    )

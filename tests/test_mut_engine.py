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
from factories import case_data

from cin_docs.errors import PolicyError
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
    return case_data("MUT-1", policy, **fields)


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


# ---- office closure days: named only where a working-day count stepped over them ----------------------------------


def test_closure_days_a_working_day_count_skipped_are_named_and_no_others():
    # "A Child in Need initial meeting must be convened within 10 working days of a decision that the CIN plan is
    # required." Decision Monday 14 December 2026; Christmas Day, the Boxing Day substitute (28th) and New Year's Day
    # are bank holidays; the office also closes on 24, 29 and 30 December (the user's closure days). Counting: 15,
    # 16, 17, 18, 21, 22, 23, 31 December, 4 and 5 January 2027. The decision day itself (also a closure day here) is
    # never counted, so it is not named.
    data = case(
        "hillingdon", assessment={"plan_decision": "2026-12-14"}, meetings=[{"type": "initial", "date": "2026-12-14"}]
    )
    closures = [D("2026-12-14"), D("2026-12-24"), D("2026-12-29"), D("2026-12-30")]
    dls = run(data, "2026-12-15", closures=closures)
    initial = one(dls, "initial_meeting")
    assert initial.due == D("2027-01-05")
    assert initial.explanation() == (
        "10 working days after the plan decision on Monday 14 December 2026 (office closure days not counted: "
        "Thursday 24 December 2026, Tuesday 29 December 2026 and Wednesday 30 December 2026)"
    )
    # "The first review should be held within 3 months of the initial meeting": calendar months, so closure days
    # are not counted days and are not named (14 March 2027 is a Sunday: Friday 12 March).
    review = one(dls, "next_review")
    assert review.due == D("2027-03-12")
    assert "closure" not in review.explanation()


def test_one_closure_day_is_named_in_the_singular_two_in_the_plural():
    data = case("hillingdon", assessment={"plan_decision": "2026-12-14"})
    initial = one(run(data, "2026-12-15", closures=[D("2026-12-24")]), "initial_meeting")
    # 15-18, 21-23, 29-31 December: the 28th is the Boxing Day substitute bank holiday.
    assert initial.due == D("2026-12-31")
    assert initial.explanation().endswith("(office closure day not counted: Thursday 24 December 2026)")
    # Two closure days: 15-18, 21-23, 30 and 31 December, then 4 January 2027 (New Year's Day is a bank holiday).
    two = one(run(data, "2026-12-15", closures=[D("2026-12-24"), D("2026-12-29")]), "initial_meeting")
    assert two.due == D("2027-01-04")
    assert two.explanation().endswith(
        "(office closure days not counted: Thursday 24 December 2026 and Tuesday 29 December 2026)"
    )


# ---- the panel: a December too late to refer moves to January of the next year -----------------------------------


def test_panel_after_a_december_too_late_to_refer_is_the_last_thursday_of_january():
    # "the CIN case has been open for 1 year" (3.1): 22 December 2025 + 12 months = Tuesday 22 December 2026.
    # December's sitting is Thursday 31 December, but "at least 7 working days in advance" would be Friday 18
    # December (25 and 28 December are bank holidays), before the case was eligible: the next sitting is the last
    # Thursday of January 2027, the 28th, referred by Tuesday 19 January.
    dls = run(case("hertfordshire", plan={"start": "2025-12-22"}), "2026-12-01")
    assert [(d.rule, d.due) for d in dls if d.rule.startswith("panel_")] == [
        ("panel_eligible", D("2026-12-22")),
        ("panel_referral", D("2027-01-19")),
        ("panel_date", D("2027-01-28")),
    ]


# ---- statuses on the boundary days ----------------------------------------------------------------------------------


def test_a_target_met_when_the_plan_ends_on_its_date_and_open_while_the_end_is_still_to_come():
    # "Most CIN plans will envisage that Children's Services intervention will end within 12 months": from the
    # initial meeting on 12 January 2026, by 12 January 2027.
    start = [{"type": "initial", "date": "2026-01-12"}]
    ended = one(run(case("hillingdon", meetings=start, plan={"end": "2027-01-12"}), "2027-01-13"), "plan_end_expected")
    assert (ended.due, ended.status, ended.satisfied_on) == (D("2027-01-12"), "met", D("2027-01-12"))
    # A planned end date still to come has not ended the plan: the target is open, not met.
    planned = one(
        run(case("hillingdon", meetings=start, plan={"end": "2027-03-12"}), "2027-01-10"), "plan_end_expected"
    )
    assert (planned.status, planned.satisfied_on) == ("open", None)


def test_a_deadline_due_on_the_day_the_plan_ends_is_missed_that_day():
    # "The team manager is responsible for reviewing the case at 9 month for any CIN plan that has not concluded":
    # from 29 May 2026, 28 February 2027 is a Sunday, so Friday 26 February; the plan ends that very day unreviewed.
    data = case("hillingdon", meetings=[{"type": "initial", "date": "2026-05-29"}], plan={"end": "2027-02-26"})
    d = one(run(data, "2027-02-26"), "manager_review")
    assert (d.due, d.status) == (D("2027-02-26"), "missed")


def test_a_later_identification_date_does_not_meet_the_panel_identification_yet():
    # "the case should be identified by the line manager at 8 months": from 2 March 2026, 2 November 2026. A date
    # typed ahead (1 December) has not happened on 2 November: the deadline is still open.
    data = case("hillingdon", meetings=[{"type": "initial", "date": "2026-03-02"}], panel={"identified": "2026-12-01"})
    d = one(run(data, "2026-11-02"), "panel_identification")
    assert (d.due, d.status, d.satisfied_on) == (D("2026-11-02"), "open", None)
    assert d.explanation() == "8 months after the start of the plan on Monday 2 March 2026"


def test_transfer_in_meeting_on_the_day_the_family_arrives_meets_the_deadline():
    # "Receiving local authorities should seek to convene a Child in Need Meeting within 20 working days of the
    # family being resident in their area": a meeting on that very day is within them.
    data = case(
        "hillingdon",
        transfer={"residence_start": "2026-11-10"},
        meetings=[{"type": "transfer_in", "date": "2026-11-10"}],
    )
    d = one(run(data, "2026-12-09"), "transfer_in_meeting")
    assert (d.due, d.status, d.satisfied_on) == (D("2026-12-08"), "met", D("2026-11-10"))
    assert (
        d.explanation() == "20 working days after the family becoming resident in the area on Tuesday 10 November 2026"
    )


def test_transfer_out_shows_the_receiving_authoritys_duty_under_its_own_label():
    data = case(
        "hillingdon",
        transfer={
            "residence_start": "2026-11-10",
            "direction": "out",
            "receiving_authority": {"name": "Westcote Council"},
        },
    )
    row = one(run(data, "2026-12-09"), "transfer_in_meeting").to_json()
    assert row["label"] == "CIN meeting after transfer in (the receiving authority's duty)"
    assert row["status"] == "info"
    assert row["basis"] == (
        "20 working days; the family is moving out: the receiving authority must convene a CIN meeting by "
        "Tuesday 8 December 2026"
    )


@pytest.mark.parametrize("reason", [{}, {"longer_term_reason": ""}, {"longer_term_reason": "   "}])
def test_longer_term_support_without_a_reason_says_none_was_recorded(reason):
    plan = {"longer_term_support": True, **reason}
    data = case("hillingdon", meetings=[{"type": "initial", "date": "2026-01-12"}], plan=plan)
    row = one(run(data, "2027-01-13"), "plan_end_expected").to_json()
    assert (row["status"], row["basis"]) == (
        "info",
        "12 months; not a target for this plan, which acknowledges the need for longer-term support "
        "(no reason recorded)",
    )


# ---- which meeting a rule counts from -----------------------------------------------------------------------------


def test_a_family_network_meeting_before_the_initial_meeting_does_not_start_the_review_clock():
    # "The first review should be held within 3 months of the initial meeting": 2 March 2026 + 3 months, not the
    # family network meeting of 20 February ("If it is not possible to convene the meeting before the CIN meeting").
    data = case(
        "hillingdon",
        meetings=[{"type": "family_network", "date": "2026-02-20"}, {"type": "initial", "date": "2026-03-02"}],
    )
    dls = run(data, "2026-03-03")
    review = one(dls, "next_review")
    assert (review.due, review.to_json()["from"]) == (D("2026-06-02"), "meetings[1]")
    assert review.explanation() == "3 months after the initial CIN meeting on Monday 2 March 2026"
    assert of(dls, "family_network_meeting") == []


def test_second_review_check_counts_six_months_from_the_first_review_and_only_a_review_meets_it():
    # "At 9 months (i.e. the second review)...", reviews "within each further six months" (2.5): the first review on
    # 1 June 2026 puts the second by 1 December. The initial meeting is not the second review.
    data = case(
        "hertfordshire", meetings=[{"type": "initial", "date": "2026-03-02"}, {"type": "review", "date": "2026-06-01"}]
    )
    d = one(run(data, "2026-06-02"), "second_review_check")
    assert (d.due, d.status, d.to_json()["from"]) == (D("2026-12-01"), "open", "meetings[1]")
    assert d.explanation() == "6 months after the first review on Monday 1 June 2026"


def test_health_report_is_asked_for_care_meetings_not_for_the_panel():
    # "a written report ... 48 hours prior to meeting" (1.2, health professionals, for CIN meetings); the CIN Case
    # Management Panel is not a meeting health is invited to report to.
    data = case(
        "hertfordshire",
        plan={"start": "2026-11-02"},
        professionals=[HEALTH],
        meetings=[
            {"type": "panel", "date": "2026-11-26", "time": "10:00"},
            {"type": "review", "date": "2026-12-03", "time": "10:00"},
        ],
    )
    reports = of(run(data, "2026-11-23"), "health_report")
    assert [(d.ref, d.due) for d in reports] == [("meetings[1]", D("2026-12-01"))]


@pytest.mark.parametrize(
    "n, basis",
    [(11, "11th"), (12, "12th"), (13, "13th"), (16, "16th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (25, "25th")],
)
def test_a_birthday_rule_of_a_local_profile_names_the_birthday_in_words(n, basis):
    # A local profile may add facts such as the end of the 0-25 service ("children who meet the criteria for the
    # 0-25 Together Service", Hertfordshire 2.5): the basis names the birthday as people say it.
    profile = custom_profile(
        [
            {
                "key": "birthday",
                "label": "Birthday",
                "kind": "fact",
                "from": [{"event": "field", "field": "child.date_of_birth", "label": "the child's date of birth"}],
                "offset": {"birthday": n},
                "source": "The service continues to the young person's birthday.",
            }
        ]
    )
    d = one(run(case("hertfordshire", child={"date_of_birth": "2010-06-15"}), "2026-11-23", profile), "birthday")
    assert d.due == D(f"{2010 + n}-06-15")
    assert d.to_json()["basis"] == f"{basis} birthday"


# ---- the record of lapses -------------------------------------------------------------------------------------------


def test_review_lapse_is_counted_from_the_initial_meeting_not_from_a_cin_meeting_in_between():
    # "The first review should be held within 3 months of the initial meeting": 5 January 2026 + 3 months = Sunday
    # 5 April, before Good Friday: Thursday 2 April. The review came on 11 May: late, on the record. A CIN meeting
    # on 16 February is not a review and does not restart the 3 months.
    data = case(
        "hillingdon",
        meetings=[
            {"type": "initial", "date": "2026-01-05"},
            {"type": "cin", "date": "2026-02-16"},
            {"type": "review", "date": "2026-05-11"},
        ],
    )
    lapse, current = of(run(data, "2026-05-12"), "next_review")
    assert (lapse.due, lapse.status, lapse.history, lapse.ref) == (D("2026-04-02"), "late", True, "meetings[2]")
    assert lapse.explanation() == (
        "3 months after the initial CIN meeting on Monday 5 January 2026 (brought forward from Sunday 5 April 2026; "
        "Friday 3 April 2026 is a bank holiday (Good Friday))"
    )
    assert (current.due, current.status, current.history) == (D("2026-08-11"), "open", False)
    assert current.explanation() == "3 months after the latest review on Monday 11 May 2026"


def test_visit_lapses_start_at_the_plan_and_a_late_visit_today_is_on_the_record():
    # Hillingdon: visits "At least once every 3 weeks". A visit during the assessment (1 December 2025) is before
    # the plan started (initial meeting 5 January 2026), so no window runs from it. 19 January was in time
    # (due 26 January); from it the next was due 9 February and came today, 2 March: late. The visit of 23 February
    # where the child was not seen does not count.
    data = case(
        "hillingdon",
        meetings=[{"type": "initial", "date": "2026-01-05"}],
        visits=[
            {"date": "2025-12-01"},
            {"date": "2026-01-19"},
            {"date": "2026-02-23", "seen": False},
            {"date": "2026-03-02"},
        ],
    )
    lapse, current = of(run(data, "2026-03-02"), "next_visit")
    assert (lapse.due, lapse.status, lapse.satisfied_on, lapse.ref) == (
        D("2026-02-09"),
        "late",
        D("2026-03-02"),
        "visits[3]",
    )
    assert lapse.to_json()["from"] == "visits[1]"
    assert lapse.explanation() == "3 weeks after the latest visit on Monday 19 January 2026"
    assert (current.due, current.status) == (D("2026-03-23"), "open")
    assert current.explanation() == "3 weeks after the latest visit on Monday 2 March 2026"


def test_a_local_profile_can_keep_the_record_of_a_list_of_checks():
    # A local profile with Hillingdon's "monthly monitoring of subsistence payments" and a record of lapses. The
    # list is in no particular order and holds a check still planned (30 October). From the start (1 June 2026):
    # 1 July (in time); from 1 July due 1 August, a Saturday, so Friday 31 July, done 20 August: late; from 20
    # August due Sunday 20 September, so Friday 18 September, done today, 25 September: late.
    rule = {
        "key": "subsistence",
        "label": "Monitor the subsistence payments",
        "history": True,
        "plan_end": "stop",
        "from": [
            {"event": "latest_held_list", "field": "nrpf.subsistence_checks", "label": "the latest subsistence check"},
            {"event": "field", "field": "nrpf.start", "label": "the start of NRPF support"},
        ],
        "offset": {"months": 1},
        "satisfied_by": {"event": "list_after_anchor", "field": "nrpf.subsistence_checks"},
        "source": "monthly monitoring of subsistence payments",
    }
    checks = ["2026-09-25", "2026-07-01", "2026-10-30", "2026-08-20"]
    data = case("hillingdon", support="nrpf", nrpf={"start": "2026-06-01", "subsistence_checks": checks})
    rows = [d.to_json() for d in run(data, "2026-09-25", custom_profile([rule]))]
    assert [(r["from"], r["due"], r["status"], r["ref"]) for r in rows] == [
        ("nrpf.subsistence_checks[1]", "2026-07-31", "late", "nrpf.subsistence_checks[3]"),
        ("nrpf.subsistence_checks[3]", "2026-09-18", "late", "nrpf.subsistence_checks[0]"),
        ("nrpf.subsistence_checks[0]", "2026-10-23", "open", None),
    ]
    first, _, current = run(data, "2026-09-25", custom_profile([rule]))
    assert first.explanation() == (
        "1 month after the latest subsistence check on Wednesday 1 July 2026 (brought forward from Saturday 1 "
        "August 2026)"
    )
    assert current.explanation() == (
        "1 month after the latest subsistence check on Friday 25 September 2026 (brought forward from Sunday 25 "
        "October 2026)"
    )


# ---- Hertfordshire NRPF: "following a review visit within the preceding month" (4.2) -------------------------------


@pytest.mark.parametrize(
    "visit, as_of, status",
    [
        ({"date": "2026-10-24"}, "2026-11-25", "met"),  # exactly a month before the review of 24 November
        ({"date": "2026-10-23"}, "2026-11-25", "overdue"),  # a day too early
        ({"date": "2026-11-20", "seen": False}, "2026-11-25", "overdue"),  # the child was not seen
        ({"date": "2026-11-23"}, "2026-11-23", "met"),  # visited today
    ],
)
def test_nrpf_review_visit_within_the_month_before_the_review(visit, as_of, status):
    # "The NRPF CiN plan should be reviewed after 12 weeks": 1 September 2026 + 12 weeks = 24 November.
    data = case("hertfordshire", support="nrpf", nrpf={"start": "2026-09-01"}, visits=[visit])
    d = one(run(data, as_of), "nrpf_review_visit")
    assert (d.due, d.status) == (D("2026-11-24"), status)


# ---- escalation: which stage each deadline belongs to -----------------------------------------------------------


def test_stage1_resolved_and_confirmed_in_time_needs_no_stage2():
    # 6.3.6: "within 3 working days" of stage 1 starting on Thursday 19 November 2026 = Tuesday 24 November; it was
    # resolved on Monday 23rd, and "the responsible worker will confirm the outcome ... in writing within a further
    # 2 working days": by Wednesday 25th, done on the 24th.
    data = case(
        "hertfordshire",
        escalations=[
            {
                "disagreement": "2026-11-18",
                "stages": [{"stage": 1, "started": "2026-11-19", "resolved": "2026-11-23", "confirmed": "2026-11-24"}],
            }
        ],
    )
    dls = run(data, "2026-11-30")
    response = one(dls, "escalation_stage1_response").to_json()
    assert (response["from"], response["ref"], response["due"], response["status"]) == (
        "escalations[0].stages[0].started",
        "escalations[0].stages[0]",
        "2026-11-24",
        "met",
    )
    confirm = one(dls, "escalation_confirm")
    assert (confirm.to_json()["from"], confirm.ref, confirm.due, confirm.status) == (
        "escalations[0].stages[0].resolved",
        "escalations[0].stages[0]",
        D("2026-11-25"),
        "met",
    )
    assert confirm.explanation() == "2 working days after the resolution on Monday 23 November 2026"
    assert of(dls, "escalation_stage2_start") == []


# ---- several meetings on one day: the time of day decides which is the latest ---------------------------------------


def test_the_latest_of_two_meetings_on_one_day_is_the_later_by_time_not_by_listing():
    # Hillingdon: "subsequent CIN meetings should be held at least every 4 to 6 weeks", counted from the latest CIN
    # meeting: a CIN meeting at 14:00 after the review at 09:30 on Monday 7 December 2026 (listed first). Six weeks
    # on is Monday 18 January 2027.
    data = case(
        "hillingdon",
        meetings=[
            {"type": "cin", "date": "2026-12-07", "time": "14:00"},
            {"type": "initial", "date": "2026-09-07"},
            {"type": "review", "date": "2026-12-07", "time": "09:30"},
        ],
    )
    (d,) = [d for d in of(run(data, "2026-12-08"), "next_cin_meeting") if not d.history]
    assert (d.due, d.to_json()["from"]) == (D("2027-01-18"), "meetings[0]")


def test_a_local_profile_without_a_default_offset_is_told_to_give_one():
    # The profile writer's mistake, named: only disabled children have an interval here, and this child is not.
    profile = custom_profile(
        [
            {
                "key": "visit",
                "label": "Visit",
                "from": [{"event": "field", "field": "assessment.plan_decision", "label": "the plan decision"}],
                "offset": [{"when": {"child.disabled": True}, "months": 3}],
                "source": "Disabled children are visited every 3 months.",
            }
        ]
    )
    data = case("hillingdon", assessment={"plan_decision": "2026-11-02"})
    with pytest.raises(PolicyError) as raised:
        run(data, "2026-11-23", profile)
    assert str(raised.value) == "No offset of this rule applies to this case; give a default without 'when'."


def test_a_christmas_panel_with_the_office_closed_on_christmas_eve_moves_to_the_23rd_and_says_why():
    # "The panel will be held monthly, on the last Thursday of the month" (3.6): December 2025's is Christmas Day;
    # with the office also closed on Christmas Eve the sitting is Tuesday 23 December, and both days are named.
    # Eligible 1 December 2025 ("open for 1 year", 3.1); "at least 7 working days in advance" (3.7): 12 December.
    dls = run(case("hertfordshire", plan={"start": "2024-12-01"}), "2025-11-20", closures=[D("2025-12-24")])
    panel = one(dls, "panel_date")
    assert (panel.due, panel.moved) == (
        D("2025-12-23"),
        "2025-12-25 is a bank holiday (Christmas Day); 2025-12-24 is a closure day",
    )
    assert one(dls, "panel_referral").due == D("2025-12-12")

"""The deadline engine against the hand-worked examples of shared/domain/timescales.md, plus properties."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml
from factories import case_data
from hypothesis import given, settings
from hypothesis import strategies as st

from cin_docs import api
from cin_docs.calendar import WorkingCalendar, birthday
from cin_docs.errors import CaseValidationError
from cin_docs.models import validate_data
from cin_docs.policies.engine import compute_deadlines
from cin_docs.policies.profile import Profile, load_profile

D = dt.date.fromisoformat
CAL = WorkingCalendar()


def make_case(policy: str = "hillingdon", **fields) -> dict:
    """A minimal case file (as a YAML file would give it: dates as text), with `fields` merged in."""
    return case_data("ENG-1", policy, **fields)


def deadlines(data: dict, as_of: str, profile: dict | None = None):
    case = validate_data(copy.deepcopy(data))
    return compute_deadlines(case, profile or load_profile(case["policy"]), D(as_of))


def by_rule(dls) -> dict:
    """rule -> the single deadline of that rule (fails if a rule has several)."""
    out = {}
    for d in dls:
        assert d.rule not in out, f"{d.rule} appears more than once"
        out[d.rule] = d
    return out


def of_rule(dls, rule: str) -> list:
    return [d for d in dls if d.rule == rule]


def only(dls, rule: str):
    (found,) = of_rule(dls, rule)
    return found


@pytest.fixture
def write_file(tmp_path):
    """write_file("case.yaml", dict_or_text) -> Path in tmp_path; dicts are written as YAML."""

    def write(name: str, content) -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def tiny_profile(offset: dict, field: str = "assessment.plan_decision") -> dict:
    """A one-rule profile counting from `field`: for arithmetic the built-in profiles have no rule for."""
    profile = Profile().load(
        {
            "name": "tiny",
            "label": "Tiny",
            "title": "Tiny",
            "document": "Tiny procedures",
            "authority": {"name": "Tiny Council"},
            "meeting_labels": {"initial": "Initial", "review": "Review"},
            "review_outcomes": {"continue": "Continues."},
            "rules": [
                {
                    "key": "task",
                    "label": "Task",
                    "from": [{"event": "field", "field": field, "label": "the event"}],
                    "offset": offset,
                    "source": "A task must be done within the stated time of the event.",
                }
            ],
        }
    )
    profile["path"] = "tiny.yaml"
    return profile


# ---- initial meeting (Hillingdon) -----------------------------------------------------------------------------


def test_initial_meeting_json_is_the_contract_example():
    data = make_case(
        assessment={"completed": "2026-11-02", "plan_decision": "2026-11-02"},
        meetings=[{"type": "initial", "date": "2026-11-16"}],
    )
    initial = by_rule(deadlines(data, "2026-11-22"))["initial_meeting"]
    assert initial.to_json() == {
        "rule": "initial_meeting",
        "label": "Initial CIN meeting",
        "due": "2026-11-16",
        "due_time": None,
        "ref": None,
        "from": "assessment.plan_decision",
        "from_date": "2026-11-02",
        "basis": "10 working days",
        "moved": None,
        "status": "met",
        "source": "A Child in Need initial meeting must be convened within 10 working days of a decision that the "
        "CIN plan is required.",
    }


@pytest.mark.parametrize(
    ("meeting", "as_of", "status", "satisfied_on"),
    [
        ("2026-11-16", "2026-11-22", "met", "2026-11-16"),  # on the due date
        ("2026-11-09", "2026-11-22", "met", "2026-11-09"),
        ("2026-11-18", "2026-11-22", "late", "2026-11-18"),
        (None, "2026-11-10", "open", None),
        (None, "2026-11-16", "open", None),  # the due date itself is not yet overdue
        (None, "2026-11-17", "overdue", None),
        ("2026-11-20", "2026-11-10", "open", None),  # planned: does not count yet
        ("2026-11-20", "2026-11-18", "overdue", None),  # planned after the deadline, and the deadline passed
        ("2026-11-20", "2026-11-20", "late", "2026-11-20"),  # held today
    ],
)
def test_initial_meeting_status(meeting, as_of, status, satisfied_on):
    data = make_case(
        assessment={"plan_decision": "2026-11-02"}, meetings=[{"type": "initial", "date": meeting}] if meeting else []
    )
    initial = by_rule(deadlines(data, as_of))["initial_meeting"]
    assert initial.due == D("2026-11-16")
    assert initial.status == status
    assert initial.satisfied_on == (D(satisfied_on) if satisfied_on else None)


def test_plan_decision_falls_back_to_assessment_completed():
    only_completed = by_rule(deadlines(make_case(assessment={"completed": "2026-11-02"}), "2026-11-03"))
    assert only_completed["initial_meeting"].from_ == "assessment.completed"
    assert only_completed["initial_meeting"].due == D("2026-11-16")
    both = by_rule(
        deadlines(make_case(assessment={"completed": "2026-11-05", "plan_decision": "2026-11-02"}), "2026-11-03")
    )
    assert both["initial_meeting"].from_ == "assessment.plan_decision"
    assert both["initial_meeting"].due == D("2026-11-16")


def test_no_starting_event_means_no_deadline():
    assert deadlines(make_case(), "2026-11-22") == []


# ---- calendar conventions through the engine ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "offset", "due"),
    [
        ("2026-11-20", {"working_days": 1}, "2026-11-23"),  # Fri + 1 = Mon
        ("2026-11-20", {"working_days": 10}, "2026-12-04"),
        ("2026-11-21", {"working_days": 1}, "2026-11-23"),  # D may be a non-working day
        ("2026-11-20", {"working_days": 0}, "2026-11-20"),  # the same working day
        ("2026-11-21", {"working_days": 0}, "2026-11-23"),
        ("2022-06-01", {"working_days": 1}, "2022-06-06"),  # Spring bank holiday 2 June, Platinum Jubilee 3 June 2022
        ("2022-09-16", {"working_days": 1}, "2022-09-20"),  # State Funeral, 19 September 2022
        ("2023-05-05", {"working_days": 1}, "2023-05-09"),  # Coronation, 8 May 2023
        ("2026-11-26", {"working_days_before": 7}, "2026-11-17"),
        ("2022-06-07", {"working_days_before": 1}, "2022-06-06"),
        ("2022-06-06", {"working_days_before": 1}, "2022-06-01"),
    ],
)
def test_working_day_counting(start, offset, due):
    dl = by_rule(deadlines(make_case(assessment={"plan_decision": start}), "2020-01-01", tiny_profile(offset)))["task"]
    assert dl.due == D(due)
    # Counting working days never needs moving; "the same working day" from a weekend says which days it skipped.
    if offset.get("working_days") == 0 and not CAL.is_working_day(D(start)):
        assert dl.moved == "2026-11-21 is a Saturday"  # Sunday is the rest of the weekend: not named
    else:
        assert dl.moved is None


def test_month_end_clamps_and_moves_to_the_previous_working_day():
    # 2026-11-30 + 3 months = 2027-02-28, a Sunday: due Friday 2027-02-26, and the output says why.
    herts = by_rule(deadlines(make_case("hertfordshire", plan={"start": "2026-11-30"}), "2026-12-01"))
    assert herts["next_review"].due == D("2027-02-26")
    assert herts["next_review"].moved == "2027-02-28 is a Sunday"
    assert herts["next_review"].basis == "3 months"
    assert herts["next_review"].to_json()["moved"] == "2027-02-28 is a Sunday"
    hill = by_rule(deadlines(make_case(meetings=[{"type": "initial", "date": "2026-11-30"}]), "2026-12-01"))
    assert (hill["next_review"].due, hill["next_review"].moved) == (D("2027-02-26"), "2027-02-28 is a Sunday")


def test_calendar_offset_moved_by_a_bank_holiday_names_it():
    hill = by_rule(deadlines(make_case(meetings=[{"type": "initial", "date": "2026-11-16"}]), "2026-11-17"))
    assert hill["next_cin_meeting"].due == D("2026-12-24")  # 6 weeks = Mon 28 December, the Boxing Day substitute
    assert hill["next_cin_meeting"].moved.startswith("2026-12-28 is a bank holiday")


@pytest.mark.parametrize("policy", ["hillingdon", "hertfordshire"])
def test_29_february_birthday_turns_18_on_1_march_and_is_never_moved(policy):
    # timescales.md, Lifecycle: "A child born on 29 February turns 18 on 1 March in a non-leap year."
    dl = by_rule(deadlines(make_case(policy, child={"date_of_birth": "2008-02-29"}), "2026-01-01"))
    turns_18 = dl["child_turns_18"]
    assert turns_18.due == D("2026-03-01")  # a Sunday: a fact, so it stays
    assert not CAL.is_working_day(turns_18.due)
    assert turns_18.moved is None
    assert turns_18.status == "info"
    assert turns_18.kind == "fact"
    # Facts stay "info" after the date too.
    assert (
        by_rule(deadlines(make_case(policy, child={"date_of_birth": "2008-02-29"}), "2026-06-01"))[
            "child_turns_18"
        ].status
        == "info"
    )


# ---- Hertfordshire panel ------------------------------------------------------------------------------------


def test_christmas_day_2025_panel_moves_to_christmas_eve():
    # Plan start 2024-12-01: eligible Monday 2025-12-01, after November's referral deadline (18 November), so the
    # December panel, whose last Thursday is Christmas Day.
    dl = by_rule(deadlines(make_case("hertfordshire", plan={"start": "2024-12-01"}), "2025-11-01"))
    assert dl["panel_eligible"].due == D("2025-12-01")
    panel = dl["panel_date"]
    assert panel.due == D("2025-12-24")
    assert panel.moved == "2025-12-25 is a bank holiday (Christmas Day)"
    assert panel.status == "info"
    assert panel.due_time == dt.time(10, 0)
    referral = dl["panel_referral"]
    assert referral.due == D("2025-12-15")  # 7 working days before Wednesday 24 December
    assert referral.basis == "7 working days before"
    assert referral.from_ == "panel_date"
    assert referral.moved is None


@pytest.mark.parametrize(
    ("plan_start", "eligible", "panel", "referral"),
    [
        ("2025-11-16", "2026-11-16", "2026-11-26", "2026-11-17"),
        ("2025-11-17", "2026-11-17", "2026-11-26", "2026-11-17"),  # the referral deadline is the eligibility date
        ("2025-11-18", "2026-11-18", "2026-12-31", "2026-12-18"),  # one day too late for November
    ],
)
def test_panel_date_is_the_first_last_thursday_with_time_to_refer(plan_start, eligible, panel, referral):
    dl = by_rule(deadlines(make_case("hertfordshire", plan={"start": plan_start}), "2026-01-01"))
    assert dl["panel_eligible"].due == D(eligible)
    assert dl["panel_date"].due == D(panel)
    assert dl["panel_referral"].due == D(referral)


def test_panel_referral_met_by_the_referral_date():
    data = make_case("hertfordshire", plan={"start": "2025-11-16"}, panel={"referred": "2026-11-12"})
    dl = by_rule(deadlines(data, "2026-11-20"))
    assert dl["panel_referral"].status == "met"
    assert dl["panel_eligible"].status == "met"


# ---- per-item rules and refs -------------------------------------------------------------------------------


def test_per_item_rules_carry_the_meeting_ref_and_case_level_rules_none():
    data = make_case(
        assessment={"plan_decision": "2026-11-02"},
        meetings=[
            {"type": "cin", "date": "2026-12-14"},  # listed first, held second
            {"type": "initial", "date": "2026-11-16", "record_completed": "2026-11-17"},
            {"type": "review", "date": "2027-02-10"},  # planned
        ],
        visits=[{"date": "2026-11-30"}],
    )
    dls = deadlines(data, "2026-12-15")
    records = {d.ref: d for d in of_rule(dls, "meeting_record")}
    assert set(records) == {"meetings[0]", "meetings[1]"}
    assert records["meetings[1]"].status == "met"
    assert records["meetings[1]"].from_date == D("2026-11-16")
    assert records["meetings[0]"].due == D("2026-12-16")
    for rule in ("plan_update", "plan_circulation"):
        assert {d.ref for d in of_rule(dls, rule)} == {"meetings[0]", "meetings[1]"}
    case_level = [d for d in dls if d.rule not in ("meeting_record", "plan_update", "plan_circulation")]
    assert case_level and all(d.ref is None for d in case_level)
    assert by_rule(case_level)["next_cin_meeting"].from_ == "meetings[0]"  # the latest held, not the first listed


def test_planned_review_does_not_restart_next_review_but_a_held_one_does():
    data = make_case(meetings=[{"type": "initial", "date": "2026-11-16"}, {"type": "review", "date": "2027-02-10"}])
    before = only(deadlines(data, "2027-02-09"), "next_review")
    assert (before.due, before.from_, before.status) == (D("2027-02-16"), "meetings[0]", "open")
    after = only(deadlines(data, "2027-02-10"), "next_review")
    assert (after.due, after.from_, after.status) == (D("2027-05-10"), "meetings[1]", "open")


def test_planned_visit_neither_satisfies_nor_restarts_next_visit():
    data = make_case(plan={"start": "2026-11-16"}, visits=[{"date": "2026-12-01"}])
    planned = by_rule(deadlines(data, "2026-11-30"))["next_visit"]
    assert (planned.from_, planned.due, planned.status) == ("plan.start", D("2026-12-07"), "open")
    held = by_rule(deadlines(data, "2026-12-01"))["next_visit"]
    # M12: the visit it counts from does not satisfy its own next window.
    assert (held.from_, held.due, held.status, held.satisfied_on) == ("visits[0]", D("2026-12-22"), "open", None)


@pytest.mark.parametrize(
    ("fnm", "present", "status"),
    [
        (None, True, "overdue"),
        ("2026-11-16", False, None),  # the same day as the initial meeting
        ("2026-11-10", False, None),  # before it
        ("2026-11-25", True, "met"),  # after it, within 10 working days
        ("2026-12-07", True, "late"),
    ],
)
def test_family_network_meeting_only_when_none_before_the_initial_meeting(fnm, present, status):
    meetings = [{"type": "initial", "date": "2026-11-16"}]
    if fnm:
        meetings.append({"type": "family_network", "date": fnm})
    dls = by_rule(deadlines(make_case(meetings=meetings), "2026-12-10"))
    assert ("family_network_meeting" in dls) == present
    if present:
        assert dls["family_network_meeting"].due == D("2026-11-30")
        assert dls["family_network_meeting"].status == status


@pytest.mark.parametrize(
    ("disabled", "due", "basis"),
    [
        (True, "2027-02-16", "3 months"),
        (False, "2026-12-24", "6 weeks"),
    ],
)
def test_disabled_child_cin_meetings_every_3_months(disabled, due, basis):
    data = make_case(child={"disabled": disabled}, meetings=[{"type": "initial", "date": "2026-11-16"}])
    dl = by_rule(deadlines(data, "2026-11-17"))["next_cin_meeting"]
    assert (dl.due, dl.basis) == (D(due), basis)
    if disabled:
        assert dl.source.startswith("In the case of disabled children")


@pytest.mark.parametrize(
    ("policy", "interval", "due", "basis"),
    [
        ("hillingdon", None, "2026-12-21", "3 weeks"),
        ("hillingdon", 2, "2026-12-14", "2 weeks (as set in plan.visit_interval_weeks)"),
        ("hertfordshire", None, "2027-01-11", "6 weeks"),
        ("hertfordshire", 5, "2027-01-04", "5 weeks (as set in plan.visit_interval_weeks)"),
    ],
)
def test_visit_interval_weeks_overrides_the_profile_default(policy, interval, due, basis):
    plan = {"start": "2026-11-16"} | ({"visit_interval_weeks": interval} if interval else {})
    dl = by_rule(deadlines(make_case(policy, plan=plan, visits=[{"date": "2026-11-30"}]), "2026-12-01"))["next_visit"]
    assert (dl.due, dl.basis, dl.from_) == (D(due), basis, "visits[0]")


def test_visit_interval_landing_on_a_bank_holiday_moves_back():
    plan = {"start": "2026-11-16", "visit_interval_weeks": 4}
    dl = by_rule(deadlines(make_case("hertfordshire", plan=plan, visits=[{"date": "2026-11-30"}]), "2026-12-01"))
    # 4 weeks after 30 November is Monday 28 December, the Boxing Day substitute.
    assert dl["next_visit"].due == D("2026-12-24")
    assert dl["next_visit"].moved.startswith("2026-12-28 is a bank holiday")


# ---- NRPF -------------------------------------------------------------------------------------------------


NRPF_CASE = dict(
    support="nrpf",
    child={"date_of_birth": "2016-04-02"},
    assessment={"completed": "2026-08-20", "plan_decision": "2026-08-20"},
    plan={"start": "2026-09-01"},
    meetings=[{"type": "initial", "date": "2026-09-01"}, {"type": "review", "date": "2026-11-02"}],
    visits=[{"date": "2026-10-01"}],
    nrpf={"start": "2026-09-01", "checks": ["2026-10-29"], "reviews": []},
)


def test_hillingdon_nrpf_only_visits_checks_reviews_and_18th_birthday():
    dl = by_rule(deadlines(make_case(**NRPF_CASE), "2026-11-22"))
    assert set(dl) == {
        "next_visit",
        "nrpf_check",
        "nrpf_review",
        "child_turns_18",
        "nrpf_subsistence_monitoring",
        "nrpf_subsistence_review",
    }
    assert (dl["next_visit"].due, dl["next_visit"].basis) == (D("2026-12-31"), "3 months")  # 1 January is a holiday
    assert dl["next_visit"].source.startswith("They will be monitored via 3 monthly NRPF/IH home visits")
    assert (dl["nrpf_check"].due, dl["nrpf_check"].from_) == (D("2026-12-29"), "nrpf.checks[0]")
    assert (dl["nrpf_review"].due, dl["nrpf_review"].from_) == (D("2027-03-01"), "nrpf.start")


def test_hillingdon_nrpf_has_no_transfer_in_meeting():
    data = make_case(**NRPF_CASE, transfer={"residence_start": "2026-09-10"})
    assert "transfer_in_meeting" not in by_rule(deadlines(data, "2026-11-22"))


def test_hillingdon_transfer_in_meeting_for_cin():
    data = make_case(
        transfer={"residence_start": "2026-11-10"}, meetings=[{"type": "transfer_in", "date": "2026-12-01"}]
    )
    dl = by_rule(deadlines(data, "2026-12-02"))["transfer_in_meeting"]
    assert (dl.due, dl.status) == (D("2026-12-08"), "met")


@pytest.mark.parametrize(
    ("reviews", "as_of", "due", "from_", "basis"),
    [
        ([], "2026-11-01", "2026-11-24", "nrpf.start", "12 weeks"),
        (["2026-11-24"], "2026-11-30", "2027-05-24", "nrpf.reviews[0]", "6 months"),
        (["2026-11-20", "2027-05-20"], "2027-05-21", "2027-11-19", "nrpf.reviews[1]", "6 months"),  # 20th is a Saturday
        (["2026-11-24"], "2026-11-23", "2026-11-24", "nrpf.start", "12 weeks"),  # a planned review does not count
    ],
)
def test_hertfordshire_nrpf_review_12_weeks_then_6_months(reviews, as_of, due, from_, basis):
    data = make_case("hertfordshire", support="nrpf", nrpf={"start": "2026-09-01", "reviews": reviews})
    dl = by_rule(deadlines(data, as_of))
    assert (dl["nrpf_review"].due, dl["nrpf_review"].from_, dl["nrpf_review"].basis) == (D(due), from_, basis)
    assert dl["nrpf_check"].due == D("2026-09-29")


def test_hertfordshire_nrpf_review_met_by_a_review_after_the_start():
    data = make_case("hertfordshire", support="nrpf", nrpf={"start": "2026-09-01", "reviews": ["2026-11-20"]})
    # The review restarts the rule; the 12-week deadline it met is no longer shown, only the next one.
    dl = by_rule(deadlines(data, "2026-11-20"))["nrpf_review"]
    assert dl.from_ == "nrpf.reviews[0]" and dl.status == "open"


# ---- Hertfordshire health reports ---------------------------------------------------------------------------


HEALTH = [
    {"name": "Dr Asha Rao", "role": "GP", "agency": "Riverside Surgery", "agency_type": "health"},
    {"name": "Mr Ben Cole", "role": "Teacher", "agency": "Hill School", "agency_type": "education"},
]


def test_health_report_48_hours_before_a_planned_meeting_with_a_time():
    data = make_case(
        "hertfordshire",
        professionals=HEALTH,
        meetings=[
            {"type": "review", "date": "2026-12-03", "time": "10:00"},  # Thursday: Tuesday 10:00
            {"type": "cin", "date": "2026-11-30", "time": "14:30"},  # Monday: Saturday -> Friday 14:30
            {"type": "review", "date": "2026-12-10"},  # no time: no deadline
            {"type": "initial", "date": "2026-11-16", "time": "09:00"},  # held: no deadline
        ],
    )
    reports = {d.ref: d for d in of_rule(deadlines(data, "2026-11-20"), "health_report")}
    assert set(reports) == {"meetings[0]", "meetings[1]"}
    first = reports["meetings[0]"]
    assert (first.due, first.due_time, first.moved) == (D("2026-12-01"), dt.time(10, 0), None)
    assert first.to_json()["due_time"] == "10:00"
    second = reports["meetings[1]"]
    assert (second.due, second.due_time) == (D("2026-11-27"), dt.time(14, 30))
    assert second.moved == "2026-11-28 is a Saturday"
    assert second.basis == "48 hours before"


def test_health_report_across_christmas_and_met_by_a_health_report():
    data = make_case(
        "hertfordshire",
        professionals=HEALTH,
        meetings=[
            {
                "type": "review",
                "date": "2026-12-29",
                "time": "11:00",
                "reports_received": [{"by": "Mr Ben Cole", "received": "2026-12-21"}],
            },
            {
                "type": "review",
                "date": "2027-01-05",
                "time": "11:00",
                "reports_received": [{"by": "Dr Asha Rao", "received": "2026-12-21"}],
            },
        ],
    )
    reports = {d.ref: d for d in of_rule(deadlines(data, "2026-12-22"), "health_report")}
    # Tue 29 Dec 11:00 - 48 h = Sun 27 Dec: the previous working day is Thu 24 Dec.
    assert reports["meetings[0]"].due == D("2026-12-24")
    assert reports["meetings[0]"].status == "open"  # a teacher's report is not a health report
    assert reports["meetings[1]"].status == "met"
    # Tue 5 Jan 2027 11:00 - 48 h = Sun 3 Jan; Fri 1 Jan is New Year's Day: Thu 31 Dec.
    assert (reports["meetings[1]"].due, reports["meetings[1]"].due_time) == (D("2026-12-31"), dt.time(11, 0))


# ---- Hertfordshire escalation ----------------------------------------------------------------------------------


def _escalation_deadlines(escalations, as_of):
    dls = deadlines(make_case("hertfordshire", escalations=escalations), as_of)
    return {(d.rule, d.ref): d for d in dls if d.rule.startswith("escalation_")}


def test_escalation_raise_within_2_working_days_or_the_same_day_at_immediate_risk():
    dls = _escalation_deadlines(
        [
            {"disagreement": "2026-11-18"},
            {"disagreement": "2026-11-18", "immediate_risk": True},
            {"disagreement": "2026-11-21", "immediate_risk": True},  # a Saturday: Monday
        ],
        "2026-11-18",
    )
    assert set(dls) == {("escalation_raise", f"escalations[{i}]") for i in range(3)}
    normal, urgent, weekend = (dls[("escalation_raise", f"escalations[{i}]")] for i in range(3))
    assert (normal.due, normal.basis, normal.from_) == (
        D("2026-11-20"),
        "2 working days",
        "escalations[0].disagreement",
    )
    assert (urgent.due, urgent.basis) == (D("2026-11-18"), "the same working day")
    # 6.3.4: "consult the relevant senior officer as a matter of urgency": the urgent bypass is named.
    assert "6.3.4" in urgent.to_json()["basis"] and "senior officer" in urgent.note
    assert urgent.source.endswith("(6.3.1)")
    assert (weekend.due, weekend.moved) == (D("2026-11-23"), "2026-11-21 is a Saturday")


def test_escalation_stage_refs_follow_the_contract():
    # Stages listed out of order: a ref is the item's place in the file, not its stage number.
    escalation = {
        "disagreement": "2026-11-18",
        "stages": [
            {"stage": 2, "started": "2026-11-24", "resolved": "2026-11-26"},
            {"stage": 1, "started": "2026-11-19"},
        ],
    }
    dls = _escalation_deadlines([escalation], "2026-11-30")
    assert set(dls) == {
        ("escalation_raise", "escalations[0]"),
        ("escalation_stage1_response", "escalations[0].stages[1]"),
        ("escalation_stage2_start", "escalations[0].stages[1]"),  # counts from the stage 1 item
        ("escalation_stage2_resolution", "escalations[0].stages[0]"),
        ("escalation_confirm", "escalations[0].stages[0]"),  # the resolved stage
    }
    assert dls[("escalation_raise", "escalations[0]")].status == "met"  # stage 1 started on the 19th
    response = dls[("escalation_stage1_response", "escalations[0].stages[1]")]
    assert (response.due, response.status) == (D("2026-11-24"), "overdue")
    stage2 = dls[("escalation_stage2_start", "escalations[0].stages[1]")]
    assert (stage2.due, stage2.status, stage2.basis) == (D("2026-11-24"), "met", "the same working day")
    resolution = dls[("escalation_stage2_resolution", "escalations[0].stages[0]")]
    assert (resolution.due, resolution.status) == (D("2026-11-27"), "met")
    confirm = dls[("escalation_confirm", "escalations[0].stages[0]")]
    assert (confirm.due, confirm.from_date, confirm.status) == (D("2026-11-30"), D("2026-11-26"), "open")


def test_stage2_start_only_when_stage1_is_unresolved_by_its_deadline():
    resolved = _escalation_deadlines(
        [{"disagreement": "2026-11-18", "stages": [{"stage": 1, "started": "2026-11-19", "resolved": "2026-11-23"}]}],
        "2026-11-30",
    )
    assert {rule for rule, _ in resolved} == {"escalation_raise", "escalation_stage1_response", "escalation_confirm"}
    assert resolved[("escalation_stage1_response", "escalations[0].stages[0]")].status == "met"
    confirm = resolved[("escalation_confirm", "escalations[0].stages[0]")]
    assert confirm.due == D("2026-11-25")
    unresolved = _escalation_deadlines(
        [{"disagreement": "2026-11-18", "stages": [{"stage": 1, "started": "2026-11-19"}]}], "2026-11-30"
    )
    assert unresolved[("escalation_stage2_start", "escalations[0].stages[0]")].status == "overdue"
    resolved_late = _escalation_deadlines(
        [{"disagreement": "2026-11-18", "stages": [{"stage": 1, "started": "2026-11-19", "resolved": "2026-11-26"}]}],
        "2026-11-30",
    )
    assert ("escalation_stage2_start", "escalations[0].stages[0]") in resolved_late
    not_yet = _escalation_deadlines(
        [{"disagreement": "2026-11-18", "stages": [{"stage": 1, "started": "2026-11-19", "resolved": "2026-11-23"}]}],
        "2026-11-20",
    )
    # Resolution recorded for a date after as_of does not count yet.
    assert not_yet[("escalation_stage2_start", "escalations[0].stages[0]")].status == "open"


def test_stage3_and_stage4():
    dls = _escalation_deadlines(
        [
            {
                "disagreement": "2026-11-02",
                "stages": [
                    {"stage": 1, "started": "2026-11-03"},
                    {"stage": 2, "started": "2026-11-06"},
                    {"stage": 3, "started": "2026-11-11", "resolved": "2026-11-20"},
                    {"stage": 4, "started": "2026-11-23"},
                ],
            }
        ],
        "2026-11-30",
    )
    stage3_start = dls[("escalation_stage3_start", "escalations[0].stages[1]")]
    assert (stage3_start.due, stage3_start.status) == (D("2026-11-11"), "met")
    stage3 = dls[("escalation_stage3_resolution", "escalations[0].stages[2]")]
    assert (stage3.due, stage3.status) == (D("2026-11-18"), "late")
    stage4 = dls[("escalation_stage4_recommendation", "escalations[0].stages[3]")]
    assert (stage4.due, stage4.status) == (D("2026-11-30"), "open")
    assert ("escalation_confirm", "escalations[0].stages[2]") in dls
    assert ("escalation_confirm", "escalations[0].stages[3]") not in dls  # stage 4 makes recommendations


def test_hillingdon_case_with_escalations_says_it_has_no_escalation_protocol(write_file):
    path = write_file("case.yaml", make_case(escalations=[{"disagreement": "2026-11-18"}]))
    with pytest.raises(CaseValidationError) as info:
        api.load(path)
    message = str(info.value)
    assert "escalations" in message
    assert "hillingdon policy has no escalation protocol" in message
    assert "extends: hertfordshire" in message


def test_meeting_type_the_profile_does_not_know_names_the_field(write_file):
    write_file(
        "tiny.yaml",
        {
            "name": "tiny",
            "label": "Tiny",
            "title": "Tiny",
            "document": "Tiny procedures",
            "authority": {"name": "Tiny Council"},
            "meeting_labels": {"initial": "Initial", "review": "Review"},
            "review_outcomes": {"continue": "Continues."},
            "rules": [
                {
                    "key": "task",
                    "label": "Task",
                    "from": [{"event": "plan_start", "label": "the start"}],
                    "offset": {"weeks": 1},
                    "source": "A task must be done within a week of the start.",
                }
            ],
        },
    )
    path = write_file(
        "case.yaml",
        make_case(
            "./tiny.yaml", meetings=[{"type": "initial", "date": "2026-11-16"}, {"type": "panel", "date": "2026-11-20"}]
        ),
    )
    with pytest.raises(CaseValidationError) as info:
        api.load(path)
    assert info.value.errors[0][0] == "meetings[1].type"
    assert "no 'panel' meeting" in info.value.errors[0][1]


# ---- the minimal case file ------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["hillingdon", "hertfordshire"])
def test_minimal_case_file_validates_and_gives_deadlines(write_file, policy):
    path = write_file(
        "case.yaml",
        f"""\
case_id: MIN-1
policy: {policy}
child:
  first_name: Test
  last_name: Child
  date_of_birth: 2016-04-02
assessment:
  plan_decision: 2026-11-02
plan:
  start: 2026-11-16
""",
    )
    case = api.load(path)
    assert case.data["child"]["disabled"] is False
    assert case.data["support"] == "cin"
    out = api.due_dates_json(case, D("2026-11-20"))
    rules = {d["rule"] for d in out["deadlines"]}
    assert {"next_visit", "plan_end_expected", "child_turns_18"} <= rules
    if policy == "hillingdon":
        assert "initial_meeting" in rules


# ---- properties --------------------------------------------------------------------------------------------------


dates = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2029, 12, 31))


@st.composite
def minimal_cases(draw):
    policy = draw(st.sampled_from(["hillingdon", "hertfordshire"]))
    decision = draw(dates)
    data = make_case(
        policy,
        child={
            "date_of_birth": draw(st.dates(dt.date(2004, 1, 1), dt.date(2020, 12, 31))),
            "disabled": draw(st.booleans()),
        },
        support=draw(st.sampled_from(["cin", "nrpf"])),
        assessment={"plan_decision": decision},
    )
    meetings = []
    if draw(st.booleans()):
        initial = decision + dt.timedelta(days=draw(st.integers(0, 40)))
        meetings.append({"type": "initial", "date": initial, "time": dt.time(draw(st.integers(8, 17)), 0)})
        for gap in draw(st.lists(st.integers(20, 120), max_size=3)):
            meetings.append(
                {
                    "type": draw(st.sampled_from(["review", "cin", "family_network"])),
                    "date": meetings[-1]["date"] + dt.timedelta(days=gap),
                    "time": dt.time(draw(st.integers(8, 17)), 30),
                }
            )
    data["meetings"] = meetings
    data["visits"] = [
        {"date": decision + dt.timedelta(days=d)} for d in draw(st.lists(st.integers(0, 200), max_size=3))
    ]
    if data["support"] == "nrpf":
        data["nrpf"] = {
            "start": decision,
            "reviews": [decision + dt.timedelta(days=d) for d in draw(st.lists(st.integers(1, 300), max_size=2))],
        }
    if policy == "hertfordshire" and draw(st.booleans()):
        disagreement = decision + dt.timedelta(days=draw(st.integers(0, 60)))
        stages = []
        start = disagreement
        for stage in range(1, draw(st.integers(0, 4)) + 1):
            start = start + dt.timedelta(days=draw(st.integers(0, 7)))
            resolved = draw(st.none() | st.integers(0, 10).map(lambda n, s=start: s + dt.timedelta(days=n)))
            stages.append({"stage": stage, "started": start, "resolved": resolved})
        data["escalations"] = [{"disagreement": disagreement, "immediate_risk": draw(st.booleans()), "stages": stages}]
    if draw(st.booleans()):
        # The plan ended (plan.end) some time after the decision: lifecycle rules must hold too.
        data["plan"] = {"end": decision + dt.timedelta(days=draw(st.integers(30, 400)))}
    if draw(st.booleans()):
        data.setdefault("plan", {})["longer_term_support"] = True
    as_of = decision + dt.timedelta(days=draw(st.integers(-30, 400)))
    return data, as_of


@settings(max_examples=100, deadline=None)
@given(minimal_cases())
def test_engine_properties(case_and_as_of):
    data, as_of = case_and_as_of
    dls = deadlines(data, as_of.isoformat())
    profile = load_profile(data["policy"])
    behaviour = {r["key"]: r["plan_end"] for r in profile["rules"]}
    dob = D(str(data["child"]["date_of_birth"]))
    ends = [birthday(dob, 18)] + ([D(str(data["plan"]["end"]))] if data.get("plan", {}).get("end") else [])
    plan_end = min(ends)
    for d in dls:
        if d.kind == "fact":
            assert d.status == "info"
            continue
        assert CAL.is_working_day(d.due), d
        if behaviour[d.rule] == "stop":
            # Cadence and plan-start rules: nothing due after the plan end.
            assert d.due <= plan_end, d
        if d.rule == "health_report":
            # M11: only planned meetings (dated after as_of) ask for a written report.
            assert D(str(data["meetings"][int(d.ref[9:-1])]["date"])) > as_of, d
        if d.kind == "target":
            # Targets are never overdue or late.
            assert d.status in ("open", "met", "passed", "info"), d
        elif d.status == "info":
            assert data.get("plan", {}).get("longer_term_support") or d.rule == "transfer_in_meeting", d
        elif d.satisfied_on is not None:
            assert d.satisfied_on <= as_of
            assert d.status == ("met" if d.satisfied_on <= d.due else "late")
        elif d.status == "missed":
            assert behaviour[d.rule] == "stop" and plan_end <= as_of and d.due <= plan_end, d
        else:
            assert d.status == ("overdue" if as_of > d.due else "open")
            assert behaviour[d.rule] != "stop" or plan_end > as_of, d
        if d.lapse:
            assert d.status == "late" and d.ref and d.history, d
        if not d.basis.endswith(" before"):
            assert d.due >= d.from_date, d
        if d.moved:
            original = D(d.moved.split(" ")[0])
            assert not CAL.is_working_day(original)
            if original > d.due:
                assert CAL.on_or_before(original) == d.due
            else:  # "the same working day" from a non-working day: the next working day
                assert original < d.due and d.basis.startswith("the same working day")
                assert CAL.on_or_after(original) == d.due
    # Sorted soonest first, and the JSON form is the contract's.
    assert [(d.due, d.due_time or dt.time(0)) for d in dls] == sorted((d.due, d.due_time or dt.time(0)) for d in dls)
    for d in dls:
        assert set(d.to_json()) == {
            "rule",
            "label",
            "due",
            "due_time",
            "ref",
            "from",
            "from_date",
            "basis",
            "moved",
            "status",
            "source",
        }


@settings(max_examples=60, deadline=None)
@given(decision=dates, meeting_days=st.integers(0, 30), as_of_days=st.integers(-10, 60))
def test_initial_meeting_property(decision, meeting_days, as_of_days):
    meeting = decision + dt.timedelta(days=meeting_days)
    as_of = decision + dt.timedelta(days=as_of_days)
    data = make_case(assessment={"plan_decision": decision}, meetings=[{"type": "initial", "date": meeting}])
    dl = by_rule(deadlines(data, as_of.isoformat()))["initial_meeting"]
    assert dl.due == CAL.add_working_days(decision, 10)
    assert CAL.working_days_between(decision, dl.due) == 10
    if meeting <= as_of:
        assert dl.status == ("met" if meeting <= dl.due else "late")
    else:
        assert dl.status == ("overdue" if as_of > dl.due else "open")


def test_a_visit_where_the_child_was_not_seen_does_not_count():
    # Both policies: "The child must be seen." A visit with seen: false neither restarts nor satisfies next_visit.
    data = make_case(plan={"start": "2026-11-16"}, visits=[{"date": "2026-11-20", "seen": False}])
    visit = by_rule(deadlines(data, "2026-11-23"))["next_visit"]
    assert (visit.from_, visit.due, visit.satisfied_on) == ("plan.start", D("2026-12-07"), None)


def test_records_dated_before_their_meeting_are_refused():
    from cin_docs.errors import CaseValidationError

    data = make_case(meetings=[{"type": "initial", "date": "2026-11-16", "record_completed": "2026-11-01"}])
    with pytest.raises(CaseValidationError) as info:
        deadlines(data, "2026-11-23")
    assert ("meetings[0].record_completed", "Cannot be before the meeting.") in info.value.errors


def test_stage1_resolved_after_its_deadline_makes_stage2_start_late_not_overdue_for_ever():
    dls = _escalation_deadlines(
        [{"disagreement": "2026-11-18", "stages": [{"stage": 1, "started": "2026-11-19", "resolved": "2026-11-26"}]}],
        "2026-12-30",
    )
    start2 = dls[("escalation_stage2_start", "escalations[0].stages[0]")]
    assert (start2.due, start2.status, start2.satisfied_on) == (D("2026-11-24"), "late", D("2026-11-26"))

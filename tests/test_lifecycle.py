"""When rules stop, targets, lapses (timescales.md "Lifecycle"), hand-worked from the seeds.

Bank holidays used (England & Wales): 2026 Good Friday 3 Apr, Easter Monday 6 Apr, Spring 25 May, Christmas Fri 25
Dec and Mon 28 Dec (substitute for Boxing Day); 2027 New Year Fri 1 Jan, Spring Mon 31 May, Christmas Sat 25 Dec
-> Mon 27 Dec and Boxing Day Sun 26 Dec -> Tue 28 Dec (substitutes); 2028 New Year Sat 1 Jan -> Mon 3 Jan,
Good Friday 14 Apr, Easter Monday 17 Apr.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml
from click.testing import CliRunner
from factories import case_data

from cin_docs import api
from cin_docs.calendar import WorkingCalendar, birthday
from cin_docs.cli import cli
from cin_docs.errors import CaseValidationError
from cin_docs.models import validate_data
from cin_docs.policies.engine import compute_deadlines
from cin_docs.policies.profile import load_profile

D = dt.date.fromisoformat
REPO = __import__("pathlib").Path(__file__).resolve().parents[1]
CAL = WorkingCalendar()
HEALTH = {
    "name": "Dr Nia Hale",
    "role": "Community Paediatrician",
    "agency": "Westcote Child Health",
    "agency_type": "health",
}
SCHOOL = {"name": "Ann Roe", "role": "DSL", "agency": "Westcote Primary", "agency_type": "education"}


def case(policy: str = "hillingdon", child: dict | None = None, **fields) -> dict:
    return case_data("LIF-1", policy, {"date_of_birth": "2015-06-01", **(child or {})}, **fields)


def run(data: dict, as_of: str):
    validated = validate_data(copy.deepcopy(data))
    return compute_deadlines(validated, load_profile(validated["policy"]), D(as_of))


def of(dls, rule: str, ref: str | None = "any"):
    return [d for d in dls if d.rule == rule and (ref == "any" or d.ref == ref)]


def one(dls, rule: str, ref: str | None = "any"):
    (found,) = of(dls, rule, ref)
    return found


# ---- plan end: the earliest of plan.end, closure.date and the 18th birthday ---------------------------------

INITIAL_DEC = [{"type": "initial", "date": "2025-12-01"}]


def test_29_february_birthday_plan_ends_on_1_march():
    # 003 2.8: "A Child in Need Plan can cease ... The child's 18th birthday". Born 29 Feb 2008: 18 on Sun 1 Mar 2026
    # (not 28 Feb). Initial meeting Mon 1 Dec 2025: first review + 3 months = Sun 1 Mar 2026 -> Fri 27 Feb.
    data = case(child={"date_of_birth": "2008-02-29"}, meetings=INITIAL_DEC)
    assert birthday(D("2008-02-29"), 18) == D("2026-03-01")
    # On Sat 28 Feb the plan has not ended (it ends on the birthday, 1 March): the review is overdue, work to do.
    review = one(run(data, "2026-02-28"), "next_review")
    assert (review.due, review.status) == (D("2026-02-27"), "overdue")
    # From 1 March the plan has ended: the review that never happened is missed, a lapse on the record.
    dls = run(data, "2026-03-02")
    assert (one(dls, "next_review").status, one(dls, "next_review").history) == ("missed", True)
    assert one(dls, "child_turns_18").due == D("2026-03-01")
    # Nothing due after the birthday: the 8-month panel (1 Aug 2026) and 9-month review (1 Sep 2026) are gone.
    assert not of(dls, "panel_identification") and not of(dls, "manager_review")


def test_an_18th_birthday_still_to_come_stops_rules_due_after_it():
    # Born 15 Mar 2008: 18 on Sun 15 Mar 2026. As of Mon 2 Feb 2026 the plan is live: the review due Fri 27 Feb is
    # open, and the CIN meeting and visit cadence stop at the birthday (nothing listed for May).
    data = case(
        child={"date_of_birth": "2008-03-15"},
        meetings=INITIAL_DEC + [{"type": "cin", "date": "2026-01-12"}],
        visits=[{"date": "2026-01-30"}],
    )
    dls = run(data, "2026-02-02")
    assert one(dls, "next_review").status == "open"
    assert all(d.due <= D("2026-03-15") for d in dls if d.rule.startswith("next_"))
    # Next CIN meeting: Mon 12 Jan + 6 weeks = Mon 23 Feb (before the birthday): open.
    assert (one(dls, "next_cin_meeting", None).due, one(dls, "next_cin_meeting", None).status) == (
        D("2026-02-23"),
        "open",
    )


def test_closure_ends_the_plan_and_missed_is_not_overdue(tmp_path):
    # 000: "The team manager is responsible for reviewing the case at 9 month for any CIN plan that has not
    # concluded." Plan start Mon 1 Dec 2025; closed Fri 28 Aug 2026 (RC7): the 9-month review (1 Sep) is not due.
    # The 8-month panel identification (Sat 1 Aug -> Fri 31 Jul 2026) fell due before the closure: missed.
    done = {"record_completed": "2025-12-02", "plan_updated": "2025-12-02", "plan_circulated": "2025-12-05"}
    data = case(
        plan={"start": "2025-12-01"},
        meetings=[{**INITIAL_DEC[0], **done}],
        closure={"date": "2026-08-28", "reason": "RC7"},
    )
    dls = run(data, "2026-11-23")
    assert not of(dls, "manager_review")
    panel = one(dls, "panel_identification")
    assert (panel.due, panel.status, panel.moved) == (D("2026-07-31"), "missed", "2026-08-01 is a Saturday")
    assert not [d for d in dls if d.status == "overdue"]
    # The table lists the missed ones under History and counts only `overdue` as overdue.
    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = CliRunner().invoke(cli, ["due-dates", str(file), "--as-of", "2026-11-23"]).output
    current, _, history = out.partition("History (on the record, not things to do)")
    assert "Identify the case for the CIN panel" in history and "Identify the case" not in current
    assert "overdue." not in out


def test_plan_end_field_ends_the_plan_and_per_item_rules_still_apply():
    # Plan ended at the review of Tue 30 Jun 2026 (plan.end). "The social worker must record the CIN meeting ...
    # within 2 working days" still applies to that review: due Thu 2 Jul, after the plan end, overdue.
    data = case(
        plan={"start": "2026-03-31", "end": "2026-06-30"},
        meetings=[
            {
                "type": "initial",
                "date": "2026-03-31",
                "record_completed": "2026-04-01",
                "plan_updated": "2026-04-01",
                "plan_circulated": "2026-04-02",
            },
            {"type": "review", "date": "2026-06-30"},
            {"type": "cin", "date": "2026-07-07"},
        ],
    )
    dls = run(data, "2026-07-10")
    record = one(dls, "meeting_record", "meetings[1]")
    assert (record.due, record.status) == (D("2026-07-02"), "overdue")
    # A meeting dated after the plan end starts nothing.
    assert not of(dls, "meeting_record", "meetings[2]")
    # Cadence rules after it: none. (Review + 3 months, CIN meeting + 6 weeks are after 30 June.)
    assert not of(dls, "next_review", None) and not of(dls, "next_cin_meeting", None)


def test_a_window_closing_on_the_plan_end_day_is_kept_as_missed():
    # Plan start Mon 2 Nov 2026 + 3 weeks = Mon 23 Nov: the plan ended that very day (plan.end) with no visit.
    # Due on (not after) the plan end: it stays, as missed.
    dls = run(case(plan={"start": "2026-11-02", "end": "2026-11-23"}), "2026-11-30")
    assert [(d.due, d.status) for d in of(dls, "next_visit")] == [(D("2026-11-23"), "missed")]


# ---- targets ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "fields", "as_of", "due", "status"),
    [
        # Plan start Mon 12 Jan 2026. 000: "Most CIN plans will envisage that Children's Services intervention will end
        # within 12 months": Tue 12 Jan 2027.
        ("hillingdon", {}, "2027-01-12", "2027-01-12", "open"),
        ("hillingdon", {}, "2027-01-13", "2027-01-12", "passed"),  # never "overdue"
        ("hillingdon", {"end": "2026-12-18"}, "2027-02-01", "2027-01-12", "met"),
        ("hillingdon", {"end": "2027-01-29"}, "2027-02-01", "2027-01-12", "passed"),  # ended after it: never "late"
        # 003 2.5: "A Child in Need plan should normally cease within 12 to 15 months": Mon 12 Apr 2027.
        ("hertfordshire", {}, "2027-04-13", "2027-04-12", "passed"),
        ("hertfordshire", {"end": "2027-03-31"}, "2027-04-13", "2027-04-12", "met"),
    ],
)
def test_targets_are_open_met_or_passed(policy, fields, as_of, due, status):
    data = case(policy, plan={"start": "2026-01-12", **fields})
    target = one(run(data, as_of), "plan_end_expected")
    assert (target.due, target.status) == (D(due), status)


@pytest.mark.parametrize(
    ("policy", "reason", "quote"),
    [
        (
            "hillingdon",
            "meets the criteria for the Children with Disabilities Team",
            "Exceptions to this will be those cases where the plan acknowledges the need for longer term support",
        ),
        (
            "hertfordshire",
            "meets the criteria for the 0-25 Together Service",
            "Exceptions to this will be those cases where the CiN plan acknowledges the need for longer term support",
        ),
    ],
)
def test_longer_term_support_makes_the_target_information(policy, reason, quote):
    data = case(policy, plan={"start": "2025-06-02", "longer_term_support": True, "longer_term_reason": reason})
    target = one(run(data, "2026-11-23"), "plan_end_expected")
    assert target.status == "info"
    assert quote in target.source and "disabled children" in target.source
    assert reason in target.note and reason in target.to_json()["basis"]
    # Without a reason the note says none was recorded, rather than printing nothing.
    data["plan"].pop("longer_term_reason")
    assert "no reason recorded" in one(run(data, "2026-11-23"), "plan_end_expected").note


# ---- lapses on the record ------------------------------------------------------------------------------------


def test_visit_lapses_stay_on_the_record_and_unseen_visits_do_not_count():
    # 000: "At least once every 3 weeks". Plan start Mon 2 Nov 2026; visits Fri 20 Nov (met: due Mon 23 Nov), then
    # a visit on Fri 4 Dec where the child was not seen (neither meets nor restarts), then Thu 17 Dec.
    # Fri 20 Nov + 3 weeks = Fri 11 Dec: the next visit that counts came Thu 17 Dec, late -> ref visits[2].
    # Thu 17 Dec + 3 weeks = Thu 7 Jan 2027: the current window, ref null.
    data = case(
        plan={"start": "2026-11-02"},
        visits=[{"date": "2026-11-20"}, {"date": "2026-12-04", "seen": False}, {"date": "2026-12-17"}],
    )
    dls = of(run(data, "2026-12-21"), "next_visit")
    assert [(d.due, d.ref, d.status, d.history) for d in dls] == [
        (D("2026-12-11"), "visits[2]", "late", True),
        (D("2027-01-07"), None, "open", False),
    ]
    assert dls[0].from_ == "visits[0]"


def test_review_lapse_hertfordshire_three_then_six_months():
    # 003 2.5: "no more than 3 months from the initial plan and then within each further six months". Plan start
    # Mon 16 Mar 2026: first review due Tue 16 Jun; held Tue 30 Jun (late, ref meetings[1]); next + 6 months = Wed
    # 30 Dec 2026 (over Christmas, a working day).
    data = case(
        "hertfordshire",
        plan={"start": "2026-03-16"},
        meetings=[{"type": "initial", "date": "2026-03-16"}, {"type": "review", "date": "2026-06-30"}],
    )
    dls = of(run(data, "2026-11-23"), "next_review")
    assert [(d.due, d.ref, d.status) for d in dls] == [
        (D("2026-06-16"), "meetings[1]", "late"),
        (D("2026-12-30"), None, "open"),
    ]


def test_cin_meeting_lapse_refs_the_meeting_that_met_it():
    # 000: "subsequent CIN meetings should be held at least every 4 to 6 weeks". Initial Mon 7 Sep 2026 + 6 weeks =
    # Mon 19 Oct: next CIN meeting Thu 22 Oct (late). 22 Oct + 6 weeks = Thu 3 Dec: met by the review on 1 Dec.
    data = case(
        meetings=[
            {"type": "initial", "date": "2026-09-07"},
            {"type": "cin", "date": "2026-10-22"},
            {"type": "review", "date": "2026-12-01"},
        ]
    )
    dls = of(run(data, "2026-12-02"), "next_cin_meeting")
    assert [(d.due, d.ref, d.status) for d in dls] == [
        (D("2026-10-19"), "meetings[1]", "late"),
        (D("2027-01-12"), None, "open"),
    ]


# ---- the initial meeting, held or planned -----------------------------------------------------------------------


def test_planned_initial_meeting_gives_forecast_dates_in_both_profiles():
    planned = [{"type": "initial", "date": "2026-12-03", "time": "10:00"}]
    hill = run(case(meetings=planned), "2026-11-23")
    # 000: "The first review should be held within 3 months of the initial meeting": Thu 3 Dec + 3 months = Wed 3
    # Mar 2027; the family network meeting + 10 working days = Thu 17 Dec 2026.
    assert (one(hill, "next_review").due, one(hill, "next_review").status) == (D("2027-03-03"), "open")
    assert one(hill, "family_network_meeting").due == D("2026-12-17")
    assert one(hill, "next_cin_meeting").due == D("2027-01-14")
    herts = run(case("hertfordshire", meetings=planned), "2026-11-23")
    assert one(herts, "next_review").due == D("2027-03-03")
    assert one(herts, "second_review_check").due == D("2027-09-03")


# ---- Hillingdon additions ---------------------------------------------------------------------------------------


def test_transfer_in_meeting_starts_the_plan_and_counts_as_a_cin_meeting():
    # 000: "Receiving local authorities should seek to convene a Child in Need Meeting within 20 working days".
    data = case(transfer={"residence_start": "2026-10-05"}, meetings=[{"type": "transfer_in", "date": "2026-10-29"}])
    dls = run(data, "2026-11-23")
    assert one(dls, "transfer_in_meeting").status == "met"
    assert {d.rule for d in dls if d.ref == "meetings[0]"} == {"meeting_record", "plan_update", "plan_circulation"}
    assert one(dls, "next_visit").from_ == "meetings[0]"  # plan start: the transfer-in meeting
    assert one(dls, "next_review").due == D("2027-01-29")


def test_transfer_out_makes_the_20_day_meeting_the_receiving_authoritys_information():
    data = case(
        transfer={
            "direction": "out",
            "residence_start": "2026-11-14",
            "receiving_authority": {"name": "Borough of Westmere"},
        }
    )
    d = one(run(data, "2027-01-04"), "transfer_in_meeting")
    assert (d.due, d.status) == (D("2026-12-11"), "info")  # never overdue here
    assert d.note == (
        "the family is moving out: the receiving authority must convene a CIN meeting by Friday 11 December 2026"
    )


@pytest.mark.parametrize(
    ("support", "expected"),
    [
        ("cin", {"nrpf_subsistence_monitoring"}),
        ("nrpf", {"nrpf_subsistence_monitoring", "nrpf_subsistence_review"}),
    ],
)
def test_hillingdon_subsistence_monitoring_monthly_and_review_three_monthly(support, expected):
    # 000: "monthly monitoring of subsistence payments" (CIN and NRPF); "The subsistence provision will be reviewed
    # every 3 months via the recurring payments" (NRPF only). Start Sat 3 Oct 2026: + 1 month = Tue 3 Nov; + 3
    # months = Sun 3 Jan 2027 -> Thu 31 Dec 2026 (Sat 2 Jan; Fri 1 Jan is New Year's Day).
    data = case(
        support=support,
        nrpf={"start": "2026-10-03"},
        meetings=[{"type": "initial", "date": "2026-10-05"}] if support == "cin" else [],
    )
    dls = run(data, "2026-10-05")
    assert {d.rule for d in dls if d.rule.startswith("nrpf_subsistence")} == expected
    assert one(dls, "nrpf_subsistence_monitoring").due == D("2026-11-03")
    if support == "nrpf":
        review = one(dls, "nrpf_subsistence_review")
        assert (review.due, review.moved) == (
            D("2026-12-31"),
            "2027-01-03 is a Sunday; 2027-01-01 is a bank holiday (New Year's Day)",
        )
        assert (
            "brought forward from Sunday 3 January 2027; Friday 1 January 2027 is a bank holiday"
            in review.explanation()
        )


def test_latest_check_is_the_latest_date_not_the_last_listed():
    # M38: checks listed newest first. 000: "2 monthly NRPF Connect checks": Thu 29 Oct + 2 months = Tue 29 Dec 2026.
    data = case(
        support="nrpf",
        nrpf={"start": "2026-06-01", "checks": ["2026-10-29", "2026-09-30"], "reviews": ["2026-11-02", "2026-06-30"]},
    )
    dls = run(data, "2026-11-23")
    assert (one(dls, "nrpf_check").due, one(dls, "nrpf_check").from_) == (D("2026-12-29"), "nrpf.checks[0]")
    # "6 monthly NRPF/IH reviews": Mon 2 Nov 2026 + 6 months = Sun 2 May 2027 -> Fri 30 Apr 2027.
    assert (one(dls, "nrpf_review").due, one(dls, "nrpf_review").from_) == (D("2027-04-30"), "nrpf.reviews[0]")


# ---- Hertfordshire additions ------------------------------------------------------------------------------------


def test_hertfordshire_nrpf_has_no_section_2_rules():
    # M18 / 003 2.5: "For children and young people in families with No Recourse to Public Funds (NRPF), see
    # Section 4 for the review process". Even with a plan start and meetings.
    data = case(
        "hertfordshire",
        support="nrpf",
        plan={"start": "2026-06-01"},
        visits=[{"date": "2026-06-04"}],
        nrpf={"start": "2026-06-01"},
    )
    rules = {d.rule for d in run(data, "2026-11-23")}
    assert "nrpf_review" in rules and "nrpf_review_visit" in rules
    assert not rules & {
        "next_review",
        "next_visit",
        "second_review_check",
        "independent_chair",
        "plan_end_expected",
        "panel_eligible",
        "panel_date",
        "panel_referral",
    }


def test_hertfordshire_nrpf_review_visit_within_the_preceding_month():
    # 4.2: "following a review visit within the preceding month". Start Mon 1 Jun 2026: review due + 12 weeks =
    # Mon 24 Aug. A visit on Thu 23 Jul (more than a month before) does not meet it; one on Mon 27 Jul does.
    base = case("hertfordshire", support="nrpf", nrpf={"start": "2026-06-01"})
    early = one(run({**base, "visits": [{"date": "2026-07-23"}]}, "2026-08-20"), "nrpf_review_visit")
    assert (early.due, early.status) == (D("2026-08-24"), "open")
    ok = one(run({**base, "visits": [{"date": "2026-07-27"}]}, "2026-08-20"), "nrpf_review_visit")
    assert ok.status == "met"
    # 4.3: "written notice to stop support within 14 days": Sat 12 Dec 2026 + 14 days = Sat 26 Dec, never moved.
    notice = one(
        run({**base, "nrpf": {"start": "2026-06-01", "notice_given": "2026-12-12"}}, "2026-12-14"), "nrpf_support_ends"
    )
    assert (notice.due, notice.status, notice.moved) == (D("2026-12-26"), "info", None)


@pytest.mark.parametrize("interval", [None, 4])
def test_hertfordshire_disability_only_plans_follow_chapter_4_16(interval):
    # 5.4.1: "Further information and detail about the plans supporting disabled children are available in
    # Chapter 4.16. of the County Council's Social Work Procedures"; 5.5.1: s17(10)(b) plans follow Section 2.
    plan = {"start": "2025-06-02", "legal_basis": "s17(10)(c)"}
    if interval:
        plan["visit_interval_weeks"] = interval
    data = case(
        "hertfordshire", plan=plan, visits=[{"date": "2026-11-02"}], meetings=[{"type": "review", "date": "2026-09-01"}]
    )
    rules = {d.rule for d in run(data, "2026-11-23")}
    assert "disability_only_procedures" in rules
    assert not rules & {
        "next_review",
        "second_review_check",
        "independent_chair",
        "plan_end_expected",
        "panel_eligible",
        "panel_date",
        "panel_referral",
    }
    assert ("next_visit" in rules) == bool(interval)
    data["plan"]["legal_basis"] = "s17(10)(b)"
    rules_b = {d.rule for d in run(data, "2026-11-23")}
    assert {"next_review", "next_visit", "plan_end_expected"} <= rules_b
    assert "disability_only_procedures" not in rules_b


def test_second_review_check_counts_from_the_first_held_review():
    # F11 / M15. 003 2.5: "At 9 months (i.e. the second review), the review should identify whether the Plan is
    # expected to be ceased by 15 months". Plan start Sat 28 Mar 2026; first review Mon 22 Jun 2026.
    # Second review check = first review + 6 months = Tue 22 Dec 2026; the second review (Thu 10 Dec) met it, even
    # with a third review held since (1 Mar 2027): the n-th review, not the latest.
    data = case(
        "hertfordshire",
        plan={"start": "2026-03-28"},
        meetings=[
            {"type": "review", "date": "2026-06-22"},
            {"type": "review", "date": "2026-12-10"},
            {"type": "review", "date": "2027-03-01"},
        ],
    )
    d = one(run(data, "2027-03-02"), "second_review_check")
    assert (d.due, d.from_, d.status, d.satisfied_on) == (D("2026-12-22"), "meetings[0]", "met", D("2026-12-10"))
    # With no review held: plan start + 9 months = Mon 28 Dec 2026 (Boxing Day substitute) -> Thu 24 Dec.
    d = one(run(case("hertfordshire", plan={"start": "2026-03-28"}), "2026-11-23"), "second_review_check")
    assert (d.due, d.moved) == (
        D("2026-12-24"),
        "2026-12-28 is a bank holiday (substitute day for Boxing Day); 2026-12-25 is a bank holiday (Christmas Day)",
    )


@pytest.mark.parametrize(
    ("professionals", "invitees", "expected"),
    [
        ([HEALTH, SCHOOL], ["Ann Roe", "Dr Nia Hale"], True),
        ([HEALTH, SCHOOL], ["Ann Roe"], False),  # health not invited to this meeting
        ([HEALTH], [], True),  # no invitees listed: a health professional on the case
        ([SCHOOL], [], False),  # nobody from health at all
    ],
)
def test_health_report_only_where_health_is_invited(professionals, invitees, expected):
    # 003 1.2 (health professionals): "An agreement to send apologies together with a written report that should
    # be sent directly to the social worker 48 hours prior to meeting."
    data = case(
        "hertfordshire",
        plan={"start": "2026-09-01"},
        professionals=professionals,
        meetings=[{"type": "review", "date": "2026-12-03", "time": "10:00", "invitees": invitees}],
    )
    found = of(run(data, "2026-11-23"), "health_report")
    assert bool(found) == expected
    if expected:
        assert (found[0].due, found[0].due_time) == (D("2026-12-01"), dt.time(10, 0))


def test_health_report_only_for_meetings_still_planned():
    # M11: as of Wed 2 Dec the 3 Dec review is planned (report due Tue 1 Dec); as of 3 Dec it is held today: none.
    data = case(
        "hertfordshire",
        plan={"start": "2026-09-01"},
        professionals=[HEALTH],
        meetings=[{"type": "review", "date": "2026-12-03", "time": "10:00"}],
    )
    assert one(run(data, "2026-12-02"), "health_report").due == D("2026-12-01")
    assert of(run(data, "2026-12-03"), "health_report") == []


@pytest.mark.parametrize(
    ("stage", "started", "deadline", "next_rule"),
    [
        (1, "2026-11-19", "2026-11-24", "escalation_stage2_start"),
        (2, "2026-11-24", "2026-11-27", "escalation_stage3_start"),
    ],
)
def test_a_stage_resolved_on_its_deadline_day_does_not_escalate(stage, started, deadline, next_rule):
    # M13. 6.3.7: "If the professionals are unable to resolve the matter satisfactorily within the timescale"; a
    # resolution on the deadline day is within it, so the next stage is not due.
    stages = [
        {"stage": s, "started": started if s == stage else "2026-11-19", "responded": started}
        for s in range(1, stage + 1)
    ]
    stages[-1]["resolved"] = deadline
    data = case("hertfordshire", escalations=[{"disagreement": "2026-11-18", "stages": stages}])
    dls = run(data, "2026-12-01")
    resolution = [d for d in dls if d.ref == f"escalations[0].stages[{stage - 1}]" and d.due == D(deadline)]
    assert resolution, "the stage's own deadline is the resolution day"
    assert of(dls, next_rule, f"escalations[0].stages[{stage - 1}]") == []


@pytest.mark.parametrize(
    ("disagreement", "due", "moved", "words"),
    [
        # 6.3.1: "on the same working day"; on a non-working day the next one, naming every day skipped.
        (
            "2027-05-29",
            "2027-06-01",
            "2027-05-29 is a Saturday; 2027-05-31 is a bank holiday (Spring Bank Holiday)",
            "as Saturday 29 May 2027 is not one; Monday 31 May 2027 is a bank holiday (Spring Bank Holiday)",
        ),
        (
            "2026-04-03",
            "2026-04-07",
            "2026-04-03 is a bank holiday (Good Friday); 2026-04-06 is a bank holiday (Easter Monday)",
            "Friday 3 April 2026, a bank holiday (Good Friday) is not one; Monday 6 April 2026 is a "
            "bank holiday (Easter Monday)",
        ),
        (
            "2027-12-25",
            "2027-12-29",
            "2027-12-25 is a Saturday; 2027-12-27 is a bank holiday (substitute day for "
            "Christmas Day); 2027-12-28 is a bank holiday (substitute day for Boxing Day)",
            "Tuesday 28 December 2027",
        ),
        ("2026-11-18", "2026-11-18", None, None),
    ],
)
def test_immediate_risk_next_working_day_met_only_by_stage_2(disagreement, due, moved, words):
    escalation = {
        "disagreement": disagreement,
        "immediate_risk": True,
        "stages": [{"stage": 1, "started": disagreement}],
    }
    data = case("hertfordshire", escalations=[escalation])
    as_of = (D(due) + dt.timedelta(days=1)).isoformat()
    d = one(run(data, as_of), "escalation_raise")
    assert (d.due, d.moved) == (D(due), moved)
    if words:
        assert words in d.explanation()
    # Stage 1 (the practitioner) does not meet it: "escalated to both your manager and a manager within the other
    # service"; the basis names the 6.3.4 urgent bypass.
    assert d.status == "overdue"
    assert "6.3.4" in d.to_json()["basis"]
    escalation["stages"].append({"stage": 2, "started": due})
    assert one(run(data, as_of), "escalation_raise").status == "met"


# ---- moved names every non-working day skipped (bank-holiday weekends 2026-2028) ------------------------------


@pytest.mark.parametrize(
    ("raw", "due", "moved"),
    [
        ("2026-12-27", "2026-12-24", "2026-12-27 is a Sunday; 2026-12-25 is a bank holiday (Christmas Day)"),
        (
            "2026-12-28",
            "2026-12-24",
            "2026-12-28 is a bank holiday (substitute day for Boxing Day); 2026-12-25 is a "
            "bank holiday (Christmas Day)",
        ),
        ("2027-01-02", "2026-12-31", "2027-01-02 is a Saturday; 2027-01-01 is a bank holiday (New Year's Day)"),
        (
            "2027-03-29",
            "2027-03-25",
            "2027-03-29 is a bank holiday (Easter Monday); 2027-03-26 is a bank holiday (Good Friday)",
        ),
        ("2027-05-31", "2027-05-28", "2027-05-31 is a bank holiday (Spring Bank Holiday)"),
        (
            "2027-12-28",
            "2027-12-24",
            "2027-12-28 is a bank holiday (substitute day for Boxing Day); 2027-12-27 is a "
            "bank holiday (substitute day for Christmas Day)",
        ),
        ("2028-01-03", "2027-12-31", "2028-01-03 is a bank holiday (substitute day for New Year's Day)"),
        (
            "2028-04-17",
            "2028-04-13",
            "2028-04-17 is a bank holiday (Easter Monday); 2028-04-14 is a bank holiday (Good Friday)",
        ),
        (
            "2028-12-26",
            "2028-12-22",
            "2028-12-26 is a bank holiday (Boxing Day); 2028-12-25 is a bank holiday (Christmas Day)",
        ),
        ("2028-02-27", "2028-02-25", "2028-02-27 is a Sunday"),  # the rest of a weekend is not named
    ],
)
def test_moved_names_every_bank_holiday_skipped(raw, due, moved):
    assert CAL.on_or_before(D(raw)) == D(due)
    assert CAL.moved_text(D(raw), -1) == moved


@pytest.mark.parametrize(
    ("raw", "due", "moved"),
    [
        ("2026-08-31", "2026-08-28", "2026-08-31 is a bank holiday (Late Summer Bank Holiday)"),
        ("2026-05-25", "2026-05-22", "2026-05-25 is a bank holiday (Spring Bank Holiday)"),
        ("2028-05-29", "2028-05-26", "2028-05-29 is a bank holiday (Spring Bank Holiday)"),
        ("2027-08-30", "2027-08-27", "2027-08-30 is a bank holiday (Late Summer Bank Holiday)"),
    ],
)
def test_bank_holiday_mondays_move_to_the_friday_before(raw, due, moved):
    assert (CAL.on_or_before(D(raw)), CAL.moved_text(D(raw), -1)) == (D(due), moved)


def test_the_plan_says_when_the_target_does_not_apply():
    # 000: "Exceptions to this will be those cases where the plan acknowledges the need for longer term support".
    from cin_docs.documents import Options
    from textutil import docx_text, norm

    case = api.load(REPO / "samples" / "hillingdon-disabled-child.yaml", {"closures": []})
    built = api.build(case, "plan", Options(as_of=D("2026-11-23")))
    text = norm(docx_text(api.render_bytes("plan", built.outputs[0].context, "docx")))
    assert (
        "The usual target for a plan to end (Friday 7 May 2027) is not a target for this plan, which "
        "acknowledges the need for longer-term support (Yusuf meets the criteria"
    ) in text
    assert "expected to end by Friday 7 May 2027" not in text


def test_a_calendar_deadline_over_christmas_2027_says_both_substitute_days():
    # 000 next CIN meeting "at least every 4 to 6 weeks": Tue 16 Nov 2027 + 6 weeks = Tue 28 Dec 2027 (Boxing Day
    # substitute); Mon 27 Dec is the Christmas Day substitute; the weekend before it is Christmas itself.
    d = one(run(case(meetings=[{"type": "initial", "date": "2027-11-16"}]), "2027-11-17"), "next_cin_meeting")
    assert d.due == D("2027-12-24")
    assert d.explanation().endswith(
        "(brought forward from Tuesday 28 December 2027, a bank holiday (substitute day for Boxing Day); Monday 27 "
        "December 2027 is a bank holiday (substitute day for Christmas Day))"
    )


# ---- bad input: a validation error naming the field, never a traceback -----------------------------------------


@pytest.mark.parametrize(
    ("fields", "path", "words"),
    [
        ({"closure": {"date": "2026-10-01", "reason": "RC10"}}, "closure.reason", "Must be one of"),
        (
            {"plan": {"start": "2026-09-01"}, "closure": {"date": "2026-08-01", "reason": "RC7"}},
            "closure.date",
            "cannot close before the plan starts",
        ),
        ({"plan": {"start": "2026-09-01", "end": "2026-08-01"}}, "plan.end", "cannot end before it starts"),
        (
            {
                "closure": {"date": "2026-08-01", "reason": "RC7"},
                "meetings": [{"type": "review", "date": "2026-08-04"}],
            },
            "meetings[0].date",
            "after the case closed",
        ),
        (
            {"closure": {"date": "2026-08-01", "reason": "RC7"}, "visits": [{"date": "2026-08-04"}]},
            "visits[0].date",
            "after the case closed",
        ),
        (
            {"meetings": [{"type": "review", "date": "2026-08-04", "outcome": ["continue", "more_complex"]}]},
            "meetings[0].outcome",
            "exactly one outcome",
        ),
        (
            {"meetings": [{"type": "review", "date": "2026-08-04", "outcome": ["continue", "continued"]}]},
            "meetings[0].outcome",
            "Must be one of",
        ),
        (
            {"transfer": {"direction": "out", "residence_start": "2026-11-14"}},
            "transfer.receiving_authority",
            "name the receiving authority",
        ),
    ],
)
def test_lifecycle_bad_input_names_the_field(tmp_path, fields, path, words):
    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(case(**fields), sort_keys=False), encoding="utf-8")
    with pytest.raises(CaseValidationError) as info:
        api.load(file)
    assert any(p.startswith(path) and words in m for p, m in info.value.errors), info.value.errors
    result = CliRunner().invoke(cli, ["due-dates", str(file)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert path in result.output


def test_hertfordshire_review_may_record_combined_outcomes(tmp_path):
    # 003 2.5: "... minor amendment of the CIN Plan as necessary; and/or ... Complex Risk Panel; and/or ...".
    file = tmp_path / "case.yaml"
    file.write_text(
        yaml.safe_dump(
            case(
                "hertfordshire",
                meetings=[{"type": "review", "date": "2026-08-04", "outcome": ["continue", "more_complex"]}],
            )
        ),
        encoding="utf-8",
    )
    loaded = api.load(file)
    assert loaded.data["meetings"][0]["outcome"] == ["continue", "more_complex"]

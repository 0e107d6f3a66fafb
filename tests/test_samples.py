"""The sample case files in samples/: they validate, their deadlines keep the JSON contract, and the dates worked out
by hand for each of them (as of Monday 23 November 2026) are the ones the engine gives.

Working days are Monday to Friday except England & Wales bank holidays. The ones that matter here:
Mon 4 May 2026 (Early May), Mon 31 Aug 2026 (Summer), Fri 25 Dec 2026 (Christmas), Mon 28 Dec 2026 (substitute day
for Boxing Day, which is a Saturday), Fri 1 Jan 2027.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from cin_docs import api
from cin_docs.policies.engine import compute_deadlines

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
AS_OF = dt.date(2026, 11, 23)  # a Monday
SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))
EXPECTED_SAMPLES = {
    "hillingdon-mid-plan.yaml",
    "hillingdon-disabled-child.yaml",
    "hillingdon-nrpf.yaml",
    "hertfordshire-panel.yaml",
    "hertfordshire-escalation.yaml",
    "transfer-out.yaml",
    "hillingdon-closed.yaml",
    "hillingdon-transfer-in.yaml",
    "hertfordshire-nrpf.yaml",
}
TOP_KEYS = {"policy", "as_of", "deadlines"}
DEADLINE_KEYS = {"rule", "label", "due", "due_time", "ref", "from", "from_date", "basis", "moved", "status", "source"}
STATUSES = {"met", "late", "overdue", "open", "info", "missed", "passed"}

_cache: dict[str, tuple[api.Case, dict]] = {}


def sample(name: str) -> tuple[api.Case, dict]:
    """(the loaded case, its due-dates JSON document as of 23 November 2026), loaded once per test run."""
    if name not in _cache:
        case = api.load(SAMPLES / name)
        _cache[name] = (case, api.due_dates_json(case, AS_OF))
    return _cache[name]


def deadlines(name: str, rule: str) -> list[dict]:
    return [d for d in sample(name)[1]["deadlines"] if d["rule"] == rule]


def one(name: str, rule: str, ref: str | None = None) -> dict:
    found = [d for d in deadlines(name, rule) if ref is None or d["ref"] == ref]
    assert len(found) == 1, f"{name}: expected one {rule} deadline (ref {ref}), got {found}"
    return found[0]


def rules(name: str) -> set[str]:
    return {d["rule"] for d in sample(name)[1]["deadlines"]}


def _iso(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and dt.date.fromisoformat(value).isoformat() == value


# --- every sample ----------------------------------------------------------------------------------------------


# What each sample is there to show (the README's tour uses them): its policy and the part of the case that shows it.
SAMPLE_SHOWS = {
    "hillingdon-mid-plan.yaml": ("hillingdon", lambda d: d["plan"] and len(d["meetings"]) >= 2),
    "hillingdon-disabled-child.yaml": ("hillingdon", lambda d: d["child"]["disabled"] is True),
    "hillingdon-nrpf.yaml": ("hillingdon", lambda d: d["support"] == "nrpf" and d["nrpf"]["start"]),
    "hertfordshire-panel.yaml": ("hertfordshire", lambda d: d["panel"]),
    "hertfordshire-escalation.yaml": ("hertfordshire", lambda d: d["escalations"]),
    "transfer-out.yaml": (
        "hillingdon",
        lambda d: d["transfer"]["direction"] == "out" and d["transfer"]["receiving_authority"]["name"],
    ),
    "hillingdon-closed.yaml": ("hillingdon", lambda d: d["closure"]["reason"] and d["plan"]["end"]),
    "hillingdon-transfer-in.yaml": ("hillingdon", lambda d: any(m["type"] == "transfer_in" for m in d["meetings"])),
    "hertfordshire-nrpf.yaml": ("hertfordshire", lambda d: d["support"] == "nrpf" and d["nrpf"]["start"]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SAMPLES))
def test_each_sample_shows_what_its_name_says(name):
    case, doc = sample(name)  # fails here if the sample is missing or invalid
    policy, shows = SAMPLE_SHOWS[name]
    assert (case.data["policy"], doc["policy"]) == (policy, policy)
    assert shows(case.data)
    assert doc["deadlines"], "a sample with no deadlines shows nothing"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_validates(path):
    case = api.load(path)
    assert case.case_id
    assert case.profile["name"] == case.data["policy"]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_due_dates_json_keeps_the_contract(path):
    case, doc = sample(path.name)
    assert set(doc) == TOP_KEYS
    assert doc["policy"] == case.data["policy"]
    assert doc["as_of"] == "2026-11-23"
    assert doc["deadlines"], "every sample should have deadlines"
    for d in doc["deadlines"]:
        assert set(d) == DEADLINE_KEYS, d
        assert isinstance(d["rule"], str) and re.fullmatch(r"[a-z][a-z0-9_]*", d["rule"])
        assert isinstance(d["label"], str) and d["label"]
        assert _iso(d["due"]) and _iso(d["from_date"]), d
        assert d["due_time"] is None or re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", d["due_time"]), d
        assert d["ref"] is None or re.fullmatch(r"[a-z_]+\[\d+\](\.[a-z_]+\[\d+\])*", d["ref"]), d
        assert isinstance(d["from"], str) and d["from"]
        assert isinstance(d["basis"], str) and d["basis"]
        assert d["moved"] is None or (isinstance(d["moved"], str) and _iso(d["moved"][:10])), d
        assert d["status"] in STATUSES, d
        assert isinstance(d["source"], str) and len(d["source"]) >= 20
        # status agrees with the dates: nothing open is past due, nothing overdue is still in time
        if d["status"] == "open":
            assert d["due"] >= doc["as_of"], d
        if d["status"] == "overdue":
            assert d["due"] < doc["as_of"], d
    # soonest first
    dues = [(d["due"], d["due_time"] or "00:00") for d in doc["deadlines"]]
    assert dues == sorted(dues)


def test_the_samples_between_them_show_every_status():
    # Every status but `passed`: no sample plan has run past its target unended as of 23 November 2026 (the
    # engine tests work `passed` by hand).
    seen = {d["status"] for p in SAMPLE_FILES for d in sample(p.name)[1]["deadlines"]}
    assert seen == STATUSES - {"passed"}
    assert "passed" in {
        d["status"] for d in api.due_dates_json(sample("hertfordshire-panel.yaml")[0], dt.date(2027, 3, 1))["deadlines"]
    }


PHONE = re.compile(r"\b0\d{3,4}[ ]?\d{3}[ ]?\d{3,4}\b")
EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.)+[a-z]{2,}", re.I)


def _strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_contact_details_are_fictional(path):
    """Phones only in Ofcom's drama range (01632 960xxx); e-mails only at example.org / example.gov.uk."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for text in _strings(data):
        for phone in PHONE.findall(text):
            assert re.fullmatch(r"01632 ?960 ?\d{3}", phone), f"{path.name}: real-looking phone number {phone!r}"
        for m in EMAIL.finditer(text):
            domain = m.group(0).split("@", 1)[1].lower()
            assert domain.endswith(("example.org", "example.gov.uk")), (
                f"{path.name}: real-looking e-mail {m.group(0)!r}"
            )


# --- hillingdon-mid-plan ---------------------------------------------------------------------------------------

MID = "hillingdon-mid-plan.yaml"


def test_mid_plan_initial_and_family_network_meetings():
    # Plan decision Wed 2 Sep 2026 + 10 working days = Wed 16 Sep; initial meeting Tue 15 Sep: met.
    d = one(MID, "initial_meeting")
    assert (d["due"], d["from"], d["status"]) == ("2026-09-16", "assessment.plan_decision", "met")
    # No FNM on or before the initial meeting, so one is due 10 working days after it: Tue 29 Sep; held 24 Sep.
    d = one(MID, "family_network_meeting")
    assert (d["due"], d["status"]) == ("2026-09-29", "met")


def test_mid_plan_after_the_first_review():
    # Review Thu 12 Nov 2026 is meetings[3]. +2 working days = Mon 16 Nov (plan updated 17 Nov: late);
    # +5 working days = Thu 19 Nov, not circulated by Mon 23 Nov: overdue.
    assert (one(MID, "meeting_record", "meetings[3]")["status"]) == "met"
    d = one(MID, "plan_update", "meetings[3]")
    assert (d["due"], d["status"]) == ("2026-11-16", "late")
    d = one(MID, "plan_circulation", "meetings[3]")
    assert (d["due"], d["status"]) == ("2026-11-19", "overdue")
    # After the initial meeting (Tue 15 Sep) the plan went out on 24 Sep, after Tue 22 Sep: late.
    assert one(MID, "plan_circulation", "meetings[0]")["status"] == "late"
    # Next CIN meeting: 6 weeks after 12 Nov = Thu 24 Dec (a working day); the 15 Dec meeting is only planned.
    d = one(MID, "next_cin_meeting")
    assert (d["due"], d["from"], d["status"]) == ("2026-12-24", "meetings[3]", "open")
    # Next review: 3 months after 12 Nov = Fri 12 Feb 2027.
    assert one(MID, "next_review")["due"] == "2027-02-12"
    # Next visit: 3 weeks after the latest visit (Thu 19 Nov) = Thu 10 Dec.
    assert (one(MID, "next_visit")["due"], one(MID, "next_visit")["status"]) == ("2026-12-10", "open")


def test_mid_plan_panel_identification_moves_off_a_saturday():
    # Plan start Tue 15 Sep 2026 + 8 months = Sat 15 May 2027 -> Fri 14 May 2027.
    d = one(MID, "panel_identification")
    assert d["due"] == "2027-05-14"
    assert d["moved"].startswith("2027-05-15") and "Saturday" in d["moved"]


# --- hillingdon-disabled-child ---------------------------------------------------------------------------------

DIS = "hillingdon-disabled-child.yaml"


def test_disabled_child_cin_meetings_are_three_monthly():
    case, _ = sample(DIS)
    assert case.data["child"]["disabled"] is True
    held = [
        m["date"] for m in case.data["meetings"] if m["type"] in ("initial", "review", "cin") and m["date"] <= AS_OF
    ]
    assert max(held) == dt.date(2026, 11, 5)
    # 3 months (not 6 weeks) after the latest held CIN meeting, Thu 5 Nov 2026 = Fri 5 Feb 2027.
    d = one(DIS, "next_cin_meeting")
    assert (d["due"], d["from_date"], d["moved"], d["status"]) == ("2027-02-05", "2026-11-05", None, "open")
    assert "3 month" in d["basis"]
    assert one(DIS, "next_review")["due"] == "2027-02-05"


def test_disabled_child_initial_meeting_late_over_may_day():
    # Plan decision Mon 20 Apr 2026 + 10 working days, skipping Mon 4 May = Tue 5 May; meeting Thu 7 May: late.
    d = one(DIS, "initial_meeting")
    assert (d["due"], d["status"]) == ("2026-05-05", "late")
    # The FNM (30 Apr) came before the initial meeting, so no FNM deadline.
    assert "family_network_meeting" not in rules(DIS)


def test_disabled_child_visits_use_the_plans_interval():
    # plan.visit_interval_weeks 6: latest visit Thu 15 Oct 2026 + 6 weeks = Thu 26 Nov.
    d = one(DIS, "next_visit")
    assert (d["due"], d["status"]) == ("2026-11-26", "open")
    assert "plan.visit_interval_weeks" in d["basis"]
    # 9-month review: 7 May 2026 + 9 months = Sun 7 Feb 2027 -> Fri 5 Feb.
    assert one(DIS, "manager_review")["due"] == "2027-02-05"


# --- hillingdon-nrpf -------------------------------------------------------------------------------------------

NRPF = "hillingdon-nrpf.yaml"


def test_nrpf_has_no_plan_or_meeting_rules():
    assert sample(NRPF)[0].data["support"] == "nrpf"
    assert rules(NRPF) == {
        "nrpf_check",
        "nrpf_review",
        "next_visit",
        "child_turns_18",
        "nrpf_subsistence_monitoring",
        "nrpf_subsistence_review",
    }


def test_nrpf_subsistence_monitoring_and_review():
    # "monthly monitoring of subsistence payments": latest Tue 10 Nov + 1 month = Thu 10 Dec 2026, open.
    d = one(NRPF, "nrpf_subsistence_monitoring")
    assert (d["due"], d["from"], d["status"]) == ("2026-12-10", "nrpf.subsistence_checks[5]", "open")
    # "The subsistence provision will be reviewed every 3 months": Thu 13 Aug + 3 months = Fri 13 Nov: overdue.
    d = one(NRPF, "nrpf_subsistence_review")
    assert (d["due"], d["from"], d["status"]) == ("2026-11-13", "nrpf.subsistence_reviews[0]", "overdue")


def test_nrpf_dates():
    # First NRPF/IH review: start Fri 15 May 2026 + 6 months = Sun 15 Nov -> Fri 13 Nov: overdue on 23 Nov.
    d = one(NRPF, "nrpf_review")
    assert (d["due"], d["from"], d["status"]) == ("2026-11-13", "nrpf.start", "overdue")
    assert d["moved"].startswith("2026-11-15")
    # NRPF Connect check: latest check Tue 10 Nov + 2 months = Sun 10 Jan 2027 -> Fri 8 Jan 2027.
    d = one(NRPF, "nrpf_check")
    assert (d["due"], d["from"], d["status"]) == ("2027-01-08", "nrpf.checks[2]", "open")
    # 3-monthly NRPF/IH home visits: latest visit Thu 5 Nov + 3 months = Fri 5 Feb 2027.
    d = one(NRPF, "next_visit")
    assert (d["due"], d["status"]) == ("2027-02-05", "open")


# --- hertfordshire-panel ---------------------------------------------------------------------------------------

PANEL = "hertfordshire-panel.yaml"


def test_panel_dates():
    # Plan start Thu 27 Nov 2025 + 12 months = Fri 27 Nov 2026: eligible; referred 20 Nov, so met.
    d = one(PANEL, "panel_eligible")
    assert (d["due"], d["status"]) == ("2026-11-27", "met")
    # November's panel (Thu 26 Nov) needed referring 7 working days before, Tue 17 Nov: before eligibility.
    # December's last Thursday is Thu 31 Dec 2026 (a working day): the panel, 10:00, never moved.
    d = one(PANEL, "panel_date")
    assert (d["due"], d["due_time"], d["status"], d["moved"]) == ("2026-12-31", "10:00", "info", None)
    # 7 working days before Thu 31 Dec: 30, 29, (28 substitute Boxing Day), 24, 23, 22, 21, 18 -> Fri 18 Dec.
    d = one(PANEL, "panel_referral")
    assert (d["due"], d["from"], d["status"]) == ("2026-12-18", "panel_date", "met")
    # Reviews chaired independently from 12 months: Fri 27 Nov 2026 (a fact).
    d = one(PANEL, "independent_chair")
    assert (d["due"], d["status"]) == ("2026-11-27", "info")


def test_panel_health_reports_48_hours_before_planned_meetings():
    # CIN meeting Thu 3 Dec 2026 09:30 (meetings[3]) -> Tue 1 Dec 09:30.
    d = one(PANEL, "health_report", "meetings[3]")
    assert (d["due"], d["due_time"], d["moved"], d["status"]) == ("2026-12-01", "09:30", None, "open")
    # Review Mon 11 Jan 2027 14:00 (meetings[4]) -> Sat 9 Jan 14:00 -> previous working day Fri 8 Jan 14:00.
    d = one(PANEL, "health_report", "meetings[4]")
    assert (d["due"], d["due_time"], d["status"]) == ("2027-01-08", "14:00", "open")
    assert d["moved"].startswith("2027-01-09") and "Saturday" in d["moved"]
    # Held meetings get no health-report deadline.
    assert {x["ref"] for x in deadlines(PANEL, "health_report")} == {"meetings[3]", "meetings[4]"}


def test_panel_reviews():
    # Second review (20 Aug 2026) within 9 months of the start (Thu 27 Aug 2026): met.
    assert one(PANEL, "second_review_check")["status"] == "met"
    # Then 6-monthly: 20 Aug 2026 + 6 months = Sat 20 Feb 2027 -> Fri 19 Feb 2027.
    d = one(PANEL, "next_review")
    assert (d["due"], d["status"]) == ("2027-02-19", "open")
    # First review (Tue 24 Feb 2026) summary note: + 10 working days = Tue 10 Mar; sent 12 Mar: late.
    d = one(PANEL, "meeting_record", "meetings[1]")
    assert (d["due"], d["status"]) == ("2026-03-10", "late")
    # Second review (Thu 20 Aug 2026): + 10 working days over Mon 31 Aug = Fri 4 Sep: met on 3 Sep.
    d = one(PANEL, "meeting_record", "meetings[2]")
    assert (d["due"], d["status"]) == ("2026-09-04", "met")


# --- hertfordshire-escalation ----------------------------------------------------------------------------------

ESC = "hertfordshire-escalation.yaml"


def test_live_escalation_at_stage_2():
    # Disagreement Wed 11 Nov 2026 + 2 working days = Fri 13 Nov; stage 1 started 12 Nov: met.
    d = one(ESC, "escalation_raise", "escalations[0]")
    assert (d["due"], d["status"]) == ("2026-11-13", "met")
    # Stage 1 started Thu 12 Nov + 3 working days = Tue 17 Nov; responded 16 Nov: met.
    d = one(ESC, "escalation_stage1_response", "escalations[0].stages[0]")
    assert (d["due"], d["status"]) == ("2026-11-17", "met")
    # Unresolved at stage 1, so stage 2 the same working day, Tue 17 Nov; started Wed 18 Nov: late.
    d = one(ESC, "escalation_stage2_start", "escalations[0].stages[0]")
    assert (d["due"], d["status"]) == ("2026-11-17", "late")
    # Stage 2 started Wed 18 Nov + 3 working days = Mon 23 Nov (= as-of): still open today.
    d = one(ESC, "escalation_stage2_resolution", "escalations[0].stages[1]")
    assert (d["due"], d["from"], d["status"]) == ("2026-11-23", "escalations[0].stages[1].started", "open")
    # If stage 2 is not resolved by then, stage 3 starts the same working day, also Mon 23 Nov.
    d = one(ESC, "escalation_stage3_start", "escalations[0].stages[1]")
    assert (d["due"], d["status"]) == ("2026-11-23", "open")


def test_live_escalation_goes_overdue_the_next_day():
    case, _ = sample(ESC)
    doc = api.due_dates_json(case, AS_OF + dt.timedelta(days=1))
    (d,) = [
        x
        for x in doc["deadlines"]
        if x["rule"] == "escalation_stage2_resolution" and x["ref"] == "escalations[0].stages[1]"
    ]
    assert (d["due"], d["status"]) == ("2026-11-23", "overdue")


def test_immediate_risk_escalation_went_to_managers_the_same_day():
    case, _ = sample(ESC)
    assert case.data["escalations"][1]["immediate_risk"] is True
    # 6.3.1: "concerns must be escalated to both your manager and a manager within the other service ... on the
    # same working day": due Fri 9 Oct 2026, met only by stage 2 (managers), which started that day.
    d = one(ESC, "escalation_raise", "escalations[1]")
    assert (d["due"], d["basis"].split(";")[0], d["status"]) == ("2026-10-09", "the same working day", "met")
    assert "6.3.4" in d["basis"]
    # Stage 2 resolved Fri 9 Oct + 2 working days = Tue 13 Oct; confirmed Mon 12 Oct: met.
    d = one(ESC, "escalation_confirm", "escalations[1].stages[1]")
    assert (d["due"], d["status"]) == ("2026-10-13", "met")
    # Stage 1 was not resolved, but stage 2 had already started (9 Oct) by its same-day deadline (Wed 14 Oct): met.
    d = one(ESC, "escalation_stage2_start", "escalations[1].stages[0]")
    assert (d["due"], d["status"]) == ("2026-10-14", "met")
    # Resolved within stage 2 by its deadline, so no stage 3 for it.
    refs = {x["ref"] for x in deadlines(ESC, "escalation_stage3_start")}
    assert refs == {"escalations[0].stages[1]"}


def test_immediate_risk_escalation_met_only_by_managers():
    # The same escalation with only stage 1 (a word with the duty social worker): the same-day duty is not met.
    case, _ = sample(ESC)
    data = copy.deepcopy(case.data)
    del data["escalations"][1]["stages"][1]
    dls = compute_deadlines(data, case.profile, AS_OF)
    (d,) = [x for x in dls if x.rule == "escalation_raise" and x.ref == "escalations[1]"]
    assert (d.due, d.status) == (dt.date(2026, 10, 9), "overdue")


def test_escalation_case_visit_overdue_on_the_default_interval():
    # No plan.visit_interval_weeks: Hertfordshire's 6 weeks. Latest visit Fri 9 Oct + 6 weeks = Fri 20 Nov.
    d = one(ESC, "next_visit")
    assert (d["due"], d["status"]) == ("2026-11-20", "overdue")


# --- transfer-out ----------------------------------------------------------------------------------------------

TRANSFER = "transfer-out.yaml"


def test_transfer_in_meeting_20_working_days_after_residence():
    case, _ = sample(TRANSFER)
    assert case.data["transfer"]["residence_start"] == dt.date(2026, 11, 14)  # a Saturday
    # Counting starts with the first working day after Sat 14 Nov: Mon 16 Nov = 1, Fri 20 = 5, Fri 27 = 10,
    # Fri 4 Dec = 15, Fri 11 Dec 2026 = 20. The Westmere meeting on 10 Dec is planned, so still open.
    # The family moved out: it is the receiving authority's duty, shown as info, never overdue here.
    d = one(TRANSFER, "transfer_in_meeting")
    assert (d["due"], d["from"], d["from_date"], d["status"]) == (
        "2026-12-11",
        "transfer.residence_start",
        "2026-11-14",
        "info",
    )
    assert d["label"] == "CIN meeting after transfer in (the receiving authority's duty)"
    assert d["basis"].endswith("the receiving authority must convene a CIN meeting by Friday 11 December 2026")


def test_transfer_out_case_keeps_its_own_deadlines():
    # Latest review Tue 3 Nov 2026: next CIN meeting + 6 weeks = Tue 15 Dec; next review + 3 months = Wed 3 Feb 2027.
    current = [d for d in deadlines(TRANSFER, "next_cin_meeting") if d["ref"] is None]
    assert [d["due"] for d in current] == ["2026-12-15"]
    # On the record: the CIN meeting of Tue 21 Jul + 6 weeks = Tue 1 Sep; the next came with the review of Tue 8 Sep.
    lapse = one(TRANSFER, "next_cin_meeting", "meetings[3]")
    assert (lapse["due"], lapse["from"], lapse["status"]) == ("2026-09-01", "meetings[2]", "late")
    assert one(TRANSFER, "next_review")["due"] == "2027-02-03"
    # Plan circulated after that review (due + 5 working days = Tue 10 Nov) on 9 Nov: met.
    d = one(TRANSFER, "plan_circulation", "meetings[5]")
    assert (d["due"], d["status"]) == ("2026-11-10", "met")


# --- hillingdon-closed -----------------------------------------------------------------------------------------

CLOSED = "hillingdon-closed.yaml"


def test_closed_case_has_nothing_due_after_the_plan_ended():
    # The plan ended on Fri 24 July 2026 (plan.end; the case closed the same day, RC7). Cadence and plan-start
    # rules give nothing due after it: no review (14 Jul + 3 months), CIN meeting (14 Jul + 6 weeks), 8-month
    # panel (23 Sep) or 9-month manager review (23 Oct), which "any CIN plan that has not concluded" needs.
    case, doc = sample(CLOSED)
    assert (case.data["closure"]["date"], case.data["closure"]["reason"]) == (dt.date(2026, 7, 24), "RC7")
    assert not rules(CLOSED) & {"next_review", "panel_identification", "manager_review"}
    assert all(d["due"] <= "2026-07-24" for d in doc["deadlines"] if d["rule"].startswith("next_"))
    assert not [d for d in doc["deadlines"] if d["status"] == "overdue"]


def test_closed_case_the_last_visit_that_never_happened_is_missed():
    # Latest visit Wed 1 July + 3 weeks = Wed 22 July, on or before the plan end (24 July), never met: missed.
    (d,) = [x for x in deadlines(CLOSED, "next_visit") if x["ref"] is None]
    assert (d["due"], d["from"], d["status"]) == ("2026-07-22", "visits[7]", "missed")


def test_closed_case_keeps_its_lapses_on_the_record():
    # Visit of Fri 20 March + 3 weeks = Fri 10 April (Good Friday is 3 April; the window is not moved): the next
    # visit came on Tue 14 April, late. The CIN meeting of Thu 5 March + 6 weeks = Thu 16 April: the next CIN
    # meeting was the review of Tue 21 April, late.
    d = one(CLOSED, "next_visit", "visits[3]")
    assert (d["due"], d["from"], d["from_date"], d["status"]) == ("2026-04-10", "visits[2]", "2026-03-20", "late")
    d = one(CLOSED, "next_cin_meeting", "meetings[3]")
    assert (d["due"], d["from"], d["status"]) == ("2026-04-16", "meetings[2]", "late")
    # Met windows leave no line: the first review (due Thu 23 April, held 21 April) is not on the record.
    assert [x["ref"] for x in deadlines(CLOSED, "next_review")] == []


def test_closed_case_last_review_records_still_count_and_the_target_was_met():
    # Per-item rules for items before the plan end still apply: the closing review of Tue 14 July.
    d = one(CLOSED, "plan_circulation", "meetings[5]")
    assert (d["due"], d["status"]) == ("2026-07-21", "met")
    # "Most CIN plans will envisage that Children's Services intervention will end within 12 months": plan start
    # Fri 23 Jan 2026 + 12 months = Sat 23 Jan 2027 -> Fri 22 Jan 2027; the plan ended on 24 July 2026: met.
    d = one(CLOSED, "plan_end_expected")
    assert (d["due"], d["status"]) == ("2027-01-22", "met")


def test_closed_case_table_puts_lapses_under_history():
    from click.testing import CliRunner

    from cin_docs.cli import cli

    out = CliRunner().invoke(cli, ["due-dates", str(SAMPLES / CLOSED), "--as-of", "2026-11-23"]).output
    current, _, history = out.partition("History (on the record, not things to do)")
    assert "missed" in history and "Next visit to the child [visits[3]]" in history
    assert "missed" not in current and "[visits[3]]" not in current
    assert "overdue" not in out.lower()


# --- hillingdon-transfer-in ------------------------------------------------------------------------------------

TRANSFER_IN = "hillingdon-transfer-in.yaml"


def test_transfer_in_meeting_met_within_20_working_days():
    # "Receiving local authorities should seek to convene a Child in Need Meeting within 20 working days of the
    # family being resident in their area": Mon 5 Oct 2026 + 20 working days = Mon 2 Nov; held Thu 29 Oct.
    d = one(TRANSFER_IN, "transfer_in_meeting")
    assert (d["due"], d["status"]) == ("2026-11-02", "met")


def test_transfer_in_meeting_is_a_cin_meeting():
    # Recorded and the plan updated within 2 working days (Mon 2 Nov), circulated within 5 (Thu 5 Nov).
    assert (one(TRANSFER_IN, "meeting_record", "meetings[0]")["status"]) == "met"
    d = one(TRANSFER_IN, "plan_update", "meetings[0]")
    assert (d["due"], d["status"]) == ("2026-11-02", "late")  # updated Tue 3 Nov
    assert one(TRANSFER_IN, "plan_circulation", "meetings[0]")["due"] == "2026-11-05"
    # It is the latest CIN meeting (+ 6 weeks = Thu 10 Dec) and starts the plan: first review + 3 months = Fri
    # 29 Jan 2027; panel + 8 months = Tue 29 Jun 2027; manager review + 9 months = Thu 29 Jul 2027; target + 12
    # months = Fri 29 Oct 2027. Visits: latest Thu 12 Nov + 3 weeks = Thu 3 Dec.
    expected = {
        "next_cin_meeting": ("2026-12-10", "meetings[0]"),
        "next_review": ("2027-01-29", "meetings[0]"),
        "panel_identification": ("2027-06-29", "meetings[0]"),
        "manager_review": ("2027-07-29", "meetings[0]"),
        "plan_end_expected": ("2027-10-29", "meetings[0]"),
        "next_visit": ("2026-12-03", "visits[2]"),
    }
    for rule, (due, from_) in expected.items():
        d = one(TRANSFER_IN, rule)
        assert (d["due"], d["from"], d["status"]) == (due, from_, "open"), rule


# --- hertfordshire-nrpf ----------------------------------------------------------------------------------------

HERTS_NRPF = "hertfordshire-nrpf.yaml"


def test_hertfordshire_nrpf_follows_section_4_only():
    # 2.5: "For children and young people in families with No Recourse to Public Funds (NRPF), see Section 4".
    assert rules(HERTS_NRPF) == {
        "nrpf_review",
        "nrpf_check",
        "nrpf_review_visit",
        "nrpf_support_ends",
        "child_turns_18",
    }


def test_hertfordshire_nrpf_dates():
    # "reviewed after 12 weeks and then every 6 months": reviewed Thu 20 Aug + 6 months = Sat 20 Feb 2027 -> Fri 19.
    d = one(HERTS_NRPF, "nrpf_review")
    assert (d["due"], d["from"], d["status"]) == ("2027-02-19", "nrpf.reviews[0]", "open")
    # "following a review visit within the preceding month": due with the review, no visit yet in the month before.
    d = one(HERTS_NRPF, "nrpf_review_visit")
    assert (d["due"], d["status"]) == ("2027-02-19", "open")
    # "every four weeks": Fri 13 Nov + 4 weeks = Fri 11 Dec.
    d = one(HERTS_NRPF, "nrpf_check")
    assert (d["due"], d["from"]) == ("2026-12-11", "nrpf.checks[5]")
    # "written notice to stop support within 14 days": notice Fri 20 Nov + 14 days = Fri 4 Dec, a fact.
    d = one(HERTS_NRPF, "nrpf_support_ends")
    assert (d["due"], d["status"], d["moved"]) == ("2026-12-04", "info", None)


def test_hertfordshire_nrpf_first_review_visit_was_in_the_month_before():
    # As of the first review's due date (Mon 24 Aug), the review visit of Thu 13 Aug met it.
    case, _ = sample(HERTS_NRPF)
    doc = api.due_dates_json(case, dt.date(2026, 8, 19))
    (d,) = [x for x in doc["deadlines"] if x["rule"] == "nrpf_review_visit"]
    assert (d["due"], d["status"]) == ("2026-08-24", "met")


# --- the disabled child's longer-term support ------------------------------------------------------------------


def test_disabled_child_target_is_information_with_the_reason():
    # Hillingdon: "Exceptions to this will be those cases where the plan acknowledges the need for longer term
    # support, for example in relation to children who meet the criteria for the children health and disability
    # teams". Plan start Thu 7 May 2026 + 12 months = Fri 7 May 2027: info, never overdue.
    d = one("hillingdon-disabled-child.yaml", "plan_end_expected")
    assert (d["due"], d["status"]) == ("2027-05-07", "info")
    assert "Exceptions to this will be those cases where the plan acknowledges" in d["source"]
    assert "Children with Disabilities Team" in d["basis"]

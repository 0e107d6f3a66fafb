"""The review record's policy-specific content: Hertfordshire sign-off by the chair and the family, the second
review's 15-month decision, the strategy discussion when progress is limited, several outcomes; Hillingdon's
initial-meeting chair. Every check reads the text of both formats."""

from __future__ import annotations

import copy

import pytest
from test_doc_review_record import KIND, build, small_case

from cin_docs import api
from cin_docs.documents.common import complete, people
from cin_docs.documents.review_record import _outcome_context
from cin_docs.models import case as model
from textutil import docx_text, norm, pdf_text


def texts(ctx: dict) -> list[str]:
    return [norm(docx_text(api.render_bytes(KIND, ctx, "docx"))), norm(pdf_text(api.render_bytes(KIND, ctx, "pdf")))]


# --- Hertfordshire: sign-off by the chair and the family (003 2.2, 2.5) -----------------------------------------


def test_hertfordshire_record_has_chair_and_family_sign_off_rows_to_complete(tmp_path):
    data = small_case("hertfordshire")
    data["meetings"][2]["second_review_decision"] = {"will_cease_by_15_months": True}
    _, built = build(tmp_path, data)
    for text in texts(built.outputs[0].context):
        assert "Sign-off by the chair and the family" in text
        assert "Chair Alex Morgan not yet signed" in text
        assert "Family Jo Example not yet signed" in text
        assert "signed off by the Chair and the family" in text  # the policy sentence


def test_hertfordshire_record_shows_who_signed_and_when(tmp_path):
    data = small_case("hertfordshire")
    review = data["meetings"][2]
    review["second_review_decision"] = {"will_cease_by_15_months": True}
    review["chair_signed_off"] = {"name": "Alex Morgan", "date": "2026-08-14"}
    review["family_signed_off"] = [{"name": "Jo Example", "role": "Mother", "date": "2026-08-17"}]
    _, built = build(tmp_path, data)
    for text in texts(built.outputs[0].context):
        assert "Chair Alex Morgan Friday 14 August 2026" in text
        assert "Family Jo Example, Mother Monday 17 August 2026" in text
        assert "not yet signed" not in text


def test_hillingdon_record_has_only_the_managers_sign_off(tmp_path):
    _, built = build(tmp_path, small_case("hillingdon"))
    for text in texts(built.outputs[0].context):
        assert "Manager's sign-off" in text
        assert "Sign-off by the chair" not in text


# --- Hertfordshire: the second review decides on 15 months (003 2.5) --------------------------------------------


def test_second_review_without_the_decision_warns_and_says_not_recorded(tmp_path):
    _, built = build(tmp_path, small_case("hertfordshire"))
    assert any("second review" in w and "second_review_decision.will_cease_by_15_months" in w for w in built.warnings)
    for text in texts(built.outputs[0].context):
        assert "Will the plan cease by 15 months?" in text
        assert "Expected to cease by 15 months not recorded" in text
        assert "must request that a Child Protection Conference Chair or Independent Reviewing Officer" in text


def test_second_review_not_ceasing_records_the_team_managers_request(tmp_path):
    data = small_case("hertfordshire")
    data["meetings"][2]["second_review_decision"] = {
        "will_cease_by_15_months": False,
        "reason": "Robin's health needs will take longer.",
        "independent_chair_requested": "2026-08-20",
        "requested_by": "Alex Morgan",
    }
    _, built = build(tmp_path, data)
    assert not any("second review" in w or "15 months" in w for w in built.warnings)
    for text in texts(built.outputs[0].context):
        assert "Expected to cease by 15 months No" in text
        assert "Robin's health needs will take longer." in text
        assert (
            "Team manager asked for a Child Protection Conference Chair or Independent Reviewing Officer to "
            "chair the third review On Thursday 20 August 2026, by Alex Morgan"
        ) in text


def test_not_ceasing_without_a_request_date_warns(tmp_path):
    data = small_case("hertfordshire")
    data["meetings"][2]["second_review_decision"] = {"will_cease_by_15_months": False}
    _, built = build(tmp_path, data)
    assert any("independent_chair_requested" in w for w in built.warnings)
    for text in texts(built.outputs[0].context):
        assert "not recorded (required: the plan is not expected to cease by 15 months)" in text


def test_the_first_review_and_hillingdon_have_no_15_month_section(tmp_path):
    _, built = build(tmp_path, small_case("hillingdon"))
    assert built.outputs[0].context["second_review"] is None
    data = small_case("hertfordshire")
    _, built = build(tmp_path, data, meeting="1")
    assert built.outputs[0].context["second_review"] is None
    for text in texts(built.outputs[0].context):
        assert "Will the plan cease by 15 months?" not in text


# --- Hertfordshire: strategy discussion considered when progress is limited (003 2.5, 2.7) -----------------------


def _limited(data: dict) -> dict:
    data["meetings"][2]["progress"] = [
        {"action": "A1", "rating": "not_achieved"},
        {"action": "A2", "rating": "partly_achieved"},
    ]
    data["meetings"][2]["second_review_decision"] = {"will_cease_by_15_months": True}
    return data


def test_limited_progress_without_a_strategy_discussion_record_warns(tmp_path):
    _, built = build(tmp_path, _limited(small_case("hertfordshire")))
    assert any("strategy discussion must be considered" in w for w in built.warnings)
    for text in texts(built.outputs[0].context):
        assert "Strategy discussion considered" in text
        assert "Progress on the plan is limited" in text
        assert "Considered not recorded (required)" in text


def test_a_recorded_strategy_discussion_decision_is_shown(tmp_path):
    data = _limited(small_case("hertfordshire"))
    data["meetings"][2]["strategy_discussion"] = {
        "considered": True,
        "needed": False,
        "rationale": "Jo is engaging; the delay is the course waiting list.",
    }
    _, built = build(tmp_path, data)
    assert not any("strategy" in w for w in built.warnings)
    for text in texts(built.outputs[0].context):
        assert "Considered Yes" in text
        assert "Strategy discussion needed No" in text
        assert "the delay is the course waiting list." in text


def test_good_progress_needs_no_strategy_section(tmp_path):
    data = small_case("hertfordshire")
    data["meetings"][2]["progress"] = [{"action": "A1", "rating": "achieved"}]
    data["meetings"][2]["second_review_decision"] = {"will_cease_by_15_months": True}
    _, built = build(tmp_path, data)
    assert built.outputs[0].context["strategy"] is None
    for text in texts(built.outputs[0].context):
        assert "Strategy discussion considered" not in text


# --- several outcomes (Hertfordshire "and/or", 003 2.5) ----------------------------------------------------------


def test_several_outcomes_are_each_shown_with_the_policy_wording(tmp_path):
    data = small_case("hertfordshire")
    data["meetings"][2]["second_review_decision"] = {"will_cease_by_15_months": True}
    case, built = build(tmp_path, data)
    ctx = copy.deepcopy(built.outputs[0].context)
    meeting = complete(model.Meeting, {**case.data["meetings"][2], "outcome": ["continue", "more_complex"]})
    ctx["outcome"] = _outcome_context(case, meeting, 2, people(case), [])
    wording = case.profile["review_outcomes"]
    for text in texts(ctx):
        assert f"Outcome 1 of 2: Continues as a Child in Need at the same level {norm(wording['continue'])}" in text
        assert f"Outcome 2 of 2: Needs are more complex {norm(wording['more_complex'])}" in text
        assert "Outcome Continues as a Child in Need at the same level and Needs are more complex" in text
        assert text.count("(not chosen):") == 2


def test_a_single_outcome_as_a_string_still_reads_as_before(tmp_path):
    _, built = build(tmp_path, small_case("hillingdon"))
    for text in texts(built.outputs[0].context):
        assert "Outcome: Continues as a Child in Need at the same level" in text
        assert "Outcome 1 of" not in text
        # m10: a lead professional is asked for only when the child steps down (or one is named).
        assert "Lead professional" not in text


# --- Hillingdon: who chairs the initial meeting (000 L47) --------------------------------------------------------


def _initial(policy: str = "hillingdon", **fields) -> dict:
    data = small_case(policy)
    data["line_manager"] = {"name": "Alex Morgan", "role": "Team Manager"}
    data["meetings"][0].update(fields)
    return data


@pytest.mark.parametrize(
    "fields, warned",
    [
        ({"chair": "Alex Morgan", "reviews_chair": "Sam Carter"}, []),
        ({"chair": "Sam Carter", "reviews_chair": "Sam Carter"}, ["chair_delegated_reason"]),
        ({"chair": "Sam Carter", "chair_delegated_reason": "Alex was on leave.", "reviews_chair": "Sam Carter"}, []),
        ({"chair": "Alex Morgan"}, ["reviews_chair"]),
    ],
)
def test_hillingdon_initial_meeting_chair_warnings(tmp_path, fields, warned):
    _, built = build(tmp_path, _initial(**fields), meeting="0")
    found = [key for key in ("chair_delegated_reason", "reviews_chair") if any(key in w for w in built.warnings)]
    assert found == warned


def test_hillingdon_initial_meeting_records_the_chair_the_reason_and_the_review_chair(tmp_path):
    _, built = build(
        tmp_path,
        _initial(chair="Sam Carter", chair_delegated_reason="Alex was on leave.", reviews_chair="Sam Carter"),
        meeting="0",
    )
    for text in texts(built.outputs[0].context):
        assert "Chairing Chaired by Sam Carter, Social Worker" in text
        assert "Why the line manager delegated the chair Alex was on leave. (line manager: Alex Morgan)" in text
        assert "Review meetings will be chaired by Sam Carter, Social Worker" in text
        assert "line manager should chair the initial CIN meeting" in text


def test_line_manager_chairing_needs_no_reason_row(tmp_path):
    _, built = build(tmp_path, _initial(chair="Alex Morgan", reviews_chair="Sam Carter"), meeting="0")
    for text in texts(built.outputs[0].context):
        assert "Chaired by Alex Morgan, Team Manager (the line manager)" in text
        assert "Why the line manager delegated" not in text


def test_hertfordshire_initial_meeting_has_no_chairing_section(tmp_path):
    _, built = build(tmp_path, _initial("hertfordshire", chair="Sam Carter"), meeting="0")
    assert built.outputs[0].context["chairing"] is None
    assert not any("chair_delegated_reason" in w for w in built.warnings)

"""The review record: one held meeting's record, the same content in DOCX and PDF, outcomes, flags and deadlines."""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.documents.review_record import RECORD_TYPES
from cin_docs.errors import RenderError
from cin_docs.render.filters import longdate
from cin_docs.render.jinja import render_html
from textutil import assert_golden, contains_all, docx_text, norm, pdf_text

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples").glob("*.yaml"))
GOLDEN_SAMPLE = "hillingdon-mid-plan"
AS_OF = dt.date(2026, 11, 23)
KIND = "review-record"
NO_CONFIG = {"closures": []}

HEADINGS = [
    "Who took part",
    "Attendees",
    "Apologies",
    "Written reports received",
    "The child and family",
    "The child's views",
    "The family's views",
    "Progress against the plan",
    "Updates to the plan",
    "Discussion",
    "Key discussion points",
    "Significant events",
    "Areas of disagreement",
    "Issues not resolved",
    "Equality and diversity",
    "Outcome of the meeting",
    "Decisions",
    "Deadlines and next steps",
    "Deadlines counted from this meeting",
    "Next review and other case dates",
    "Flags: how long the plan has been open",
    "Manager's sign-off",
    "Distribution",
]
RATING = re.compile(r"\b(Achieved|Partly achieved|Not achieved|Not reviewed)\b")


def write_case(folder: Path, data: dict) -> Path:
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def small_case(policy: str = "hillingdon") -> dict:
    """Plan from Monday 16 February 2026; reviews on 14 May and 13 August (held), 10 December (planned)."""
    review = {
        "type": "review",
        "date": "2026-08-13",
        "time": "10:00",
        "end_time": "11:00",
        "venue": "Room 1, Civic Centre",
        "chair": "Alex Morgan",
        "attendees": ["Jo Example", "Kim Shaw", "Sam Carter", "Alex Morgan"],
        "apologies": ["Dr Ray Patel"],
        "reports_received": [
            {"by": "Dr Ray Patel", "received": "2026-08-11", "summary": "Health check booked.", "shared": False}
        ],
        "child_seen": True,
        "child_seen_alone": False,
        "child_views": "Robin says school is better.",
        "family_views": "Jo feels supported.",
        "progress": [
            {"action": "A1", "rating": "achieved", "evidence": "Course certificate seen."},
            {"action": "A2", "rating": "partly_achieved", "evidence": "Attendance 92%."},
        ],
        "plan_updates": ["A3 moved to the school nurse."],
        "discussion": ["Attendance is improving."],
        "significant_events": [],
        "disagreements": ["Jo disagrees about the timing of A3."],
        "unresolved": ["Transport to the course."],
        "equality_diversity": "Robin's Polish heritage is celebrated.",
        "outcome": "continue",
        "outcome_detail": {"next_steps": "Continue the plan."},
        "decisions": ["Plan continues."],
    }
    return {
        "case_id": "REV-TEST-1",
        "policy": policy,
        "child": {"first_name": "Robin", "last_name": "Example", "date_of_birth": "2015-06-01"},
        "social_worker": {"name": "Sam Carter", "role": "Social Worker"},
        "team_manager": {"name": "Alex Morgan", "role": "Team Manager"},
        "family": [{"name": "Jo Example", "relationship": "Mother", "parental_responsibility": True}],
        "professionals": [
            {"name": "Kim Shaw", "role": "Class teacher", "agency": "Elm Primary", "agency_type": "education"},
            {"name": "Dr Ray Patel", "role": "GP", "agency": "Elm Surgery", "agency_type": "health"},
        ],
        "assessment": {"completed": "2026-02-02"},
        "plan": {
            "start": "2026-02-16",
            "actions": [
                {"id": "A1", "action": "Attend a parenting course", "owner": "Jo Example", "due": "2026-06-30"},
                {
                    "id": "A2",
                    "action": "Agree an attendance plan",
                    "owner": "Kim Shaw",
                    "agency": "Elm Primary",
                    "due": "2026-12-18",
                },
                {"id": "A3", "action": "Health check for Robin", "owner": "Dr Ray Patel", "due": "2026-12-18"},
            ],
        },
        "meetings": [
            {"type": "initial", "date": "2026-02-16", "chair": "Alex Morgan", "outcome": "continue"},
            {"type": "review", "date": "2026-05-14", "outcome": "continue"},
            review,
            {"type": "review", "date": "2026-12-10", "time": "10:00"},
        ],
    }


def build(tmp_path: Path, data: dict, **options):
    case = api.load(write_case(tmp_path, data), NO_CONFIG)
    return case, api.build(case, KIND, Options(as_of=options.pop("as_of", AS_OF), **options))


def html_text(context: dict) -> str:
    """The PDF's source as plain text (the PDF is made from exactly this HTML)."""
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", render_html(f"{KIND}.html", context))))


def progress_section(text: str) -> str:
    folded = norm(text)
    return folded[folded.index("Progress against the plan") : folded.index("Updates to the plan")]


# --- every sample ----------------------------------------------------------------------------------------------


def _applicable(case: api.Case) -> bool:
    return case.data["support"] == "cin" and any(
        m["type"] in RECORD_TYPES and m["date"] <= AS_OF for m in case.data.get("meetings", [])
    )


@pytest.fixture(scope="module")
def rendered_samples():
    """Each sample with a held initial/review/CIN meeting, rendered once in both formats."""
    out = {}
    for path in SAMPLES:
        case = api.load(path, NO_CONFIG)
        if not _applicable(case):
            continue
        built = api.build(case, KIND, Options(as_of=AS_OF))
        (output,) = built.outputs
        docx_bytes, pdf_bytes = (api.render_bytes(KIND, output.context, fmt) for fmt in ("docx", "pdf"))
        out[path.stem] = (case, output, docx_bytes, pdf_bytes, docx_text(docx_bytes), pdf_text(pdf_bytes))
    return out


def test_samples_are_covered(rendered_samples):
    assert GOLDEN_SAMPLE in rendered_samples
    for path in SAMPLES:
        case = api.load(path, NO_CONFIG)
        if not _applicable(case):
            with pytest.raises(RenderError):
                api.build(case, KIND, Options(as_of=AS_OF))


def test_every_applicable_sample_renders_in_both_formats(rendered_samples):
    for name, (_, _, docx_bytes, pdf_bytes, _, _) in rendered_samples.items():
        assert docx_bytes.startswith(b"PK"), name
        assert pdf_bytes.startswith(b"%PDF-"), name


def test_docx_and_pdf_carry_the_same_headings_and_key_values(rendered_samples):
    for name, (_case, output, _, _, docx_t, pdf_t) in rendered_samples.items():
        ctx = output.context
        outcome = ctx["outcome"]
        needles = [
            ctx["doc"]["title"],
            *HEADINGS,
            ctx["child"]["full_name"],
            longdate(ctx["meeting"]["date"]),
            ctx["meeting"]["type_label"],
            f"Outcome: {outcome['label']}" if outcome["recorded"] else "Outcome: not recorded",
        ]
        if outcome["recorded"]:
            needles += [o["text"] for o in outcome["chosen"]]
        if ctx["deadlines"]["next_review"]:
            needles.append(longdate(ctx["deadlines"]["next_review"]["due"]))
        needles += [longdate(d["due"]) for d in ctx["deadlines"]["meeting"] + ctx["deadlines"]["case"]]
        needles += [row["owner"] for row in ctx["progress"]["rows"] if row["owner"]]
        assert contains_all(docx_t, needles) == [], name
        assert contains_all(pdf_t, needles) == [], name
        ratings = [row["rating_label"] for row in ctx["progress"]["rows"]]
        assert RATING.findall(progress_section(docx_t)) == ratings, name
        assert RATING.findall(progress_section(pdf_t)) == ratings, name


def test_golden_snapshot_of_the_docx_text(rendered_samples):
    assert_golden(f"{KIND}.{GOLDEN_SAMPLE}", rendered_samples[GOLDEN_SAMPLE][4])


def test_template_uses_only_what_the_context_provides(rendered_samples):
    from docxtpl import DocxTemplate

    from cin_docs import resources
    from cin_docs.render.jinja import docx_jinja_environment

    template = DocxTemplate(resources.docx_templates_dir() / f"{KIND}.docx")
    undeclared = template.get_undeclared_template_variables(docx_jinja_environment())
    for _, output, *_ in rendered_samples.values():
        assert undeclared <= set(output.context)


def test_mid_plan_sample_shows_the_overdue_circulation_and_the_review_progress(rendered_samples):
    case, output, _, _, docx_t, _ = rendered_samples[GOLDEN_SAMPLE]
    ctx = output.context
    assert ctx["meeting"]["type_label"] == "Review 1" and ctx["meeting"]["index"] == 3
    circulation = next(d for d in ctx["deadlines"]["meeting"] if d["rule"] == "plan_circulation")
    assert circulation["status"] == "overdue" and circulation["due"] == dt.date(2026, 11, 19)
    text = norm(docx_t)
    assert "Circulate the updated plan Thursday 19 November 2026 Overdue" in text
    assert "Next review due Friday 12 February 2027" in text
    assert "To be raised with the team manager (Marcus Adebayo):" in text


# --- choosing the meeting --------------------------------------------------------------------------------------


def test_default_is_the_latest_held_meeting_and_reviews_are_numbered(tmp_path):
    _, built = build(tmp_path, small_case())
    (output,) = built.outputs
    assert output.name_parts == ["2026-08-13"]
    assert output.context["meeting"]["index"] == 2
    assert output.context["meeting"]["type_label"] == "Review 2"


def test_meeting_by_index_and_by_date(tmp_path):
    _, by_index = build(tmp_path, small_case(), meeting="1")
    assert by_index.outputs[0].context["meeting"]["type_label"] == "Review 1"
    _, by_date = build(tmp_path, small_case(), meeting="2026-02-16")
    assert by_date.outputs[0].context["meeting"]["type_label"] == "Initial meeting"
    assert by_date.outputs[0].name_parts == ["2026-02-16"]


def test_a_planned_meeting_is_refused_with_a_clear_error(tmp_path):
    for ref in ("3", "2026-12-10"):
        with pytest.raises(RenderError) as err:
            build(tmp_path, small_case(), meeting=ref)
        message = err.value.message
        assert message.startswith(
            "Meeting 3 (Child in Need review meeting on Thursday 10 December 2026) has not been held yet"
        )
        assert "planned meeting" in message and "--meeting" in message


def test_a_case_with_no_held_meeting_says_which_meetings_count(tmp_path):
    with pytest.raises(RenderError) as err:
        build(tmp_path, small_case(), as_of=dt.date(2026, 2, 13))
    assert err.value.message.startswith(
        "A review record is made only for a held meeting of these kinds: Initial Child in Need meeting, Child in "
        "Need review meeting or Child in Need meeting. This case file has none dated on or before Friday 13 "
        "February 2026."
    )


def test_a_meeting_of_another_type_is_refused_by_name(tmp_path):
    data = small_case()
    data["meetings"].append({"type": "family_network", "date": "2026-03-02"})
    with pytest.raises(RenderError) as err:
        build(tmp_path, data, meeting="4")
    assert "meeting 4 is a Family network meeting" in err.value.message


def test_a_case_without_plan_actions_names_what_is_missing(tmp_path):
    data = small_case()
    data["plan"]["actions"] = []
    with pytest.raises(RenderError) as err:
        build(tmp_path, data)
    assert "plan.actions" in err.value.message


# --- progress ---------------------------------------------------------------------------------------------------


def test_every_action_is_listed_and_unreviewed_ones_say_so(tmp_path):
    data = small_case()
    data["meetings"][2]["progress"].append({"action": "A9", "rating": "achieved"})
    _, built = build(tmp_path, data)
    rows = built.outputs[0].context["progress"]["rows"]
    assert [(r["ref"], r["rating_label"]) for r in rows] == [
        ("A1", "Achieved"),
        ("A2", "Partly achieved"),
        ("A3", "Not reviewed"),
    ]
    assert built.outputs[0].context["progress"]["summary"] == (
        "3 actions in the plan: 1 achieved, 1 partly achieved, 0 not achieved, 1 not reviewed."
    )
    assert any("'A9'" in w and "not an action id" in w for w in built.warnings)


# --- outcome ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["hillingdon", "hertfordshire"])
@pytest.mark.parametrize("outcome", ["no_longer_in_need", "continue", "more_complex", "significant_harm"])
def test_each_outcome_shows_the_policy_wording_and_the_others_as_not_chosen(tmp_path, policy, outcome):
    data = small_case(policy)
    data["meetings"][2]["outcome"] = outcome
    data["meetings"][2]["outcome_detail"] = {"lead_professional": "Kim Shaw", "next_steps": "Step down to Early Help."}
    if policy == "hertfordshire":  # meeting 2 is the second review: the 15-month decision is required there
        data["meetings"][2]["second_review_decision"] = {"will_cease_by_15_months": True}
    case, built = build(tmp_path, data)
    assert built.warnings == []
    ctx = built.outputs[0].context
    wording = case.profile["review_outcomes"]
    for text in (norm(docx_text(api.render_bytes(KIND, ctx, "docx"))), html_text(ctx)):
        assert f"Outcome: {ctx['outcome']['label']} {norm(wording[outcome])}" in text
        for other, other_text in wording.items():
            if other != outcome:
                assert f"(not chosen): {norm(other_text)}" in text
        assert "Lead professional Kim Shaw, Class teacher, Elm Primary" in text


def test_the_two_policies_word_the_more_complex_outcome_differently(tmp_path):
    texts = {}
    for policy in ("hillingdon", "hertfordshire"):
        data = small_case(policy)
        data["meetings"][2]["outcome"] = "more_complex"
        _, built = build(tmp_path, data)
        texts[policy] = built.outputs[0].context["outcome"]["chosen"][0]["text"]
    assert "Assessment should be updated" in texts["hillingdon"]
    assert "Complex Risk Panel" in texts["hertfordshire"]


@pytest.fixture(scope="module")
def missing_outcome(tmp_path_factory):
    data = small_case()
    del data["meetings"][2]["outcome"]
    case, built = build(tmp_path_factory.mktemp("missing"), data)
    ctx = built.outputs[0].context
    return built, docx_text(api.render_bytes(KIND, ctx, "docx")), pdf_text(api.render_bytes(KIND, ctx, "pdf"))


def test_a_missing_outcome_renders_as_not_recorded_with_a_warning(missing_outcome):
    built, docx_t, pdf_t = missing_outcome
    assert len(built.warnings) == 1
    assert "has no outcome recorded" in built.warnings[0]
    for text in (docx_t, pdf_t):
        assert (
            contains_all(
                text,
                [
                    "Outcome: not recorded",
                    "Possible outcomes (none chosen)",
                    "No outcome has been recorded for this meeting.",
                ],
            )
            == []
        )
        assert norm(text).count("(not chosen):") == 4


def test_no_longer_in_need_without_lead_professional_or_next_steps_warns(tmp_path):
    data = small_case()
    data["meetings"][2]["outcome"] = "no_longer_in_need"
    data["meetings"][2]["outcome_detail"] = {}
    _, built = build(tmp_path, data)
    assert len(built.warnings) == 2
    assert "lead professional" in built.warnings[0] and "next steps" in built.warnings[1]
    text = norm(docx_text(api.render_bytes(KIND, built.outputs[0].context, "docx")))
    assert "Lead professional not recorded (required for this outcome)" in text
    assert "Next steps not recorded (required for this outcome)" in text


def test_the_cli_prints_the_missing_outcome_warning(tmp_path):
    data = small_case()
    del data["meetings"][2]["outcome"]
    result = CliRunner().invoke(
        cli,
        [
            "render",
            KIND,
            str(write_case(tmp_path, data)),
            "--format",
            "docx",
            "-o",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-23",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Warning: Meeting 2 (Child in Need review meeting) has no outcome recorded" in result.output


# --- deadlines and flags ----------------------------------------------------------------------------------------


def test_hillingdon_flags_the_8_month_panel_date_but_not_the_9_month_review_just_outside(tmp_path):
    # Meeting Thursday 13 August 2026: the window ends on Friday 13 November 2026 (3 months; the next review was
    # due the same day). Panel identification (8 months) is Friday 16 October; the 9-month review Monday 16 November.
    _, built = build(tmp_path, small_case())
    flags = built.outputs[0].context["flags"]
    assert flags["window_end"] == dt.date(2026, 11, 13)
    assert [f["rule"] for f in flags["raised"]] == ["panel_identification"]
    assert flags["raised"][0]["status"] == "overdue"
    text = norm(docx_text(api.render_bytes(KIND, built.outputs[0].context, "docx")))
    assert "Identify the case for the CIN panel: Friday 16 October 2026 (Overdue)" in text
    assert "falls by Friday 13 November 2026" in text


def test_hertfordshire_flags_the_independent_chair_and_panel_before_the_six_monthly_review(tmp_path):
    data = small_case("hertfordshire")
    data["plan"]["start"] = "2026-01-12"
    data["meetings"][0]["date"] = "2026-01-12"
    data["meetings"][1]["date"] = "2026-04-09"
    data["meetings"][2]["date"] = "2026-09-10"  # the second review, within 9 months
    _, built = build(tmp_path, data)
    flags = built.outputs[0].context["flags"]
    # The next review was due 6 months after this one (Wednesday 10 March 2027), later than 3 months.
    assert flags["next_review_due"] == dt.date(2027, 3, 10) and flags["window_end"] == dt.date(2027, 3, 10)
    assert {f["rule"] for f in flags["raised"]} == {"independent_chair", "panel_eligible"}
    assert "second_review_check" not in {f["rule"] for f in flags["raised"]}  # met by the second review


def test_per_meeting_and_case_deadlines_come_from_the_engine(tmp_path):
    case, built = build(tmp_path, small_case())
    ctx = built.outputs[0].context
    engine = api.due_dates(case, AS_OF)
    assert (
        [d["rule"] for d in ctx["deadlines"]["meeting"]]
        == [d.rule for d in engine if d.ref == "meetings[2]" and not d.history]
        == ["meeting_record", "plan_update", "plan_circulation"]
    )
    # A past window met late by this meeting is on the record, under History, not among its deadlines.
    assert [(h["rule"], h["ref"]) for h in ctx["deadlines"]["history"]] == [
        (d.rule, d.ref) for d in engine if d.history
    ]
    next_review = next(d for d in engine if d.rule == "next_review" and not d.lapse)
    assert ctx["deadlines"]["next_review"]["due"] == next_review.due
    assert ctx["deadlines"]["next_meeting"]["date"] == dt.date(2026, 12, 10)


def test_an_older_meeting_says_later_meetings_were_held(tmp_path):
    _, built = build(tmp_path, small_case(), meeting="0")
    later = built.outputs[0].context["deadlines"]["later_held"]
    assert [m["date"] for m in later] == [dt.date(2026, 5, 14), dt.date(2026, 8, 13)]


# --- distribution -----------------------------------------------------------------------------------------------


def test_distribution_lists_parents_child_participants_and_the_guardian(tmp_path):
    data = small_case()
    data["plan"]["care_proceedings"] = True
    data["professionals"].append({"name": "Lee Hart", "role": "Children's Guardian", "agency": "Cafcass"})
    _, built = build(tmp_path, data)
    dist = {p["name"]: p for p in built.outputs[0].context["distribution"]}
    assert list(dist) == [
        "Jo Example",
        "Robin Example",
        "Kim Shaw",
        "Sam Carter",
        "Alex Morgan",
        "Dr Ray Patel",
        "Lee Hart",
    ]
    assert dist["Robin Example"]["note"].startswith("aged 11: a version suited to their age")
    assert dist["Dr Ray Patel"]["note"] == "sent apologies"
    assert dist["Lee Hart"]["note"] == "the child is subject to care proceedings"


def test_missing_equality_and_diversity_at_a_review_warns(tmp_path):
    data = small_case()
    del data["meetings"][2]["equality_diversity"]
    _, built = build(tmp_path, data)
    assert any("equality and diversity" in w for w in built.warnings)


# --- end to end -------------------------------------------------------------------------------------------------


def test_cli_end_to_end_on_the_mid_plan_sample(tmp_path, monkeypatch):
    monkeypatch.delenv("CIN_DOCS_CONFIG", raising=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            KIND,
            str(REPO / "samples" / f"{GOLDEN_SAMPLE}.yaml"),
            "--as-of",
            "2026-11-23",
            "-o",
            str(out),
            "--format",
            "docx",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["HIL-2026-0143_review-record_2026-11-12.docx"]
    assert "Warning" not in result.output


def test_cli_refuses_a_planned_meeting(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "render",
            KIND,
            str(write_case(tmp_path, small_case())),
            "--meeting",
            "3",
            "-o",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-23",
        ],
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: Meeting 3 (Child in Need review meeting on Thursday 10 December 2026) has not been held yet"
    )
    assert not (tmp_path / "out").exists()


def test_hostile_text_is_kept_literally(tmp_path):
    data = copy.deepcopy(small_case())
    data["meetings"][2]["discussion"] = ["<b>bold</b> & {{ 7*7 }} </w:t>"]
    _, built = build(tmp_path, data)
    ctx = built.outputs[0].context
    for text in (norm(docx_text(api.render_bytes(KIND, ctx, "docx"))), html_text(ctx)):
        assert "<b>bold</b> & {{ 7*7 }} </w:t>" in text

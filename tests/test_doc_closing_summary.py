"""The closing summary: closure in words, the work done, everyone's views, next steps, agreement, lapses, both formats."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.documents.closing_summary import length_words
from cin_docs.errors import RenderError
from textutil import assert_golden, contains_all, docx_text, norm, pdf_text

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 23)
KIND = "closing-summary"
NO_CONFIG = {"closures": []}

CLOSURE = {
    "date": "2026-11-20",
    "reason": "RC7",
    "summary": "Millie's school attendance is now above 95% and Danielle has finished the parenting course. "
    "The family no longer need a social worker.",
    "professionals_views": [
        {"by": "Rachel Dunmore", "view": "Millie is settled in class and her attendance is consistently good."},
        {"by": "Dr Imran Siddiqui", "view": "No health concerns remain."},
    ],
    "child_views": {
        "in_own_words": "I like my new class. Mum does not shout any more.",
        "format": "drawing",
        "recorded_on": "2026-11-16",
    },
    "family_views": [{"by": "Danielle Hartwell", "view": "I feel ready to carry on without a social worker."}],
    "next_steps": "step_down_early_help",
    "next_steps_detail": "Family support worker from Early Help for 12 weeks; school to monitor attendance.",
    "lead_professional": "Rachel Dunmore",
    "agreed_by_team_manager": {"name": "Marcus Adebayo", "role": "Team Manager", "date": "2026-11-19"},
    "agreed_by_early_help_manager": {"name": "Lena Okafor", "role": "Early Help Manager", "date": "2026-11-19"},
}


def closed_case(
    tmp_path: Path, closure: dict | None = None, sample: str = "hillingdon-mid-plan", **changes
) -> api.Case:
    """A sample closed on Friday 20 November 2026 (meetings after the closure dropped)."""
    data = yaml.safe_load((REPO / "samples" / f"{sample}.yaml").read_text(encoding="utf-8"))
    data["meetings"] = [m for m in data.get("meetings", []) if str(m["date"]) <= "2026-11-20"]
    data["closure"] = copy.deepcopy(CLOSURE if closure is None else closure)
    data.update(changes)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return api.load(path, NO_CONFIG)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    case = closed_case(tmp_path_factory.mktemp("closed"))
    built = api.build(case, KIND, Options(as_of=AS_OF))
    (output,) = built.outputs
    docx_bytes = api.render_bytes(KIND, output.context, "docx")
    pdf_bytes = api.render_bytes(KIND, output.context, "pdf")
    return case, built, output, docx_text(docx_bytes), pdf_text(pdf_bytes)


def test_both_formats_carry_the_statutory_content(rendered):
    _, built, _, docx_t, pdf_t = rendered
    needles = [
        "Closing summary: Amelia Hartwell",
        "Case closed",
        "Friday 20 November 2026",
        "Services ceased for any other reason, including child no longer in need (census code RC7)",
        "Plan started",
        "Tuesday 15 September 2026",
        "Length of the plan",
        "2 months and 5 days",
        "Why the plan is ending",
        "Danielle has finished the parenting course",
        "The work done",
        "Needs and services",
        "Outcomes and actions",
        "Meetings held",
        "The professionals' views",
        "Rachel Dunmore",
        "Millie is settled in class",
        "No health concerns remain.",
        "Millie's views, wishes and feelings",
        "In Millie's own words (a drawing, Monday 16 November 2026)",
        "I like my new class. Mum does not shout any more.",
        "The parents' and carers' views",
        "Danielle Hartwell, Mother",
        "I feel ready to carry on",
        "What happens next",
        "Step-down to Early Help",
        "Family support worker from Early Help for 12 weeks",
        "Agreement to end the plan",
        "Agreed by Marcus Adebayo, Team Manager, on Thursday 19 November 2026",
        "Early Help manager",
        "Agreed by Lena Okafor, Early Help Manager",
        "Deadline history",
        "Distribution",
    ]
    for text in (docx_t, pdf_t):
        assert contains_all(text, needles) == []
    assert built.warnings == []


def test_every_plan_action_appears_under_its_outcome_with_its_final_status(rendered):
    case, _, output, docx_t, pdf_t = rendered
    plan = case.data["plan"]
    work = output.context["work"]
    listed = [a["ref"] for o in work["outcomes"] for a in o["actions"]] + [a["ref"] for a in work["other"]]
    assert sorted(listed) == sorted(a["id"] for a in plan["actions"])
    for outcome in work["outcomes"]:
        for a in outcome["actions"]:
            source = next(x for x in plan["actions"] if x["id"] == a["ref"])
            assert a["outcome"] == outcome["id"] == source["outcome"]
    for text in (docx_t, pdf_t):
        for o in plan["outcomes"]:
            assert norm(f"{o['id']}: {o['outcome']}") in norm(text)
        achieved = sum(1 for a in plan["actions"] if a.get("status") == "achieved")
        assert f"{achieved} of {len(plan['actions'])} actions achieved." in norm(text)


def test_the_document_names_who_it_goes_to(rendered):
    _, _, output, _, _ = rendered
    names = output.addressed_to
    # The plan's own distribution list, resolved to the case file's names ("Millie (a child-friendly ...)" is Amelia).
    assert names[:3] == ["Danielle Hartwell", "Ryan Coles", "Amelia Hartwell"]
    assert "Marcus Adebayo" not in names
    assert output.reader == "family"
    assert names == [p["name"] for p in output.context["distribution"]]


def test_a_case_without_a_closure_is_refused_with_a_plain_message():
    case = api.load(REPO / "samples" / "hillingdon-mid-plan.yaml", NO_CONFIG)
    with pytest.raises(RenderError, match="has no closure.*closure: {date: .*reason: RC7}"):
        api.build(case, KIND, Options(as_of=AS_OF))


def test_cli_refuses_a_case_without_closure_and_writes_nothing(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "render",
            KIND,
            str(REPO / "samples" / "hillingdon-mid-plan.yaml"),
            "--as-of",
            "2026-11-23",
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1
    assert "Error: The closing summary is made when a plan ends" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _bare_meetings(data: dict) -> None:
    for m in data["meetings"]:
        for key in ("reports_received", "child_views", "family_views", "outcome_detail"):
            m.pop(key, None)


def test_missing_views_and_agreements_are_warned_and_shown_as_not_recorded(tmp_path):
    case = closed_case(tmp_path, {"date": "2026-11-20", "reason": "RC8"})
    _bare_meetings(case.data)
    built = api.build(case, KIND, Options(as_of=AS_OF))
    (warning,) = built.warnings
    for what in (
        "closure.summary",
        "closure.professionals_views",
        "closure.child_views.in_own_words",
        "closure.family_views",
        "closure.next_steps",
        "closure.agreed_by_team_manager",
        "closure.agreed_by_early_help_manager",
    ):
        assert what in warning
    ctx = built.outputs[0].context
    for fmt, extract in (("docx", docx_text), ("pdf", pdf_text)):
        text = norm(extract(api.render_bytes(KIND, ctx, fmt)))
        assert "Case closed after assessment, no further action (census code RC8)" in text
        assert "Team manager not recorded" in text
        assert "Early Help manager not recorded" in text


def test_views_and_next_steps_not_in_the_closure_come_from_the_deciding_review(tmp_path):
    # hillingdon-closed: the review of Tuesday 14 July 2026 decided Jayden is no longer a Child in Need.
    data = yaml.safe_load((REPO / "samples" / "hillingdon-closed.yaml").read_text(encoding="utf-8"))
    data["closure"] = {"date": data["closure"]["date"], "reason": data["closure"]["reason"]}
    path = tmp_path / "closed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    case = api.load(path, NO_CONFIG)
    built = api.build(case, KIND, Options(as_of=AS_OF))
    (warning,) = built.warnings
    assert "closure.professionals_views" not in warning and "closure.family_views" not in warning
    assert "closure.child_views" not in warning and "closure.next_steps" not in warning
    ctx = built.outputs[0].context
    for fmt, extract in (("docx", docx_text), ("pdf", pdf_text)):
        text = norm(extract(api.render_bytes(KIND, ctx, fmt)))
        assert "From their written reports to the Child in Need review meeting on Tuesday 14 July 2026" in text
        assert "Kerry completed structured treatment (11 of 12 sessions)" in text
        assert "From the record of the Child in Need review meeting on Tuesday 14 July 2026:" in text
        assert "Mum is better now. I don't need a social worker" in text
        assert "Step-down to Early Help (Hatchmoor Hub)" in text
        assert "Lead professional Tom Haddad" in text


def test_hertfordshire_asks_for_no_early_help_manager(tmp_path):
    closure = {k: v for k, v in CLOSURE.items() if k != "agreed_by_early_help_manager"}
    closure["professionals_views"] = [{"by": "Bethany Clough", "view": "Agreed."}]
    closure["family_views"] = []
    del closure["lead_professional"]
    closure["next_steps"] = "universal_services"
    case = closed_case(tmp_path, closure, sample="hertfordshire-panel")
    built = api.build(case, KIND, Options(as_of=AS_OF))
    assert not any("Early Help manager" in w for w in built.warnings)
    ctx = built.outputs[0].context
    for fmt, extract in (("docx", docx_text), ("pdf", pdf_text)):
        text = norm(extract(api.render_bytes(KIND, ctx, fmt)))
        assert "Early Help manager" not in text
        assert "Universal services only" in text


def test_step_down_without_a_lead_professional_warns(tmp_path):
    closure = {k: v for k, v in CLOSURE.items() if k != "lead_professional"}
    built = api.build(closed_case(tmp_path, closure), KIND, Options(as_of=AS_OF))
    assert any("names no lead professional" in w for w in built.warnings)


def test_the_deadline_history_lists_late_deadlines_from_the_engine(rendered):
    case, _, output, docx_t, pdf_t = rendered
    late = [d for d in api.due_dates(case, AS_OF) if d.status in ("late", "missed")]
    assert [(d["rule"], d["due"]) for d in output.context["lapses"]] == [
        (d.rule, d.due) for d in sorted(late, key=lambda d: d.due)
    ]
    for text in (docx_t, pdf_t):
        history = norm(text)[norm(text).index("Deadline history") :]
        for d in late:
            assert norm(d.label) in history


def test_plan_length_in_words():
    assert length_words(dt.date(2026, 9, 15), dt.date(2026, 11, 20)) == "2 months and 5 days"
    assert length_words(dt.date(2025, 1, 31), dt.date(2026, 3, 1)) == "1 year, 1 month and 1 day"
    assert length_words(dt.date(2026, 1, 1), dt.date(2026, 1, 1)) == "less than a day"
    assert length_words(dt.date(2026, 1, 1), dt.date(2027, 1, 1)) == "1 year"


def test_cli_writes_both_formats_named_by_case_and_closure_date(tmp_path):
    case = closed_case(tmp_path)
    result = CliRunner().invoke(
        cli, ["render", KIND, str(case.path), "--as-of", "2026-11-23", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["HIL-2026-0143_closing-summary_2026-11-20.docx", "HIL-2026-0143_closing-summary_2026-11-20.pdf"]


def test_golden_snapshot_of_the_docx_text(rendered):
    assert_golden("closing-summary.hillingdon-mid-plan-closed", rendered[3])

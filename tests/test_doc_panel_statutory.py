"""Panel summary against the policies: the outcomes the panel may decide, who presents, Hillingdon's 8 months, and
the plan history's punctuation. Text is read from both formats."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from test_doc_panel import AS_OF, CONFIG, SAMPLES, hillingdon_panel, write_case

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.documents.panel_summary import _join_decisions
from cin_docs.packs import panel as panel_pack
from textutil import docx_text, norm, pdf_text


def both(ctx: dict) -> list[str]:
    return [
        norm(docx_text(api.render_bytes("panel-summary", ctx, "docx"))),
        norm(pdf_text(api.render_bytes("panel-summary", ctx, "pdf"))),
    ]


def test_hillingdon_offers_the_four_review_outcomes_to_tick(tmp_path):
    case = api.load(write_case(tmp_path, hillingdon_panel(False)), CONFIG)
    built = api.build(case, "panel-summary", Options(as_of=AS_OF))
    options = case.profile["panel"]["outcomes"]
    assert len(options) == 4
    for text in both(built.outputs[0].context):
        section = text[text.index("Decisions of the panel") :]
        assert "What the panel may decide" in section
        for option in options:
            assert f"☐ {norm(option)}" in section
        assert "The panel may determine a number of outcomes as stated above" in section


def test_recorded_decisions_list_the_options_without_boxes(tmp_path):
    case = api.load(write_case(tmp_path, hillingdon_panel(True)), CONFIG)
    ctx = api.build(case, "panel-summary", Options(as_of=AS_OF)).outputs[0].context
    for text in both(ctx):
        assert "☐" not in text
        assert "• The child continues to be a Child in Need" in text


def test_hillingdon_warns_when_the_plan_has_not_reached_8_months(tmp_path):
    # hillingdon-mid-plan started on Tuesday 15 September 2026; the held panel sat on Thursday 19 November 2026.
    case = api.load(write_case(tmp_path, hillingdon_panel(True)), CONFIG)
    built = api.build(case, "panel-summary", Options(as_of=AS_OF))
    (warning,) = [w for w in built.warnings if "8 months" in w]
    assert warning.startswith(
        "The plan started on Tuesday 15 September 2026, so it will have been open 2 months by "
        "the panel on Thursday 19 November 2026: the Hillingdon policy brings a plan to the "
        "panel once it has run 8 months (Saturday 15 May 2027)."
    )
    assert "identified by the line manager at 8 months" in warning
    result = CliRunner().invoke(
        cli, ["render", "panel-summary", str(case.path), "--as-of", "2026-11-23", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0 and "Warning: The plan started on Tuesday 15 September 2026" in norm(result.output)


def test_no_warning_once_the_plan_has_run_8_months(tmp_path):
    case = api.load(write_case(tmp_path, hillingdon_panel(False)), CONFIG)  # panel on Thursday 20 May 2027
    built = api.build(case, "panel-summary", Options(as_of=AS_OF))
    assert not any("8 months" in w for w in built.warnings)


def test_the_panel_pack_warns_too(tmp_path):
    case = api.load(write_case(tmp_path, hillingdon_panel(True)), CONFIG)
    _, warnings = panel_pack.check([case], dt.date(2026, 11, 19), AS_OF)
    assert any(w.startswith("Case HIL-PANEL-HELD: The plan started on") for w in warnings)


def test_hertfordshire_names_the_team_manager_and_the_allocated_worker(tmp_path):
    case = api.load(SAMPLES / "hertfordshire-panel.yaml", CONFIG)
    built = api.build(case, "panel-summary", Options(as_of=AS_OF))
    output = built.outputs[0]
    assert output.addressed_to == ["Louise Fairbrother", "Bethany Clough"] and output.reader == "professional"
    assert built.warnings == []
    for text in both(output.context):
        assert "Presented by Louise Fairbrother (team manager) and Bethany Clough (allocated case worker)" in text


def test_hertfordshire_without_a_team_manager_warns(tmp_path):
    case = api.load(SAMPLES / "hertfordshire-panel.yaml", CONFIG)
    case.data = {k: v for k, v in case.data.items() if k not in ("team_manager", "line_manager")}
    built = api.build(case, "panel-summary", Options(as_of=AS_OF))
    assert any("the team manager presents the case" in w and "(team_manager)" in w for w in built.warnings)
    for text in both(built.outputs[0].context):
        assert "team manager: to be confirmed and Bethany Clough (allocated case worker)" in text


def test_hillingdon_keeps_its_single_presenter(tmp_path):
    case = api.load(write_case(tmp_path, hillingdon_panel(False)), CONFIG)
    ctx = api.build(case, "panel-summary", Options(as_of=AS_OF)).outputs[0].context
    assert ctx["panel"]["presenter"] == "Claire Fenwick, Practice Manager"


def test_plan_history_decisions_have_no_doubled_punctuation(tmp_path):
    assert (
        _join_decisions(["CIN plan under s17(10)(a).", "Priya Raman to chair the reviews."])
        == "CIN plan under s17(10)(a); Priya Raman to chair the reviews."
    )
    assert _join_decisions([]) == "–"
    case = api.load(write_case(tmp_path, hillingdon_panel(True)), CONFIG)
    ctx = api.build(case, "panel-summary", Options(as_of=AS_OF)).outputs[0].context
    for text in both(ctx):
        assert ".;" not in text


def test_a_referral_dated_in_the_future_is_not_packed_silently(tmp_path):
    # m12: referred on 22 December for the 31 December panel (deadline 18 December), packed on 23 November.
    from test_doc_panel import sample

    data = sample("hertfordshire-panel")
    data["panel"]["referred"] = dt.date(2026, 12, 22)
    case = api.load(write_case(tmp_path, data), CONFIG)
    problems, _ = panel_pack.check([case], dt.date(2026, 12, 31), AS_OF)
    assert any(
        "referral to the panel is dated Tuesday 22 December 2026, after Monday 23 November 2026" in p for p in problems
    )
    built = api.build(case, "panel-summary", Options(as_of=AS_OF))
    assert any("cannot be dated in the future" in w for w in built.warnings)


def test_the_panel_membership_comes_from_the_policy(tmp_path):
    case = api.load(write_case(tmp_path, hillingdon_panel(False)), CONFIG)
    for text in both(api.build(case, "panel-summary", Options(as_of=AS_OF)).outputs[0].context):
        assert "Membership Health, Early Help and Children's Social Care" in text

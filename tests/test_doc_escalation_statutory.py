"""Escalation form against Hertfordshire section 6: who acts at each stage, the Board manager copied at stages 3-4,
the 6.3.4 bypass for immediate risk, and the escalation named as a reader counts it. Both formats."""

from __future__ import annotations

import copy

import pytest
import yaml
from test_doc_escalation import AS_OF, SAMPLE, write_case

from cin_docs import api
from cin_docs.documents import Options
from textutil import docx_text, norm, pdf_text

KIND = "escalation"


def both(ctx: dict) -> list[str]:
    return [norm(docx_text(api.render_bytes(KIND, ctx, "docx"))), norm(pdf_text(api.render_bytes(KIND, ctx, "pdf")))]


@pytest.fixture(scope="module")
def sample_data():
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def build(tmp_path, data, index):
    case = api.load(write_case(tmp_path, data), {"closures": []})
    return api.build(case, KIND, Options(as_of=AS_OF, escalation=index))


def test_the_escalation_is_named_in_date_order_with_the_date_it_was_raised(tmp_path, sample_data):
    # Escalation 0 (disagreement 11 November, raised 12 November) is the later of the two; 1 is from 9 October.
    later = build(tmp_path, sample_data, 0).outputs[0].context
    earlier = build(tmp_path, sample_data, 1).outputs[0].context
    for text in both(later):
        assert "Escalation Escalation 2 of 2 (raised Thursday 12 November 2026)" in text
        assert "counting from 0" not in text
    raised = sample_data["escalations"][1].get("raised_by", {}).get("date")
    for text in both(earlier):
        assert "Escalation 1 of 2 (raised " in text
        if raised:
            assert f"(raised {norm(earlier['escalation']['raised_on'].strftime('%A %-d %B %Y'))})" in text


def test_who_acts_at_each_stage_per_agency_with_the_board_manager_at_3_and_4(tmp_path, sample_data):
    built = build(tmp_path, sample_data, 0)
    for text in both(built.outputs[0].context):
        section = text[text.index("Who acts at each stage") : text.index("Summary of reason for dispute")]
        assert "Stage 2 (reached) All agencies Each professional's line manager" in section
        assert "Health The Named Doctor or Nurse for Safeguarding Children" in section
        assert "Police Detective Inspector" in section and "Education Head Teacher" in section
        assert "Designated or Deputy Designated Nurse" in section
        assert section.count("Copy to The Safeguarding Board's Manager") == 2
        assert "The Chair of the Hertfordshire Safeguarding Children Board" in section


def _at_stage_3(sample_data, copied: str | None = None) -> dict:
    data = copy.deepcopy(sample_data)
    esc = data["escalations"][0]
    esc["stages"].append({"stage": 3, "started": "2026-11-20"})
    if copied:
        esc["board_manager_copied"] = copied
    return data


def test_stage_3_without_the_board_manager_copied_warns_and_says_so(tmp_path, sample_data):
    built = build(tmp_path, _at_stage_3(sample_data), 0)
    assert any(
        "The Safeguarding Board's Manager should be copied in" in w and "board_manager_copied" in w
        for w in built.warnings
    )
    for text in both(built.outputs[0].context):
        assert "Stage 3 (reached)" in text
        assert "Copy to The Safeguarding Board's Manager: not recorded as copied" in text


def test_stage_3_with_the_copy_recorded(tmp_path, sample_data):
    built = build(tmp_path, _at_stage_3(sample_data, "2026-11-20"), 0)
    assert not any("board_manager_copied" in w for w in built.warnings)
    for text in both(built.outputs[0].context):
        assert "Copy to The Safeguarding Board's Manager: copied on Friday 20 November 2026" in text


def test_stage_2_needs_no_copy(tmp_path, sample_data):
    built = build(tmp_path, sample_data, 0)
    assert not any("board_manager_copied" in w for w in built.warnings)


def test_immediate_risk_offers_the_6_3_4_bypass(tmp_path, sample_data):
    data = copy.deepcopy(sample_data)
    assert data["escalations"][1]["immediate_risk"] is True
    del data["escalations"][1]["bypass"]
    built = build(tmp_path, data, 1)
    assert any("bypass the stages" in w for w in built.warnings)
    for text in both(built.outputs[0].context):
        assert "Bypassing the stages: 6.3.4 If the risks and issues in a particular case are considered" in text
        assert "Decision on bypassing the stages: not recorded." in text


def test_the_samples_decision_not_to_bypass_is_shown(tmp_path, sample_data):
    built = build(tmp_path, sample_data, 1)
    assert not any("bypass" in w for w in built.warnings)
    for text in both(built.outputs[0].context):
        assert (
            "The referring agency decided not to bypass the stages. Both managers were reached within the hour" in text
        )


def test_a_recorded_bypass_is_shown(tmp_path, sample_data):
    data = copy.deepcopy(sample_data)
    data["escalations"][1]["bypass"] = {
        "decided": True,
        "date": "2026-10-09",
        "senior_officer": "Head of Service, Family Safeguarding",
    }
    built = build(tmp_path, data, 1)
    assert not any("bypass the stages" in w for w in built.warnings)
    for text in both(built.outputs[0].context):
        assert (
            "The referring agency decided to bypass the stages on Friday 9 October 2026 and consulted Head of "
            "Service, Family Safeguarding."
        ) in text


def test_no_bypass_section_without_immediate_risk(tmp_path, sample_data):
    built = build(tmp_path, sample_data, 0)
    assert built.outputs[0].context["bypass"] is None
    for text in both(built.outputs[0].context):
        assert "Bypassing the stages" not in text


def test_a_bypass_date_is_a_date(tmp_path, sample_data):
    data = copy.deepcopy(sample_data)
    data["escalations"][1]["bypass"] = {"decided": "maybe"}
    from cin_docs.errors import CaseValidationError

    with pytest.raises(CaseValidationError, match=r"escalations\[1\]\.bypass\.decided"):
        api.load(write_case(tmp_path, data))

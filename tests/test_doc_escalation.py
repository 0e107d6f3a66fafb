"""Escalation monitoring form (Hertfordshire Appendix A): fillable PDF, DOCX with check boxes, the same content."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.errors import CaseValidationError, RenderError
from cin_docs.render.filters import longdate
from textutil import assert_golden, contains_all, docx_text, norm, pdf_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "hertfordshire-escalation.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "escalation.hertfordshire-escalation.txt"
AS_OF = dt.date(2026, 11, 23)

QUESTIONS = [
    "Have you consulted a supervisor/manager, to seek advice about resolving your concern?",
    "Have you made clear initial attempts to resolve the problem at the lowest possible level?",
    "Did the supervisor/manager raise the concerns with their equivalent in the other agency?",
    "If this did not resolve the concerns, has the Senior Manager or Named/Designated Safeguarding representatives "
    "attempt to resolve the professional differences through discussion?",
    "If this did not resolve the professional differences, are you seeking resolution by the Independent Chair of "
    "the HSCB?",
]
CHECKBOXES = [
    "checklist_consulted_manager",
    "checklist_lowest_level",
    "checklist_manager_raised",
    "checklist_senior_manager",
    "checklist_independent_chair",
]
TEXT_FIELDS = [
    f"{role}_manager_{part}"
    for role in ("referring", "receiving")
    for part in ("name", "designation", "agency", "date", "signature")
]
TEXT_FIELDS += ["resolution_stage", "effectiveness", "time_to_resolve"]
IMMEDIATE = "Immediate risk of significant harm: concerns must be escalated to both managers on the same working day."
HEADINGS = [
    "Hertfordshire Safeguarding Children Board",
    "Escalation Protocol – Monitoring Form",
    "Checklist",
    "Summary of reason for dispute",
    "Views of all agencies concerned",
    "Agreed outcomes or actions",
    "Referring and receiving managers",
    "Resolution",
    "Stage timeline",
    "Deadlines under the protocol",
    "Stage at which resolution achieved",
    "Time taken to reach resolution",
]


def write_case(folder: Path, data: dict) -> Path:
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def herts_case(**overrides) -> dict:
    data = {
        "case_id": "HCC-ESC-1",
        "policy": "hertfordshire",
        "child": {"first_name": "Robin", "last_name": "Example"},
        "escalations": [
            {
                "disagreement": "2026-12-23",
                "stages": [{"stage": 1, "started": "2026-12-23", "resolved": "2026-12-30"}],
            }
        ],
    }
    data.update(overrides)
    return data


def fields_of(pdf: bytes) -> dict:
    """Every form field by name, as pypdf reads it ("/FT", "/V", "/Ff", ...)."""
    return pypdf.PdfReader(io.BytesIO(pdf)).get_fields()


def values_of(fields: dict) -> dict:
    return {name: field.get("/V") for name, field in fields.items()}


@pytest.fixture(scope="module")
def sample():
    """The sample's two escalations (0: live at stage 2; 1: immediate risk, resolved at stage 2), each rendered once."""
    case = api.load(SAMPLE, {"closures": []})
    out = {}
    for key, choice in (("live", None), ("immediate", 1)):
        built = api.build(case, "escalation", Options(as_of=AS_OF, escalation=choice))
        (output,) = built.outputs
        docx, pdf = (api.render_bytes("escalation", output.context, fmt) for fmt in ("docx", "pdf"))
        # Text and fields extracted once: pypdf is slow on a form PDF, which embeds its whole font for typing.
        out[key] = {
            "built": built,
            "context": output.context,
            "name_parts": output.name_parts,
            "docx": docx,
            "pdf": pdf,
            "docx_text": docx_text(docx),
            "pdf_text": pdf_text(pdf),
            "fields": fields_of(pdf),
        }
        out[key]["values"] = values_of(out[key]["fields"])
    return out


def test_default_is_the_latest_escalation_by_disagreement_date(sample):
    live, immediate = sample["live"], sample["immediate"]
    assert live["context"]["escalation"]["index"] == 0
    assert live["context"]["escalation"]["disagreement"] == dt.date(2026, 11, 11)
    assert live["name_parts"] == ["2026-11-11"]
    assert immediate["name_parts"] == ["2026-10-09"]


def test_pdf_is_a_fillable_form_with_named_prefilled_fields(sample):
    fields = sample["live"]["fields"]
    assert set(fields) == set(CHECKBOXES) | set(TEXT_FIELDS)
    for name in CHECKBOXES:
        assert fields[name]["/FT"] == "/Btn"
    for name in TEXT_FIELDS:
        assert fields[name]["/FT"] == "/Tx"
    # WeasyPrint 70 writes a ticked box as /on (the one appearance state it draws) and an empty one as /Off.
    values = sample["live"]["values"]
    assert [values[name] for name in CHECKBOXES] == ["/on", "/on", "/on", "/Off", "/Off"]
    assert values["referring_manager_name"] == "Mr Gareth Lloyd"
    assert values["referring_manager_designation"] == "Headteacher"
    assert values["referring_manager_agency"] == "Fallowfield C of E Primary School"
    assert values["referring_manager_date"] == "Wednesday 18 November 2026"
    assert values["receiving_manager_name"] == "Neil Hargreaves"
    assert values["receiving_manager_agency"] == "Hertfordshire County Council – Family Safeguarding"
    assert values["referring_manager_signature"] == values["receiving_manager_signature"] == ""
    assert values["effectiveness"] == ""  # blank in the case file: to be completed
    # 11 Nov 2026 to 23 Nov 2026: 12, 13, 16, 17, 18, 19, 20, 23 November.
    assert values["time_to_resolve"] == "not yet resolved (8 working days so far)"
    assert values["resolution_stage"] == "Not yet resolved: the escalation has reached stage 2"
    # The multi-line boxes are multi-line fields (flag 13).
    assert int(fields["effectiveness"]["/Ff"]) & (1 << 12)


def test_resolved_escalation_fills_the_resolution_boxes(sample):
    values = sample["immediate"]["values"]
    assert values["resolution_stage"] == "Stage 2 (resolved on Friday 9 October 2026)"
    assert values["time_to_resolve"] == (
        "0 working days (from the disagreement on Friday 9 October 2026 to the resolution on Friday 9 October 2026)"
    )
    assert values["effectiveness"].startswith("Resolved at stage 2 on the same working day")
    assert values["referring_manager_name"] == "DS Helen Marsh"


def test_docx_and_pdf_carry_the_same_content(sample):
    for key in ("live", "immediate"):
        ctx = sample[key]["context"]
        docx_t, pdf_t = sample[key]["docx_text"], sample[key]["pdf_text"]
        needles = HEADINGS + QUESTIONS + ["Kai Thornton", "Gemma Thornton, Mother", "HCC-2026-0452"]
        needles += [longdate(ctx["escalation"]["disagreement"])]
        for d in ctx["timeline"]:
            needles += [d["label"], d["status_text"], d["explanation"]]
        for v in ctx["escalation"]["agency_views"]:
            needles += [v["agency"], v["view"]]
        assert contains_all(docx_t, needles) == [], key
        assert contains_all(pdf_t, needles) == [], key


def test_every_stage_deadline_appears_with_its_long_date(sample):
    ctx = sample["live"]["context"]
    rules = [d["rule"] for d in ctx["timeline"]]
    assert rules == [
        "escalation_raise",
        "escalation_stage1_response",
        "escalation_stage2_start",
        "escalation_stage2_resolution",
        "escalation_stage3_start",
    ]
    docx_t, pdf_t = norm(sample["live"]["docx_text"]), norm(sample["live"]["pdf_text"])
    for row in (
        "Raise the disagreement Friday 13 November 2026 Met on Thursday 12 November 2026",
        "Stage 2 – escalate to line managers Tuesday 17 November 2026 Late: done on Wednesday 18 November 2026",
        "Stage 2 – resolution by line managers Monday 23 November 2026 Open: due today",
        "Stage 3 – refer to senior managers Monday 23 November 2026 Open: due today",
    ):
        assert row in docx_t and row in pdf_t, row
    # The other escalation's deadlines stay out of this form.
    for other in ("Friday 9 October 2026", "Tuesday 13 October 2026"):
        assert other not in pdf_t and other not in docx_t


def test_docx_check_boxes_match_the_pdf_fields(sample):
    for key in ("live", "immediate"):
        lines = {
            line.split("  ", 1)[1]: line[0]
            for line in sample[key]["docx_text"].splitlines()
            if line[:1] in ("\u2612", "\u2610")
        }
        values = sample[key]["values"]
        assert [lines[q] for q in QUESTIONS] == ["\u2612" if values[name] == "/on" else "\u2610" for name in CHECKBOXES]


def test_every_prefilled_pdf_field_reads_the_same_in_the_docx(sample):
    # Field values live in the PDF's form, not its page text, so compare them with the DOCX directly.
    for key in ("live", "immediate"):
        docx_t = norm(sample[key]["docx_text"])
        filled = {name: value for name, value in sample[key]["values"].items() if name in TEXT_FIELDS and value}
        assert len(filled) >= 10, key
        assert [name for name, value in filled.items() if norm(value) not in docx_t] == [], key


def test_immediate_risk_is_shown_prominently_only_when_there_is_one(sample):
    for fmt in ("docx", "pdf"):
        immediate = norm(sample["immediate"][f"{fmt}_text"])
        assert IMMEDIATE in immediate
        assert "Escalate by Friday 9 October 2026: Met on Friday 9 October 2026" in immediate
        # At the top: before the facts table and the checklist.
        assert immediate.index(IMMEDIATE) < immediate.index("Child/family name") < immediate.index("Checklist")
        assert "Immediate risk of significant harm: concerns" not in norm(sample["live"][f"{fmt}_text"])
    # In the PDF it is the shared .warning box (red border, shaded), first thing after the title.
    from cin_docs.render.jinja import render_html

    html = render_html("escalation.html", sample["immediate"]["context"])
    assert html.index('<div class="warning immediate-risk" role="note">') < html.index('<table class="facts">')
    assert 'class="warning' not in render_html("escalation.html", sample["live"]["context"])


def test_warning_when_the_escalation_has_not_reached_the_form_stage(sample, tmp_path):
    assert sample["live"]["built"].warnings == []
    # The sample's immediate-risk escalation went to managers (stage 2) the same day, as 6.3.1 requires.
    assert [w for w in sample["immediate"]["built"].warnings if "monitoring form" in w] == []
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    del data["escalations"][1]["stages"][1]
    case = api.load(write_case(tmp_path, data), {"closures": []})
    (warning,) = [
        w for w in api.build(case, "escalation", Options(as_of=AS_OF, escalation=1)).warnings if "monitoring form" in w
    ]
    assert warning == (
        "Escalation 1 (disagreement on Friday 9 October 2026) has only reached stage 1; the "
        "Hertfordshire policy asks for the monitoring form from stage 2 (Appendix A). The form was "
        "still produced."
    )


def test_working_days_to_resolve_skip_christmas_bank_holidays(tmp_path):
    # Wed 23 Dec 2026 to Wed 30 Dec 2026: Thu 24 (1); Fri 25 Christmas Day; weekend; Mon 28 substitute day for
    # Boxing Day; Tue 29 (2); Wed 30 (3).
    case = api.load(write_case(tmp_path, herts_case()), {"closures": []})
    ctx = api.build(case, "escalation", Options(as_of=dt.date(2027, 1, 4))).outputs[0].context
    assert ctx["escalation"]["working_days"] == 3
    assert ctx["form"]["time_to_resolve"] == (
        "3 working days (from the disagreement on Wednesday 23 December 2026 "
        "to the resolution on Wednesday 30 December 2026)"
    )
    # The engine's calendar and this count agree: stage 1's 3-working-day response falls on the same day.
    response = next(d for d in ctx["timeline"] if d["rule"] == "escalation_stage1_response")
    assert response["due"] == dt.date(2026, 12, 30)
    # A closure day from the user's configuration counts out of both.
    closed = api.load(write_case(tmp_path, herts_case()), {"closures": [dt.date(2026, 12, 24)]})
    ctx = api.build(closed, "escalation", Options(as_of=dt.date(2027, 1, 4))).outputs[0].context
    assert ctx["escalation"]["working_days"] == 2
    assert next(d for d in ctx["timeline"] if d["rule"] == "escalation_stage1_response")["due"] == dt.date(2026, 12, 31)


def test_open_escalation_counts_working_days_so_far(tmp_path):
    data = herts_case()
    data["escalations"][0]["stages"][0]["resolved"] = None
    case = api.load(write_case(tmp_path, data), {"closures": []})
    ctx = api.build(case, "escalation", Options(as_of=dt.date(2026, 12, 31))).outputs[0].context
    assert ctx["form"]["time_to_resolve"] == "not yet resolved (4 working days so far)"  # 24, 29, 30, 31 December
    # A resolution dated after --as-of has not happened yet.
    data["escalations"][0]["stages"][0]["resolved"] = "2027-01-05"
    case = api.load(write_case(tmp_path, data), {"closures": []})
    ctx = api.build(case, "escalation", Options(as_of=dt.date(2026, 12, 31))).outputs[0].context
    assert ctx["form"]["time_to_resolve"] == "not yet resolved (4 working days so far)"
    assert ctx["escalation"]["stages"][0]["resolved"] is None


def test_hillingdon_has_no_escalation_protocol(tmp_path):
    hillingdon = api.load(ROOT / "samples" / "hillingdon-mid-plan.yaml", {"closures": []})
    with pytest.raises(RenderError) as err:
        api.build(hillingdon, "escalation", Options(as_of=AS_OF))
    assert err.value.message.startswith("The hillingdon policy has no escalation protocol")
    assert "'policy: hertfordshire'" in err.value.message and "extends: hertfordshire" in err.value.message
    # A Hillingdon case that records escalations is refused when it is loaded.
    with pytest.raises(CaseValidationError) as err:
        api.load(write_case(tmp_path, herts_case(policy="hillingdon")), {"closures": []})
    assert "The hillingdon policy has no escalation protocol" in err.value.message


def test_hillingdon_refusal_through_the_cli(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "escalation",
            str(ROOT / "samples" / "hillingdon-mid-plan.yaml"),
            "-o",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-23",
        ],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: The hillingdon policy has no escalation protocol")
    assert not (tmp_path / "out").exists()


def test_case_without_escalations_is_a_clear_error(tmp_path):
    case = api.load(write_case(tmp_path, herts_case(escalations=[])), {"closures": []})
    with pytest.raises(RenderError) as err:
        api.build(case, "escalation", Options(as_of=AS_OF))
    assert err.value.message == (
        "The escalation monitoring form cannot be produced: the case file has no "
        "escalations. Add the missing section(s) and run the command again."
    )


def test_escalation_number_out_of_range_lists_them():
    case = api.load(SAMPLE, {"closures": []})
    with pytest.raises(RenderError) as err:
        api.build(case, "escalation", Options(as_of=AS_OF, escalation=2))
    assert err.value.message == (
        "There is no escalation number 2: the case file's escalations are numbered 0 to 1 (0: disagreement on "
        "Wednesday 11 November 2026; 1: disagreement on Friday 9 October 2026). Choose one with --escalation."
    )


def test_hostile_text_stays_literal_in_text_and_form_fields(tmp_path):
    data = herts_case()
    hostile = "<b>bold</b> & {{ 7*7 }} </w:t>"
    data["escalations"][0].update(
        reason=hostile, effectiveness=hostile, referring_manager={"name": hostile, "agency": "A & B"}
    )
    case = api.load(write_case(tmp_path, data), {"closures": []})
    (output,) = api.build(case, "escalation", Options(as_of=AS_OF)).outputs
    pdf = api.render_bytes("escalation", output.context, "pdf")
    docx_t = norm(docx_text(api.render_bytes("escalation", output.context, "docx")))
    assert hostile in norm(pdf_text(pdf)) and hostile in docx_t
    values = values_of(fields_of(pdf))
    assert values["referring_manager_name"] == values["effectiveness"] == hostile
    assert values["referring_manager_agency"] == "A & B"
    assert "49" not in docx_t.replace("2026", "")


def test_golden_docx_text(sample):
    # The sample's default escalation at --as-of 2026-11-23; UPDATE_GOLDEN=1 rewrites the snapshot.
    assert_golden(GOLDEN.stem, sample["live"]["docx_text"])


def test_template_uses_only_what_the_context_provides(sample):
    from docxtpl import DocxTemplate

    from cin_docs import resources
    from cin_docs.render.jinja import docx_jinja_environment

    template = DocxTemplate(resources.docx_templates_dir() / "escalation.docx")
    undeclared = template.get_undeclared_template_variables(docx_jinja_environment())
    assert undeclared <= set(sample["live"]["context"])
    assert {"escalation", "checklist", "managers", "form", "timeline", "immediate_risk", "protocol"} <= undeclared


def test_cli_end_to_end_on_the_sample(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", "escalation", str(SAMPLE), "-o", str(out), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["HCC-2026-0452_escalation_2026-11-11.docx", "HCC-2026-0452_escalation_2026-11-11.pdf"]
    assert "Warning" not in result.output
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "escalation",
            str(SAMPLE),
            "-o",
            str(out),
            "--as-of",
            "2026-11-23",
            "--escalation",
            "1",
            "--format",
            "docx",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    assert (out / "HCC-2026-0452_escalation_2026-10-09.docx").is_file()
    result = CliRunner().invoke(cli, ["render", "escalation", str(SAMPLE), "-o", str(out), "--escalation", "5"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: There is no escalation number 5")


def test_check_boxes_carry_a_tick_viewers_can_redraw(sample):
    # With NeedAppearances set, poppler-based viewers redraw boxes from /MK /CA and /DA; without them a ticked box
    # looked empty in Evince and Okular.
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(sample["live"]["pdf"]))
    boxes = [
        annot.get_object()
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/FT") == "/Btn"
    ]
    assert len(boxes) == len(CHECKBOXES)
    for box in boxes:
        assert box["/MK"]["/CA"] == "4" and "/ZaDb" in box["/DA"]
        assert set(box["/AP"]["/N"]) == {"/on", "/Off"}
    fonts = reader.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]
    assert fonts["/ZaDb"]["/BaseFont"] == "/ZapfDingbats"

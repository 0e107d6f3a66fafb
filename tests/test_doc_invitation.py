"""Invitation letters: one per invitee, family and professional versions, the same content in DOCX and PDF."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.errors import RenderError
from textutil import assert_golden, contains_all, docx_text, norm, pdf_text

AS_OF = dt.date(2026, 11, 23)
HOSTILE = [
    "<b>bold</b>",
    "Tom & Jerry",
    "{{ 7*7 }}",
    "</w:t><w:t>",
    '<img src="file:///etc/passwd">',
    "Ahmadzai-Krzyżanowska-Featherstonehaugh-Abernethy-Ffoulkes-Cholmondeley",
]
# Right-to-left text and emoji: rendered and kept in the DOCX; pypdf cannot extract them reliably from the PDF
# (its text extraction garbles the custom-encoded subset), so the PDF check for them is that it renders.
UNICODE = ["مرحبا بالعالم", "🙂"]


def write_case(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def herts_case(**overrides) -> dict:
    data = {
        "case_id": "HCC-TEST-1",
        "policy": "hertfordshire",
        "child": {"first_name": "Robin", "last_name": "Example", "date_of_birth": "2015-06-01", "gender": "male"},
        "social_worker": {
            "name": "Sam Carter",
            "role": "Social Worker",
            "phone": "01632 960001",
            "email": "sam.carter@example.org",
        },
        "family": [
            {
                "name": "Jo Example",
                "relationship": "Mother",
                "parental_responsibility": True,
                "address_lines": ["1 Elm Road", "Testtown"],
                "interpreter_needed": True,
                "language": "Polish",
            }
        ],
        "professionals": [
            {"name": "Dr Ray Patel", "role": "GP", "agency": "Elm Surgery", "agency_type": "health"},
            {"name": "Kim Shaw", "role": "Class teacher", "agency": "Elm Primary", "agency_type": "education"},
        ],
        "assessment": {"completed": "2026-11-02"},
        "meetings": [
            {
                "type": "initial",
                "date": "2026-11-30",
                "time": "10:00",
                "end_time": "11:30",
                "venue": "Room 2, County Hall",
                "chair": "Pat Lee",
                "invitees": ["Jo Example", "Dr Ray Patel", "Kim Shaw", "Robin"],
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture(scope="module")
def herts_letters(tmp_path_factory):
    path = write_case(tmp_path_factory.mktemp("herts"), herts_case())
    case = api.load(path, {"closures": []})
    built = api.build(case, "invitation", Options(as_of=AS_OF))
    return (
        case,
        built,
        {
            tuple(o.name_parts): (
                api.render_bytes("invitation", o.context, "docx"),
                api.render_bytes("invitation", o.context, "pdf"),
            )
            for o in built.outputs
        },
    )


def test_one_letter_per_invitee_named_by_a_neutral_number_never_a_role_or_name(herts_letters):
    _, built, files = herts_letters
    # Invitees in order: Jo Example (family), Dr Ray Patel, Kim Shaw (professionals), Robin (the child).
    assert sorted(p[1] for p in files) == ["child", "family-1", "professional-1", "professional-2"]
    for parts in files:
        assert parts[0] == "2026-11-30"
        assert not any(word in p for p in parts for word in ("robin", "example", "mother", "gp", "teacher"))
    readers = {o.name_parts[1]: (o.reader, o.addressed_to) for o in built.outputs}
    assert readers == {
        "family-1": ("family", ["Jo Example"]),
        "professional-1": ("professional", ["Dr Ray Patel"]),
        "professional-2": ("professional", ["Kim Shaw"]),
        "child": ("child", ["Robin Example"]),
    }


def test_docx_and_pdf_carry_the_same_content(herts_letters):
    _, built, files = herts_letters
    for parts, (docx_bytes, pdf_bytes) in files.items():
        if parts[1] == "child":
            continue  # the child's own letter: test_child_letter_*
        docx_t, pdf_t = docx_text(docx_bytes), pdf_text(pdf_bytes)
        family = parts[1].startswith("family")
        needles = [
            "Invitation to a Child in Need planning meeting for Robin Example",
            "What the meeting is for",
            "When and where",
            "Monday 30 November 2026",
            "10am to 11:30am" if family else "10:00 to 11:30",
            "Room 2, County Hall",
            "Pat Lee",
            "What to bring",
            "Please let us know",
            "Sam Carter",
            "01632 960001",
            "Who has been invited",
            "What we would like from you" if family else "What we are asking of you",
        ]
        assert contains_all(docx_t, needles) == [], parts
        assert contains_all(pdf_t, needles) == [], parts


def test_family_letter_covers_views_interpreter_and_practicalities(herts_letters):
    _, _, files = herts_letters
    docx_bytes, pdf_bytes = files[("2026-11-30", "family-1")]
    for text in (docx_text(docx_bytes), pdf_text(pdf_bytes)):
        assert (
            contains_all(
                text, ["drawing, writing", "advocate", "We will book an interpreter in Polish", "travel or childcare"]
            )
            == []
        )


def test_hertfordshire_health_professional_gets_the_48_hour_report_deadline(herts_letters):
    _, _, files = herts_letters
    # Meeting Monday 30 November 2026 10:00; 48 hours before is Saturday 28th, so the previous working day.
    gp_docx, gp_pdf = files[("2026-11-30", "professional-1")]
    for text in (docx_text(gp_docx), pdf_text(gp_pdf)):
        assert "10:00 on Friday 27 November 2026" in norm(text)
    teacher_docx, _ = files[("2026-11-30", "professional-2")]
    assert "48 hours" not in docx_text(teacher_docx)
    assert "written update of your involvement" in norm(docx_text(teacher_docx))


def test_template_uses_only_what_the_context_provides(herts_letters):
    from docxtpl import DocxTemplate

    from cin_docs import resources
    from cin_docs.render.jinja import docx_jinja_environment

    _, built, _ = herts_letters
    template = DocxTemplate(resources.docx_templates_dir() / "invitation.docx")
    undeclared = template.get_undeclared_template_variables(docx_jinja_environment())
    assert undeclared <= set(built.outputs[0].context)


def test_recipient_narrows_to_one_and_unknown_recipient_is_clear(tmp_path):
    path = write_case(tmp_path, herts_case())
    case = api.load(path, {"closures": []})
    built = api.build(case, "invitation", Options(as_of=AS_OF, recipient="dr ray patel"))
    assert [o.name_parts[1] for o in built.outputs] == ["professional-1"]
    with pytest.raises(RenderError) as err:
        api.build(case, "invitation", Options(as_of=AS_OF, recipient="Nobody"))
    # Names, never roles (a role can be sensitive: "Domestic Abuse Outreach Worker").
    assert "Dr Ray Patel" in err.value.message and "Kim Shaw" in err.value.message
    assert "GP" not in err.value.message and "(professional)" not in err.value.message
    assert "Class teacher" not in err.value.message and "Nobody" not in err.value.message


def test_warning_when_meeting_is_planned_after_its_deadline(tmp_path):
    # Hillingdon: the initial meeting is due 10 working days after the plan decision (2 Nov -> 16 Nov 2026).
    data = herts_case(policy="hillingdon", assessment={"completed": "2026-11-02", "plan_decision": "2026-11-02"})
    data["meetings"][0]["date"] = "2026-12-01"
    case = api.load(write_case(tmp_path, data), {"closures": []})
    built = api.build(case, "invitation", Options(as_of=AS_OF))
    late = [w for w in built.warnings if "after its deadline" in w]
    assert len(late) == 1
    assert "Monday 16 November 2026" in late[0] and "Tuesday 1 December 2026" in late[0]


def test_hostile_text_renders_literally_in_both_formats(tmp_path):
    data = herts_case()
    data["family"][0]["name"] = " ".join(HOSTILE)
    data["meetings"][0]["venue"] = "Room <script>alert(1)</script> & {% raw %}\nSecond line"
    data["meetings"][0]["invitees"] = [data["family"][0]["name"]]
    case = api.load(write_case(tmp_path, data), {"closures": []})
    built = api.build(case, "invitation", Options(as_of=AS_OF))
    (output,) = built.outputs
    docx_t = docx_text(api.render_bytes("invitation", output.context, "docx"))
    pdf_t = pdf_text(api.render_bytes("invitation", output.context, "pdf"))
    for text in (docx_t, pdf_t):
        folded = norm(text)
        for piece in [
            "<b>bold</b>",
            "Tom & Jerry",
            "{{ 7*7 }}",
            "</w:t><w:t>",
            "<script>alert(1)</script>",
            "{% raw %}",
        ]:
            assert piece in folded, piece
        assert "49" not in folded.replace("2026", "")
    assert "Second line" in docx_t


def test_right_to_left_text_and_emoji_render(tmp_path):
    data = herts_case()
    data["family"][0]["name"] = "Layla " + " ".join(UNICODE)
    data["meetings"][0]["invitees"] = [data["family"][0]["name"]]
    case = api.load(write_case(tmp_path, data), {"closures": []})
    (output,) = api.build(case, "invitation", Options(as_of=AS_OF)).outputs
    for piece in UNICODE:
        assert piece in docx_text(api.render_bytes("invitation", output.context, "docx"))
    assert api.render_bytes("invitation", output.context, "pdf").startswith(b"%PDF-")


def test_cli_writes_owner_only_files_and_prints_paths(tmp_path):
    path = write_case(tmp_path, herts_case())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "invitation",
            str(path),
            "--format",
            "docx",
            "-o",
            str(out),
            "--as-of",
            "2026-11-23",
            "--recipient",
            "Kim Shaw",
        ],
    )
    assert result.exit_code == 0, result.output
    written = list(out.iterdir())
    assert [p.name for p in written] == ["HCC-TEST-1_invitation_2026-11-30_professional-2.docx"]
    assert f"Wrote {written[0]}" in result.output
    assert oct(os.stat(written[0]).st_mode & 0o777) == "0o600"


def test_meeting_without_invitees_or_place_is_a_clear_error(tmp_path):
    data = herts_case()
    data["meetings"][0]["invitees"] = []
    result = CliRunner().invoke(
        cli,
        ["render", "invitation", str(write_case(tmp_path, data)), "-o", str(tmp_path / "out"), "--as-of", "2026-11-23"],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: Meeting 0 (initial on 2026-11-30) has no invitees.")
    assert not (tmp_path / "out").exists()


def test_authority_logo_from_the_configuration_appears_in_both_formats(tmp_path):
    import io
    import zipfile

    import pypdf
    from PIL import Image

    Image.new("RGB", (120, 40), "navy").save(tmp_path / "logo.png")
    config_path = tmp_path / "config.yaml"
    config_path.write_text("authority:\n  name: Westcote Borough Council\n  logo: logo.png\n", encoding="utf-8")
    from cin_docs.config import load_config

    case = api.load(write_case(tmp_path, herts_case()), load_config(config_path))
    (output,) = api.build(case, "invitation", Options(as_of=AS_OF, recipient="Jo Example")).outputs
    assert output.context["authority"]["name"] == "Westcote Borough Council"
    docx_bytes = api.render_bytes("invitation", output.context, "docx")
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(io.BytesIO(docx_bytes)).namelist())
    page = pypdf.PdfReader(io.BytesIO(api.render_bytes("invitation", output.context, "pdf"))).pages[0]
    assert len(page.images) == 1


def test_a_missing_logo_is_a_clear_error(tmp_path):
    case = api.load(
        write_case(tmp_path, herts_case(authority={"name": "X Council", "logo": "nowhere.png"})), {"closures": []}
    )
    with pytest.raises(RenderError, match="logo nowhere.png was not found"):
        api.build(case, "invitation", Options(as_of=AS_OF))


def test_golden_snapshot_of_a_family_letter_from_the_sample():
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "samples" / "hillingdon-mid-plan.yaml"
    case = api.load(sample, {"closures": []})
    (output,) = api.build(case, "invitation", Options(as_of=AS_OF, recipient="Danielle Hartwell")).outputs
    assert_golden(
        "invitation.hillingdon-mid-plan.mother", docx_text(api.render_bytes("invitation", output.context, "docx"))
    )

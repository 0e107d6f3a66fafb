"""Review papercuts: transfer letter wording (m14), NRPF plans (m16), an overdue visit in the plan (m22)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cin_docs import api
from cin_docs.documents import Options
from cin_docs.documents.transfer_letter import addressee_lines, with_article
from cin_docs.errors import RenderError
from textutil import docx_text, norm, pdf_text

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
AS_OF = dt.date(2026, 11, 23)
CONFIG = {"closures": []}


def both(kind: str, ctx: dict) -> list[str]:
    return [norm(docx_text(api.render_bytes(kind, ctx, "docx"))), norm(pdf_text(api.render_bytes(kind, ctx, "pdf")))]


def load(tmp_path: Path, name: str, change=None) -> api.Case:
    data = yaml.safe_load((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    if change:
        change(data)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return api.load(path, CONFIG)


def test_transfer_letter_sent_after_the_move_says_the_family_has_moved():
    case = api.load(SAMPLES / "transfer-out.yaml", CONFIG)
    ctx = api.build(case, "transfer-letter", Options(as_of=AS_OF)).outputs[0].context
    for text in both("transfer-letter", ctx):
        assert "Child in Need who has moved to your area: Tyler Bishop" in text
        assert (
            "a Child in Need plan with the London Borough of Hillingdon, moved to your area on Saturday 14 "
            "November 2026" in text
        )
        assert "is moving" not in text
        assert "Jade Bishop, Mother, with parental responsibility; Lacey Bishop, Half-sister (aged 3)" in text
        assert "((" not in text.replace(" ", "") and "))" not in text.replace(" ", "")
        assert "would like to attend your first" not in text  # the meeting is arranged: Samuel will attend it
        assert "Samuel Oyelaran will attend that meeting" in text


def test_transfer_letter_before_the_move_says_is_moving(tmp_path):
    case = api.load(SAMPLES / "transfer-out.yaml", CONFIG)
    ctx = api.build(case, "transfer-letter", Options(as_of=dt.date(2026, 11, 10))).outputs[0].context
    for text in both("transfer-letter", ctx):
        assert "Child in Need moving to your area" in text
        assert "is moving to your area on Saturday 14 November 2026" in text


def test_authority_names_take_the_where_english_needs_it():
    assert with_article("London Borough of Hillingdon") == "the London Borough of Hillingdon"
    assert with_article("Royal Borough of Kingston") == "the Royal Borough of Kingston"
    assert with_article("Hertfordshire County Council") == "Hertfordshire County Council"


def test_the_receiving_address_does_not_stack_department_names():
    assert addressee_lines(
        {
            "name": "Borough of Westmere",
            "team": "Children's Assessment Service",
            "address_lines": ["Tidemill House", "Westmere"],
        }
    ) == ["Children's Assessment Service", "Borough of Westmere", "Tidemill House", "Westmere"]
    assert addressee_lines(
        {"name": "Borough of Westmere", "address_lines": ["Children's Social Care", "Westmere"]}
    ) == ["Children's Social Care", "Borough of Westmere", "Westmere"]


def test_an_nrpf_only_case_is_told_no_cin_plan_is_needed():
    case = api.load(SAMPLES / "hillingdon-nrpf.yaml", CONFIG)
    assert case.data["support"] == "nrpf" and not case.data.get("plan")
    with pytest.raises(RenderError, match="No Recourse to Public Funds case.*is not subject to a CIN plan") as raised:
        api.build(case, "plan", Options(as_of=AS_OF))
    assert "Add the missing section" not in raised.value.message


def test_the_plan_marks_an_overdue_next_visit(tmp_path):
    case = api.load(SAMPLES / "hertfordshire-escalation.yaml", CONFIG)
    visit = next(d for d in api.due_dates(case, AS_OF) if d.rule == "next_visit")
    assert visit.status == "overdue"
    ctx = api.build(case, "plan", Options(as_of=AS_OF, allow_unsmart=True)).outputs[0].context
    for text in both("plan", ctx):
        assert "The next visit is OVERDUE: it was due by Friday 20 November 2026" in text
    ctx = api.build(case, "plan", Options(as_of=dt.date(2026, 11, 10), allow_unsmart=True)).outputs[0].context
    for text in both("plan", ctx):
        assert "The next visit is due by Friday 20 November 2026" in text and "OVERDUE: it was due" not in text


def test_office_closures_skipped_by_a_working_day_count_are_named(tmp_path):
    # m23: 2 working days after Wednesday 23 December 2026 with the office closed 24, 29, 30 and 31 December.
    closures = [dt.date(2026, 12, 24), dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2026, 12, 31)]
    case = load(
        tmp_path,
        "hillingdon-mid-plan",
        lambda data: data["meetings"].append({"type": "cin", "date": dt.date(2026, 12, 23), "time": "10:00"}),
    )
    case.config = {"closures": closures}
    (update,) = [
        d
        for d in api.due_dates(case, dt.date(2027, 1, 10))
        if d.rule == "plan_update" and d.from_date == dt.date(2026, 12, 23)
    ]
    assert update.due == dt.date(2027, 1, 5)  # 25, 28 Dec and 1 Jan are bank holidays
    assert update.explanation() == (
        "2 working days after the meeting on Wednesday 23 December 2026 (office closure days not counted: "
        "Thursday 24 December 2026, Tuesday 29 December 2026, Wednesday 30 December 2026 and Thursday 31 "
        "December 2026)"
    )
    assert "closure" not in update.to_json()["basis"]  # the JSON contract is unchanged
    case.config = {"closures": []}
    (plain,) = [
        d
        for d in api.due_dates(case, dt.date(2027, 1, 10))
        if d.rule == "plan_update" and d.from_date == dt.date(2026, 12, 23)
    ]
    assert "closure" not in plain.explanation()


def _pdf(title: str | None = None) -> bytes:
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_attachments_are_listed_by_title_not_file_name(tmp_path):
    from cin_docs.packs.transfer import read_attachments

    plain = tmp_path / "tyler-assessment_final.pdf"
    plain.write_bytes(_pdf())
    titled = tmp_path / "scan0042.pdf"
    titled.write_bytes(_pdf("Child and Family Assessment, October 2026"))
    first, second = read_attachments([plain, titled])
    assert first.title == "Tyler assessment final"
    assert second.title == "Child and Family Assessment, October 2026"


def test_the_same_file_twice_is_refused_and_a_name_clash_is_warned(tmp_path):
    from cin_docs.errors import InputFileError
    from cin_docs.packs.transfer import build_pack, read_attachments

    one = tmp_path / "a" / "report.pdf"
    two = tmp_path / "b" / "report.pdf"
    one.parent.mkdir()
    two.parent.mkdir()
    one.write_bytes(_pdf())
    two.write_bytes(_pdf("Second report"))
    with pytest.raises(InputFileError, match="is the same file as .* already attached"):
        read_attachments([one, one])
    pack = build_pack(api.load(SAMPLES / "transfer-out.yaml", CONFIG), AS_OF, [one, two])
    assert "Two attachments are called report.pdf: the second is report-2.pdf in the zip." in pack.warnings
    index = norm(pdf_text(pack.pdf))
    assert "Attached as given (report-2.pdf)" in index and "Second report" in index

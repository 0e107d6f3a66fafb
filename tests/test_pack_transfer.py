"""`cin-docs pack transfer`: the notification letter, checklist, case summary, merged PDF, zip and manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import io
import json
import stat
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
import pyzipper
import yaml
from click.testing import CliRunner

from cin_docs import __version__, api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.documents.common import find
from cin_docs.errors import CaseValidationError
from cin_docs.packs import transfer
from cin_docs.render.filters import longdate
from textutil import assert_golden, contains_all, docx_text, norm, pdf_text

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "transfer-out.yaml"
AS_OF = dt.date(2026, 11, 23)
PASSWORD = "correct horse battery staple"
CASE_ID = "HIL-2026-0109"
HAS = {kind: importlib.util.find_spec(f"cin_docs.documents.{kind}") is not None for kind in ("plan", "review_record")}
RECORD_TITLE = "Record of the Child in Need review meeting on Tuesday 3 November 2026"


def blank_pdf(pages: int) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def blank_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("School report for the receiving authority.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample's pack made once through the CLI, with a PDF and a Word attachment and a password file."""
    base = tmp_path_factory.mktemp("transfer")
    (base / "in").mkdir()
    assessment = base / "in" / "HIL0109_assessment.pdf"
    assessment.write_bytes(blank_pdf(2))
    report = base / "in" / "school-report.docx"
    report.write_bytes(blank_docx())
    secret = base / "in" / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out = base / "out"
    result = CliRunner().invoke(
        cli,
        [
            "pack",
            "transfer",
            str(SAMPLE),
            "--attach",
            str(assessment),
            "--attach",
            str(report),
            "--password-file",
            str(secret),
            "-o",
            str(out),
            "--as-of",
            AS_OF.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    pdf_path, zip_path = out / f"{CASE_ID}_transfer-pack.pdf", out / f"{CASE_ID}_transfer-pack.zip"
    reader = pypdf.PdfReader(pdf_path)
    encrypted = reader.is_encrypted
    assert reader.decrypt(PASSWORD) != pypdf.PasswordType.NOT_DECRYPTED
    archive = pyzipper.AESZipFile(zip_path)  # with a password the zip is AES-256 encrypted too
    archive.setpassword(PASSWORD.encode("utf-8"))
    files = {name: archive.read(name) for name in archive.namelist()}
    return {
        "result": result,
        "out": out,
        "pdf_path": pdf_path,
        "zip_path": zip_path,
        "reader": reader,
        "encrypted": encrypted,
        "files": files,
        "manifest": json.loads(files["manifest.json"]),
    }


def expected_parts() -> list[str]:
    parts = ["Notification letter", "Transfer checklist", "Case summary"]
    parts += ["Child in Need plan"] if HAS["plan"] else []
    parts += [RECORD_TITLE] if HAS["review_record"] else []
    # Attachments are listed by their title: here their file names in words (review m24).
    return parts + ["HIL0109 assessment", "School report"]


# ---- the command and its two files -------------------------------------------------------------------------------


def test_cli_writes_exactly_the_pdf_and_the_zip_readable_by_the_owner_only(built):
    assert sorted(p.name for p in built["out"].iterdir()) == [
        f"{CASE_ID}_transfer-pack.pdf",
        f"{CASE_ID}_transfer-pack.zip",
    ]
    for path in built["out"].iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert f"Wrote {path}" in built["result"].stdout
    assert "send the password separately" in built["result"].stderr


def test_encrypted_pdf_needs_the_password(built):
    assert built["encrypted"]
    data = built["pdf_path"].read_bytes()
    assert b"/AESV3" in data  # AES-256 (PDF 2.0 / ISO 32000-2 security handler revision 6)
    locked = pypdf.PdfReader(io.BytesIO(data))
    assert locked.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        locked.pages[0].extract_text()
    assert locked.decrypt("wrong password") == pypdf.PasswordType.NOT_DECRYPTED
    opened = pypdf.PdfReader(io.BytesIO(data))
    assert opened.decrypt(PASSWORD) != pypdf.PasswordType.NOT_DECRYPTED
    assert "Child in Need transfer pack" in opened.pages[0].extract_text()


def test_merged_pdf_has_a_bookmark_per_document_and_every_page(built):
    reader, files = built["reader"], built["files"]
    outline = reader.outline
    top = [item for item in outline if not isinstance(item, list)]
    in_pdf = [p for p in expected_parts() if p != "School report"]  # the Word attachment is in the zip only
    assert [item.title for item in top] == ["Index"] + in_pdf
    # Each document's bookmark points at its first page, and the pages add up to the whole file.
    pdfs = [name for name in files if name.endswith(".pdf")]
    lengths = [len(pypdf.PdfReader(io.BytesIO(files[name])).pages) for name in pdfs]
    assert len(pdfs) == len(in_pdf)
    index_pages = built["manifest"]["merged_pdf"]["index_pages"]
    assert len(reader.pages) == index_pages + sum(lengths) == built["manifest"]["merged_pdf"]["pages"]
    starts = [reader.get_destination_page_number(item) + 1 for item in top]
    expected, page = [1], index_pages + 1
    for n in lengths:
        expected.append(page)
        page += n
    assert starts == expected
    # Generated documents keep their own heading bookmarks, nested under the document's.
    position = next(i for i, item in enumerate(outline) if item is top[1])
    nested = outline[position + 1]
    assert isinstance(nested, list) and "Child in Need who has moved to your area: Tyler Bishop" in [
        i.title for i in nested if not isinstance(i, list)
    ]


def test_index_lists_each_part_with_its_pages_and_source(built):
    reader = built["reader"]
    index = norm(reader.pages[0].extract_text())
    top = [item for item in reader.outline if not isinstance(item, list)][1:]
    for item, nxt in zip(top, top[1:] + [None]):
        first = reader.get_destination_page_number(item) + 1
        last = reader.get_destination_page_number(nxt) if nxt is not None else len(reader.pages)
        pages = f"{first}–{last}" if last > first else f"{first}"
        assert f"{norm(item.title)} {pages}" in index, (item.title, pages)
    assert (
        contains_all(
            index,
            [
                # The attached PDF is the one part of the merged PDF that is not tagged, and the index says so.
                "Attached as given (HIL0109_assessment.pdf); not tagged",
                "The attachment “HIL0109 assessment” is included exactly as it was given and is not tagged",
                "school-report.docx",
                "Not in this PDF: Word file in the zip",
                "Generated",
                "Borough of Westmere",
            ],
        )
        == []
    )


def test_manifest_sizes_and_hashes_match_the_zip(built):
    files, manifest = built["files"], built["manifest"]
    with pyzipper.AESZipFile(built["zip_path"]) as archive:
        archive.setpassword(PASSWORD.encode("utf-8"))
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 23, 0, 0, 0)}
    assert sorted(files) == sorted([f["file"] for f in manifest["files"]] + ["manifest.json"])
    for entry in manifest["files"]:
        data = files[entry["file"]]
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["tool_version"] == __version__
    assert manifest["generated"] == "2026-11-23"
    assert manifest["policy"] == "hillingdon" and manifest["merged_pdf"]["encrypted"] is True
    origins = {f["file"]: f["origin"] for f in manifest["files"]}
    assert origins["attachments/HIL0109_assessment.pdf"] == "attached"
    assert origins["attachments/school-report.docx"] == "attached"
    assert origins[f"{CASE_ID}_transfer-letter.docx"] == "generated"
    # Every generated document is there as PDF and Word; the child's name is in no file name.
    for kind in ("transfer-letter", "transfer-checklist", "case-summary"):
        assert {f"{CASE_ID}_{kind}.pdf", f"{CASE_ID}_{kind}.docx"} <= set(files)
    assert not any("tyler" in name.lower() or "bishop" in name.lower() for name in files)


def test_zip_and_merged_pdf_are_reproducible(built):
    """Same input, same bytes; and nothing in them comes from the clock, which two calls a moment apart would
    not show: every date in the merged PDF and the zip is the --as-of date."""
    from cin_docs.render.pdf import write_laid_out

    case = api.load(SAMPLE, {"closures": []})
    (letter,) = api.build(case, "transfer-letter", Options(as_of=AS_OF)).outputs
    layout = transfer._lay_out("transfer-letter", letter.context)
    parts = [
        transfer.Part(
            "Letter",
            "generated",
            pdf=write_laid_out(layout),
            docx=built["files"][f"{CASE_ID}_transfer-letter.docx"],
            pdf_name="a.pdf",
            docx_name="a.docx",
            layout=layout,
        )
    ]
    manifest = {"generated": AS_OF.isoformat()}
    zipped = transfer._zip(parts, manifest, AS_OF)
    assert zipped == transfer._zip(parts, manifest, AS_OF)
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 23, 0, 0, 0)}
    first, _ = transfer._merge(case, AS_OF, parts, None)
    second, _ = transfer._merge(case, AS_OF, parts, None)
    assert first["bytes"] == second["bytes"]
    metadata = pypdf.PdfReader(io.BytesIO(first["bytes"])).metadata
    # Dated as every cin-docs PDF is (the document's date, no time of day).
    assert (metadata["/CreationDate"], metadata["/ModDate"]) == ("D:20261123", "D:20261123")
    # Another as-of date gives another date: the date is the argument's, not a constant.
    earlier, _ = transfer._merge(case, dt.date(2025, 2, 3), parts, None)
    assert pypdf.PdfReader(io.BytesIO(earlier["bytes"])).metadata["/ModDate"] == "D:20250203"


def test_the_merged_pdf_made_by_the_command_is_dated_from_as_of(built):
    metadata = built["reader"].metadata  # decrypted with the password by the fixture
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20261123"
    assert metadata["/Title"] == f"Child in Need transfer pack – case {CASE_ID}"


def test_manifest_hashes_the_whole_of_a_large_file():
    """Real scanned assessments run to megabytes; every file in the test pack is under 64 KiB."""
    case = api.load(SAMPLE, {"closures": []})
    scan = bytes(range(256)) * 1200 + b"the end of a 300 KB scan"  # 307,224 bytes, the last ones differ
    parts = [transfer.Part("scan.pdf", "attached", pdf=scan, pdf_name="attachments/scan.pdf")]
    manifest = transfer._manifest(case, AS_OF, parts, "x.pdf", 1, {"pages": 3, "bytes": scan}, False)
    (entry,) = manifest["files"]
    assert entry["size"] == len(scan) == 307224
    assert entry["sha256"] == hashlib.sha256(scan).hexdigest()
    assert entry["sha256"] != hashlib.sha256(scan[:65536]).hexdigest()
    assert manifest["merged_pdf"]["sha256"] == hashlib.sha256(scan).hexdigest()


# ---- what the documents say -------------------------------------------------------------------------------------


def test_letter_gives_the_engines_transfer_in_meeting_date(built):
    case = api.load(SAMPLE, {"closures": []})
    deadline = find(api.due_dates(case, AS_OF), "transfer_in_meeting")
    # Resident from Saturday 14 November 2026: day 1 is Monday 16 November, day 20 is Friday 11 December.
    assert longdate(deadline.due) == "Friday 11 December 2026"
    for text in (
        docx_text(built["files"][f"{CASE_ID}_transfer-letter.docx"]),
        pdf_text(built["files"][f"{CASE_ID}_transfer-letter.pdf"]),
    ):
        assert f"convene a Child in Need meeting by {longdate(deadline.due)}" in norm(text)
        assert deadline.explanation() in norm(text)


LETTER_NEEDLES = [
    "Child in Need who has moved to your area: Tyler Bishop",
    "Dear Ifeoma Chukwu",
    "Who has moved",
    "When and where",
    "Why Tyler is a Child in Need",
    "Risks",
    "Impact of the move on Tyler's vulnerability",
    "Your first Child in Need meeting",
    "Consent to share information",
    "What is enclosed",
    "Contacts",
    "19 March 2015 (aged 11)",
    "Jade Bishop",
    "Lacey Bishop",
    "Saturday 14 November 2026",
    "27 Halyard Way",
    "Wayne Harker lives in Westmere",
    "Trafficking or modern slavery",
    "Friday 11 December 2026",
    "Thursday 10 December 2026",
    "Joint home visit with Ifeoma Chukwu",
    "Tuesday 3 November 2026",
    "Samuel Oyelaran",
    "01632 960151",
    "Vikram Sandhu",
    "01632 960153",
    "Ifeoma Chukwu",
    "01632 960701",
    "Graham Pollard",
    "graham.pollard@westmere.example.gov.uk",
    "Transfer checklist",
    "Case summary",
    "HIL0109 assessment",
    "Enclosed as given (PDF)",
    "School report",
    "Sent as a Word file (in the zip)",
]


def test_letter_docx_and_pdf_carry_the_same_content(built):
    files = built["files"]
    needles = (
        LETTER_NEEDLES
        + (["Child in Need plan"] if HAS["plan"] else [])
        + ([RECORD_TITLE] if HAS["review_record"] else [])
    )
    assert contains_all(docx_text(files[f"{CASE_ID}_transfer-letter.docx"]), needles) == []
    assert contains_all(pdf_text(files[f"{CASE_ID}_transfer-letter.pdf"]), needles) == []


def test_checklist_reports_what_the_pack_holds(built):
    files = built["files"]
    needles = [
        "Transfer checklist: Tyler Bishop",
        "Information shared with the receiving authority",
        "Social work assessment",
        "Attached as given: HIL0109_assessment.pdf",
        "Summary / case report",
        "Consent to share",
        "Given on Tuesday 3 November 2026.",
        "Other agencies informed",
        "Copperbeech Academy",
        "Greenway Housing Association",
        "Family told of their responsibilities",
        "register with a school and a GP",
        "Impact of the move on the child's vulnerability",
        "Changes in protective factors",
        "Increased risk from known perpetrators",
        "Trafficking or modern slavery",
        "Sign-off",
        "Every check is done.",
    ]
    if HAS["plan"]:
        needles.append("Generated from the case file (PDF and Word).")
    if HAS["review_record"]:
        needles.append(RECORD_TITLE)
    for text in (
        docx_text(files[f"{CASE_ID}_transfer-checklist.docx"]),
        pdf_text(files[f"{CASE_ID}_transfer-checklist.pdf"]),
    ):
        assert contains_all(text, needles) == []


def test_case_summary_docx_and_pdf_carry_the_same_content(built):
    case = api.load(SAMPLE, {"closures": []})
    files = built["files"]
    needles = [
        "Case summary: Tyler Bishop",
        "The child",
        "Family and network",
        "Professionals involved",
        "Assessment",
        "Child in Need plan",
        "Needs and services",
        "Outcomes",
        "Actions",
        "Contingency plan",
        "Views",
        "Meetings and visits",
        "Deadlines still to meet",
        "Westmere Park School",
        "Monday 1 June 2026",
        "Thursday 11 June 2026",
        "Maureen Bishop",
        "Dr Lena Kowalczyk",
        "nadia.carvalho@safeharbour.example.org",
    ]
    for action in case.data["plan"]["actions"]:
        needles += [action["owner"], longdate(action["due"])]
    for text in (docx_text(files[f"{CASE_ID}_case-summary.docx"]), pdf_text(files[f"{CASE_ID}_case-summary.pdf"])):
        assert contains_all(text, needles) == []


@pytest.mark.skipif(
    not (HAS["plan"] and HAS["review_record"]), reason="cin_docs.documents.plan / review_record are not written yet"
)
def test_plan_and_latest_review_record_are_in_the_pack(built):
    files = built["files"]
    assert {
        f"{CASE_ID}_plan.pdf",
        f"{CASE_ID}_plan.docx",
        f"{CASE_ID}_review-record_2026-11-03.pdf",
        f"{CASE_ID}_review-record_2026-11-03.docx",
    } <= set(files)
    assert "Tuesday 3 November 2026" in norm(docx_text(files[f"{CASE_ID}_review-record_2026-11-03.docx"]))


def test_the_packs_record_is_not_distributed_to_the_restrained_father(built):
    # B1 (paperwork review 2026-11-29): he is marked do_not_send in the sample; the record's list leaves him out.
    for name in (f"{CASE_ID}_review-record_2026-11-03.docx", f"{CASE_ID}_review-record_2026-11-03.pdf"):
        data = built["files"][name]
        text = norm(docx_text(data) if name.endswith(".docx") else pdf_text(data))
        distribution = text[text.rindex("Distribution") :]
        assert "Jade Bishop" in distribution and "Wayne Harker" not in distribution


@pytest.mark.parametrize("kind", ["transfer-letter", "case-summary", "transfer-checklist"])
def test_golden_snapshot_of_the_docx_text(built, kind):
    assert_golden(f"{kind}.transfer-out", docx_text(built["files"][f"{CASE_ID}_{kind}.docx"]))


def test_templates_use_only_what_the_context_provides():
    from docxtpl import DocxTemplate

    from cin_docs import resources
    from cin_docs.documents.case_summary import summary_context
    from cin_docs.documents.transfer_letter import letter_context
    from cin_docs.render.jinja import docx_jinja_environment

    case = api.load(SAMPLE, {"closures": []})
    contexts = {
        "transfer-letter": letter_context(case, AS_OF, []),
        "case-summary": summary_context(case, AS_OF),
        "transfer-checklist": transfer.checklist_context(
            case, AS_OF, plan=None, plan_reason="x", record=None, record_reason="y", assessments=[]
        ),
    }
    for name, context in contexts.items():
        template = DocxTemplate(resources.docx_templates_dir() / f"{name}.docx")
        assert template.get_undeclared_template_variables(docx_jinja_environment()) <= set(context), name


def test_letter_kind_on_its_own_lists_the_standard_enclosures():
    case = api.load(SAMPLE, {"closures": []})
    (output,) = api.build(case, "transfer-letter", Options(as_of=AS_OF)).outputs
    titles = [e["title"] for e in output.context["enclosures"]]
    assert titles[:2] == ["Transfer checklist", "Case summary"] and "Child in Need plan" in titles


# ---- no deadline to give -----------------------------------------------------------------------------------------


def write_case(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target, *path = dotted.split(".")
        node = data
        for key in [target, *path][:-1]:
            node = node[key]
        if value is None:
            node.pop([target, *path][-1], None)
        else:
            node[[target, *path][-1]] = value
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_letter_says_it_cannot_give_a_deadline_under_a_policy_without_the_rule(tmp_path):
    from cin_docs.documents.transfer_letter import letter_context

    # Hertfordshire's protocol sets no timescale for the receiving authority's CIN meeting.
    herts = write_case(tmp_path, policy="hertfordshire")
    case = api.load(herts, {"closures": []})
    context = letter_context(case, AS_OF, [])
    assert context["first_meeting"]["available"] is False
    text = norm(docx_text(api.render_bytes("transfer-letter", context, "docx")))
    assert (
        "The Hertfordshire policy, under which this letter was produced, sets no timescale for the receiving "
        "authority's first Child in Need meeting, so this letter cannot give a deadline for it."
    ) in text
    assert "convene a Child in Need meeting by" not in text


def test_letter_without_the_residence_date_says_why_there_is_no_date(tmp_path):
    from cin_docs.documents.transfer_letter import letter_context

    case = api.load(write_case(tmp_path, **{"transfer.residence_start": None}), {"closures": []})
    meeting = letter_context(case, AS_OF, [])["first_meeting"]
    assert meeting["available"] is False and "not yet recorded" in meeting["reason"]


# ---- refusals: nothing is written ---------------------------------------------------------------------------------


def run_pack(tmp_path: Path, *args: str):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["pack", "transfer", str(SAMPLE), "-o", str(out), "--as-of", "2026-11-23", *args])
    return result, out


def assert_nothing_written(out: Path) -> None:
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_attachment_is_a_clear_error_and_nothing_is_written(tmp_path):
    result, out = run_pack(tmp_path, "--attach", str(tmp_path / "assessment.pdf"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: The attachment {tmp_path / 'assessment.pdf'} was not found.")
    assert "Nothing was written." in result.stderr
    assert_nothing_written(out)


@pytest.mark.parametrize(
    "name, content, says",
    [
        (
            "assessment.pdf",
            b"<html>not a pdf</html>",
            "is named .pdf but is not a PDF file that can be read (it does not start with %PDF-)",
        ),
        ("assessment.pdf", b"%PDF-1.7\n garbage that is not a PDF at all", "(it is damaged)"),
        ("notes.txt", b"plain text", "a transfer pack takes PDF (.pdf) and Word (.docx) files only"),
        ("report.docx", b"not a zip", "is named .docx but is not a Word document"),
    ],
)
def test_bad_attachment_is_a_clear_error_and_nothing_is_written(tmp_path, name, content, says):
    bad = tmp_path / name
    bad.write_bytes(content)
    result, out = run_pack(tmp_path, "--attach", str(bad))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and says in norm(result.stderr)
    assert "Traceback" not in result.output
    assert_nothing_written(out)


def test_password_protected_attachment_is_refused(tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(blank_pdf(1))))
    writer.encrypt("secret", algorithm="AES-256")
    locked = tmp_path / "assessment.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    result, out = run_pack(tmp_path, "--attach", str(locked))
    assert result.exit_code == 1 and "is password-protected" in result.stderr
    assert_nothing_written(out)


def test_password_and_password_file_together_is_a_usage_error(tmp_path):
    secret = tmp_path / "pw.txt"
    secret.write_text("x", encoding="utf-8")
    result, out = run_pack(tmp_path, "--password", "x", "--password-file", str(secret))
    assert result.exit_code == 2
    assert result.stderr == "Error: Give the PDF password with --password or --password-file, not both.\n"
    assert_nothing_written(out)


def test_consent_not_given_needs_the_reason_for_sharing_without_it(tmp_path):
    path = write_case(tmp_path, **{"transfer.consent": {"given": False}})
    with pytest.raises(CaseValidationError) as err:
        api.load(path, {"closures": []})
    assert [p.split(" (line")[0] for p, _ in err.value.errors] == ["transfer.consent.reason_without"]
    assert "record the reason for sharing without it" in err.value.message
    result = CliRunner().invoke(cli, ["pack", "transfer", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "transfer.consent.reason_without" in result.stderr
    assert_nothing_written(tmp_path / "out")


def test_help_warns_to_send_the_password_separately():
    result = CliRunner().invoke(cli, ["pack", "transfer", "-h"])
    assert result.exit_code == 0
    assert "Send the password separately" in norm(result.output)
    assert "cin-docs pack transfer samples/transfer-out.yaml" in result.output


# ---- a sparse case: what is missing is named ----------------------------------------------------------------------


def sparse_case(tmp_path: Path, **extra) -> api.Case:
    data = {
        "case_id": "HIL-TEST-7",
        "policy": "hillingdon",
        "child": {"first_name": "Robin", "last_name": "Example"},
        "social_worker": {"name": "Sam Carter"},
        "transfer": {"receiving_authority": {"name": "Borough of Elsewhere"}},
    }
    data.update(extra)
    data = {key: value for key, value in data.items() if value is not None}
    path = tmp_path / "sparse.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return api.load(path, {"closures": []})


def test_checklist_names_every_check_not_done_or_not_recorded(tmp_path):
    case = sparse_case(tmp_path)
    context = transfer.checklist_context(
        case,
        AS_OF,
        plan=None,
        plan_reason="the case file has no plan",
        record=None,
        record_reason="no review has been held",
        assessments=[],
    )
    assert context["outstanding"] == [
        "Social work assessment",
        "Child in Need plan",
        "Minutes of the latest Child in Need review",
        "Consent to share",
        "Other agencies informed (school, GP, …)",
        "Family told of their responsibilities (education and health registration in the new area)",
        "Changes in protective factors",
        "Increased risk from known perpetrators",
        "Trafficking or modern slavery",
    ]
    rows = {r["item"]: r for s in context["sections"] for r in s["rows"]}
    assert rows["Child in Need plan"]["detail"] == "Not in this pack: the case file has no plan."
    assert rows["Consent to share"]["done"] is None


def test_a_part_the_case_cannot_give_is_left_out_with_a_warning(tmp_path):
    pytest.importorskip("cin_docs.documents.plan")
    warnings: list[str] = []
    parts, reason = transfer._registry_part(
        sparse_case(tmp_path), "plan", "Child in Need plan", Options(as_of=AS_OF, allow_unsmart=True), warnings
    )
    assert parts == [] and reason and len(warnings) == 1
    assert warnings[0].startswith("The Child in Need plan is not in the pack: ")


def test_letter_needs_the_transfer_section(tmp_path):
    from cin_docs.errors import RenderError

    case = sparse_case(tmp_path, transfer=None)
    with pytest.raises(RenderError) as err:
        api.build(case, "transfer-letter", Options(as_of=AS_OF))
    assert "transfer" in err.value.message and "Add the missing section" in err.value.message

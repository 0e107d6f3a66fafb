"""cin-docs caseload and panel-candidates: many cases at once, every format, calendars, errors that do not stop it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from cin_docs import api, caseload
from cin_docs.caseload import outputs, panel
from cin_docs.cli import cli
from cin_docs.inputs import load_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
AS_OF = "2026-11-23"
CONTRACT_KEYS = ["rule", "label", "due", "due_time", "ref", "from", "from_date", "basis", "moved", "status", "source"]


@pytest.fixture
def folder(tmp_path) -> Path:
    """The samples in a folder tree: subfolders, a .yml and a .json file, and one broken case."""
    root = tmp_path / "cases"
    (root / "north" / "deep").mkdir(parents=True)
    (root / "south").mkdir()
    for name in ("hillingdon-disabled-child.yaml", "hillingdon-mid-plan.yaml", "hillingdon-nrpf.yaml"):
        shutil.copy(SAMPLES / name, root / "north" / name)
    shutil.copy(SAMPLES / "transfer-out.yaml", root / "north" / "deep" / "transfer-out.yml")
    shutil.copy(SAMPLES / "hertfordshire-panel.yaml", root / "south" / "hertfordshire-panel.yaml")
    data = load_file(SAMPLES / "hertfordshire-escalation.yaml").data  # dates stay text
    (root / "south" / "escalation.json").write_text(json.dumps(data), encoding="utf-8")
    (root / "south" / "broken.yaml").write_text(
        "case_id: BAD-1\npolicy: hillingdon\nchild:\n  first_name: A\n", encoding="utf-8"
    )
    (root / "south" / "notes.txt").write_text("not a case", encoding="utf-8")
    return root


def run(*args):
    return CliRunner().invoke(cli, ["caseload", *map(str, args)])


def test_json_report_shape_errors_and_exit_status(folder, tmp_path):
    out = tmp_path / "report.json"
    result = run(folder, "--as-of", AS_OF, "--format", "json", "-o", out)
    assert result.exit_code == 1  # one case could not be read, and the report is still written
    report = json.loads(out.read_text(encoding="utf-8"))
    assert list(report) == ["as_of", "cases", "errors", "deadlines"]
    assert report == json.loads(json.dumps(caseload.caseload([folder], dt.date(2026, 11, 23), jobs=1).to_json()))
    assert report["as_of"] == AS_OF and report["cases"] == 6
    (error,) = report["errors"]
    assert error["file"].endswith("broken.yaml")
    validate = CliRunner().invoke(cli, ["validate", error["file"]])
    assert f"Error: {error['error']}" in validate.output  # the message validate gives, word for word
    first = report["deadlines"][0]
    assert list(first) == ["case_id", "file", "worker", "team", *CONTRACT_KEYS]
    assert {d["status"] for d in report["deadlines"]} <= {"overdue", "open", "late", "missed"}
    # Overdue first, then the next 14 days, then the lapses.
    sections = [caseload.section_of(d, dt.date.fromisoformat(AS_OF)) for d in report["deadlines"]]
    assert sections == sorted(sections, key=["overdue", "due_soon", "lapses"].index)
    assert {d["case_id"] for d in report["deadlines"] if d["status"] == "overdue"} == {
        "HCC-2026-0452",
        "HIL-2026-0143",
        "HIL-2026-0217",
    }
    assert any(d["file"].endswith("escalation.json") for d in report["deadlines"])
    files = [str(p) for p in caseload.find_case_files([folder])]
    assert sum(f.endswith("transfer-out.yml") for f in files) == 1  # found in a sub-subfolder
    assert not any(f.endswith(".txt") for f in files)


def test_the_json_rows_match_each_case_s_due_dates(folder):
    report = caseload.caseload([folder], dt.date(2026, 11, 23), jobs=1)
    case = api.load(SAMPLES / "hillingdon-mid-plan.yaml", {})
    single = api.due_dates_json(case, dt.date(2026, 11, 23))["deadlines"]
    rows = [caseload.public(r) for r in report.rows if r["case_id"] == "HIL-2026-0143"]
    for row in rows:
        assert {k: row[k] for k in CONTRACT_KEYS} in single
    assert {r["worker"] for r in rows} == {"Priya Raman"} and {r["team"] for r in rows} == {
        "Child in Need Team 2 (North)"
    }


def test_sections_windows():
    as_of = dt.date(2026, 11, 23)
    row = {"due": "2026-12-07", "status": "open"}
    assert caseload.section_of(row, as_of) == "due_soon"
    assert caseload.section_of({**row, "due": "2026-12-08"}, as_of) is None  # 15 days ahead
    assert caseload.section_of({"due": "2026-08-23", "status": "late"}, as_of) == "lapses"
    assert caseload.section_of({"due": "2026-08-22", "status": "missed"}, as_of) is None  # more than 3 months ago
    assert caseload.section_of({"due": "2026-01-01", "status": "overdue"}, as_of) == "overdue"
    assert caseload.section_of({"due": "2026-11-24", "status": "info"}, as_of) is None


def test_table_groups_and_counts(folder):
    result = run(folder, "--as-of", AS_OF, "--by", "team")
    assert result.exit_code == 1
    text = result.output
    assert "Caseload as of Monday 23 November 2026: 6 cases, 1 could not be read." in text
    assert "By team" in text and "Child in Need Team 2 (North)" in text
    assert text.index("Overdue (4)") < text.index("Due in the next 14 days") < text.index("Lapses in the last 3")
    assert "Could not be read (1)" in text and "child.last_name (line 4): Required" in text


def test_group_by_rule(folder):
    report = caseload.caseload([folder], dt.date(2026, 11, 23), by="rule", jobs=1)
    groups = dict(report.grouped("overdue"))
    assert "Circulate the updated plan" in groups
    counts = {c["group"]: c for c in report.counts()}
    assert counts["Circulate the updated plan"]["overdue"] == 1


def test_csv_is_the_json_rows(folder, tmp_path):
    out = tmp_path / "report.csv"
    run(folder, "--as-of", AS_OF, "--format", "csv", "-o", out)
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    report = json.loads(
        run(folder, "--as-of", AS_OF, "--format", "json").output.split("\n2 of")[0] if False else _json(folder)
    )
    assert len(rows) == len(report["deadlines"])
    assert rows[0]["case_id"] == report["deadlines"][0]["case_id"] and rows[0]["due"] == report["deadlines"][0]["due"]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def _json(folder) -> str:
    report = caseload.caseload([folder], dt.date(2026, 11, 23), jobs=1)
    return outputs.to_json(report).decode("utf-8")


def test_xlsx_frozen_header_filters_dates_and_overdue_highlighted(folder, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    result = run(folder, "--as-of", AS_OF, "--format", "xlsx", "-o", out)
    assert result.exit_code == 1 and out.exists()
    book = load_workbook(out)
    sheet = book["Deadlines"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:O")
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["case_id", "file", "worker", "team"]
    due_col = header.index("due") + 1
    status_col = header.index("status") + 1
    second = sheet.cell(2, due_col).value
    assert isinstance(second, dt.datetime)  # a real date, sortable in Excel
    overdue = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, status_col).value == "overdue"]
    other = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, status_col).value != "overdue"]
    assert overdue and other
    assert sheet.cell(overdue[0], 1).fill.fgColor.rgb.endswith("F8D7DA")
    assert sheet.cell(other[0], 1).fill.fill_type is None
    assert "Could not be read" in book.sheetnames and "Summary" in book.sheetnames


def test_xlsx_and_pdf_need_an_output_file(folder):
    result = run(folder, "--format", "xlsx")
    assert result.exit_code == 2 and "-o caseload.xlsx" in result.output


def test_html_and_pdf_report(folder, tmp_path):
    from pypdf import PdfReader

    html = tmp_path / "report.html"
    assert run(folder, "--as-of", AS_OF, "--format", "html", "-o", html).exit_code == 1
    text = html.read_text(encoding="utf-8")
    assert text.count("<svg") == 2 and "Summary by worker" in text
    assert "Priya Raman" in text and "HIL-2026-0143" in text
    pdf = tmp_path / "report.pdf"
    assert run(folder, "--as-of", AS_OF, "--format", "pdf", "-o", pdf).exit_code == 1
    extracted = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    for words in (
        "Caseload report",
        "Overdue (4)",
        "Due in the next 14 days",
        "Lapses in the last 3 months",
        "Circulate the updated plan",
        "The next six weeks",
        "could not be read",
    ):
        assert words in extracted, words


def test_calendars_one_per_worker(folder, tmp_path):
    ics_dir = tmp_path / "calendars"
    result = run(folder, "--as-of", AS_OF, "--format", "json", "-o", tmp_path / "r.json", "--ics-dir", ics_dir)
    assert result.exit_code == 1
    files = sorted(p.name for p in ics_dir.glob("*.ics"))
    assert "deadlines_priya-raman.ics" in files and len(files) == 6
    cal = Calendar.from_ical((ics_dir / "deadlines_priya-raman.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert events and all(str(e["UID"]).startswith("HIL-2026-0143-") for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all(list(e.walk("VALARM")) for e in events)
    assert "Amelia" not in (ics_dir / "deadlines_priya-raman.ics").read_text()  # no child's name
    # Stable: the same UIDs on a later day, when dates have moved on.
    again = tmp_path / "again"
    run(folder, "--as-of", "2026-11-30", "--format", "json", "-o", tmp_path / "r2.json", "--ics-dir", again)
    later = {
        str(e["UID"]) for e in Calendar.from_ical((again / "deadlines_priya-raman.ics").read_bytes()).walk("VEVENT")
    }
    assert {str(e["UID"]) for e in events} & later


def test_the_pool_gives_the_same_report(folder):
    as_of = dt.date(2026, 11, 23)
    serial = caseload.caseload([folder], as_of, jobs=1)
    pooled = caseload.caseload([folder], as_of, jobs=2)
    assert outputs.to_json(serial) == outputs.to_json(pooled)


def test_a_missing_path_is_an_error(tmp_path):
    result = run(tmp_path / "nope")
    assert result.exit_code == 1 and "does not exist" in result.output


# ---- panel candidates ------------------------------------------------------------------------------------------


def test_panel_candidates_by_policy_panel_point(folder):
    found = panel.candidates([folder], dt.date(2027, 5, 27), dt.date(2026, 11, 23), {}, jobs=1)
    by_id = {c["case_id"]: c for c in found.cases}
    # Hertfordshire: 12 months after the plan started on 27 November 2025; referral 7 working days before the panel.
    assert by_id["HCC-2025-1187"]["due"] == "2026-11-27"
    assert by_id["HCC-2025-1187"]["referral_deadline"] == "2027-05-18"
    # Hillingdon: 8 months after the plan started on 15 September 2026; no referral deadline in the policy.
    assert by_id["HIL-2026-0143"]["due"] == "2027-05-14" and by_id["HIL-2026-0143"]["referral_deadline"] is None
    assert "HCC-2026-0452" not in by_id  # plan started August 2026: 12 months falls after the panel
    assert len(found.errors) == 1
    assert len(found.commands) == 2  # one pack per policy


def test_panel_candidates_cli(folder):
    result = CliRunner().invoke(cli, ["panel-candidates", str(folder), "--panel-date", "2026-12-31", "--as-of", AS_OF])
    assert result.exit_code == 1  # the broken case is listed
    assert "HCC-2025-1187" in result.output and "Refer by Friday 18 December 2026" in result.output
    assert "cin-docs pack panel " in result.output and "--panel-date 2026-12-31" in result.output
    data = json.loads(
        CliRunner()
        .invoke(
            cli,
            [
                "panel-candidates",
                str(SAMPLES / "hertfordshire-panel.yaml"),
                "--panel-date",
                "2026-12-31",
                "--as-of",
                AS_OF,
                "--json",
            ],
        )
        .output
    )
    assert [c["case_id"] for c in data["candidates"]] == ["HCC-2025-1187"]
    assert data["commands"] == [f"cin-docs pack panel {SAMPLES / 'hertfordshire-panel.yaml'} --panel-date 2026-12-31"]


def test_loading_for_the_census_in_the_pool_gives_the_same_data(folder):
    serial, errors = caseload.load_cases([folder], {}, jobs=1, data_only=True)
    pooled, pooled_errors = caseload.load_cases([folder], {}, jobs=2, data_only=True)
    assert serial == pooled and errors == pooled_errors and len(serial) == 6 and len(errors) == 1


def test_without_calendars_the_report_is_the_same_and_holds_less(folder):
    as_of = dt.date(2026, 11, 23)
    full = caseload.caseload([folder], as_of, jobs=1)
    lean = caseload.caseload([folder], as_of, jobs=1, calendars=False)
    assert outputs.to_json(full) == outputs.to_json(lean)
    assert outputs.html_context(full)["weeks"] == outputs.html_context(lean)["weeks"]
    assert sum(w["count"] for w in outputs.html_context(lean)["weeks"]) > 0
    assert len(lean.calendar_rows) < len(full.calendar_rows)

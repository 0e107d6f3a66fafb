"""The census: section of the case model and the DfE CIN census XML export (cin-docs census)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from cin_docs import api
from cin_docs.census import codes, meaning, upn_check_letter
from cin_docs.census.export import census_year
from cin_docs.cli import cli
from cin_docs.errors import CaseValidationError, UsageError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))

CASE = """\
case_id: CEN-1
policy: hillingdon
child:
  first_name: Test
  last_name: Child
  date_of_birth: 2016-04-02
assessment:
  completed: 2026-06-20
plan:
  start: 2026-07-01
meetings:
  - {type: initial, date: 2026-07-01}
census:
  upn: F312526018159
  sex: F
  ethnicity: WBRI
  disabilities: [NONE]
  referral_date: 2026-05-20
  referral_source: "2A"
  primary_need: N4
  referral_nfa: false
  assessment_started: 2026-05-21
  assessment_factors: ["4A"]
"""


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path, text) -> list[tuple[str, str]]:
    with pytest.raises(CaseValidationError) as info:
        api.load(write(tmp_path, text), {})
    return info.value.errors


# ---- code lists ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, count",
    [
        ("closure_reason", 9),
        ("sex", 3),
        ("upn_unknown", 7),
        ("ethnicity", 20),
        ("disability", 13),
        ("referral_source", 22),
        ("primary_need", 10),
    ],
)
def test_every_census_list_is_complete_with_meanings(name, count):
    listed = codes(name)
    assert len(listed) == count
    assert all(text.strip() for text in listed.values())


def test_meanings_in_words():
    assert meaning("primary_need", "N4") == "Family in acute stress"
    assert meaning("closure_reason", "RC7").startswith("Services ceased")
    assert meaning("assessment_factor", "21") == "No factors identified"
    assert "18A" not in codes("assessment_factor")  # withdrawn: 18B/18C replace it (DfE query 8945Q)


def test_upn_check_letter():
    assert upn_check_letter("F312526018159") == "F"
    assert upn_check_letter("A312999926001") == "X"  # 342 mod 23 = 20 -> X
    assert upn_check_letter("short") is None


# ---- the model -------------------------------------------------------------------------------------------------


def test_a_census_section_validates(tmp_path):
    case = api.load(write(tmp_path, CASE), {})
    assert case.data["census"]["referral_date"] == dt.date(2026, 5, 20)


@pytest.mark.parametrize(
    "old, new, path, words",
    [
        ("primary_need: N4", "primary_need: N12", "census.primary_need", "Must be one of"),
        ("sex: F", "sex: X", "census.sex", "Must be one of"),
        ("ethnicity: WBRI", "ethnicity: White British", "census.ethnicity", "Must be one of"),
        ("upn: F312526018159", "upn: A312526018159", "census.upn", "check letter"),
        ("upn: F312526018159", "upn: F31252601815", "census.upn", "13 characters"),
        ("disabilities: [NONE]", "disabilities: [NONE, AUT]", "census.disabilities", "NONE"),
        ("disabilities: [NONE]", "disabilities: [AUT, AUT]", "census.disabilities", "only once"),
        ('assessment_factors: ["4A"]', 'assessment_factors: ["21", "4A"]', "census.assessment_factors", "21"),
        (
            "assessment_started: 2026-05-21",
            "assessment_started: 2026-05-01",
            "census.assessment_started",
            "referral date",
        ),
        ("plan:\n  start: 2026-07-01", "plan:\n  start: 2026-05-01", "plan.start", "referral date"),
        ("  upn: F312526018159", "  upn: F312526018159\n  upn_unknown: UN2", "census.upn_unknown", "not both"),
    ],
)
def test_census_rules_name_the_field(tmp_path, old, new, path, words):
    assert old in CASE
    errors = errors_of(tmp_path, CASE.replace(old, new))
    assert any(where.startswith(path) and words in message for where, message in errors), errors


def test_a_misspelt_census_key_is_an_error_with_its_line(tmp_path):
    errors = errors_of(tmp_path, CASE.replace("  sex: F", "  gender: F"))
    assert errors == [("census.gender (line 15)", errors[0][1])]


# ---- the export ------------------------------------------------------------------------------------------------


def export(paths, tmp_path, *extra):
    out = tmp_path / "cin.xml"
    result = CliRunner().invoke(
        cli, ["census", *map(str, paths), "--year", "2026-27", "--la", "312", "-o", str(out), *extra]
    )
    return result, out


def children(xml_path: Path) -> dict[str, ET.Element]:
    root = ET.parse(xml_path).getroot()
    return {c.findtext("ChildIdentifiers/LAchildID"): c for c in root.iter("Child")}


def test_every_sample_exports(tmp_path):
    result, out = export(SAMPLES, tmp_path)
    assert result.exit_code == 0, result.output
    left_out = result.output.split("Left out (outside 2026-27): ")[1].split(", ") if "Left out" in result.output else []
    assert len(children(out)) + len(left_out) == len(SAMPLES)
    assert len(children(out)) >= 6
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    root = ET.parse(out).getroot()
    assert [e.tag for e in root] == ["Header", "Children"]
    assert root.findtext("Header/CollectionDetails/Year") == "2027"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2027-03-31"
    assert root.findtext("Header/Source/LEA") == "312"


def test_one_child_in_detail(tmp_path):
    result, out = export([write(tmp_path, CASE)], tmp_path)
    assert result.exit_code == 0, result.output
    child = children(out)["CEN1"]  # case_id without punctuation
    assert [e.tag for e in child] == ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"]
    assert [e.tag for e in child.find("ChildIdentifiers")] == ["LAchildID", "UPN", "PersonBirthDate", "Sex"]
    cin = child.find("CINdetails")
    assert [e.tag for e in cin] == [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "ReferralNFA",
        "Assessments",
        "CINPlanDates",
    ]
    assert cin.findtext("Assessments/AssessmentAuthorisationDate") == "2026-06-20"  # from assessment.completed
    assert [e.text for e in cin.find("Assessments/FactorsIdentifiedAtAssessment")] == ["4A"]
    assert cin.findtext("CINPlanDates/CINPlanStartDate") == "2026-07-01"
    assert cin.find("CINPlanDates/CINPlanEndDate") is None


def test_closure_and_plan_end_are_exported(tmp_path):
    text = (
        CASE.replace("  start: 2026-07-01\n", "  start: 2026-07-01\n  end: 2027-01-10\n")
        + "closure:\n  date: 2027-01-12\n  reason: RC7\n"
    )
    result, out = export([write(tmp_path, text)], tmp_path)
    assert result.exit_code == 0, result.output
    cin = children(out)["CEN1"].find("CINdetails")
    assert cin.findtext("CINclosureDate") == "2027-01-12" and cin.findtext("ReasonForClosure") == "RC7"
    assert cin.findtext("CINPlanDates/CINPlanEndDate") == "2027-01-10"


def test_records_outside_the_year_are_left_out(tmp_path):
    closed_before = (
        CASE.replace("case_id: CEN-1", "case_id: CEN-2")
        .replace("2026-05-20", "2025-05-20")
        .replace("2026-05-21", "2025-05-21")
        .replace("2026-06-20", "2025-06-20")
        .replace("2026-07-01", "2025-07-01")
        + "closure:\n  date: 2026-03-01\n  reason: RC7\n"
    )
    referred_after = CASE.replace("case_id: CEN-1", "case_id: CEN-3").replace(
        "referral_date: 2026-05-20", "referral_date: 2027-04-02"
    )
    referred_after = (
        referred_after.replace("plan:\n  start: 2026-07-01\n", "")
        .replace("  - {type: initial, date: 2026-07-01}\n", "")
        .replace("meetings:\n", "")
        .replace("assessment:\n  completed: 2026-06-20\n", "")
        .replace("  assessment_started: 2026-05-21\n", "")
    )
    paths = [write(tmp_path, CASE), write(tmp_path, closed_before, "b.yaml"), write(tmp_path, referred_after, "c.yaml")]
    result, out = export(paths, tmp_path)
    assert result.exit_code == 0, result.output
    assert set(children(out)) == {"CEN1"}
    assert "Left out (outside 2026-27): CEN-2, CEN-3" in result.output


def test_an_assessment_completed_in_an_earlier_year_is_not_in_this_return(tmp_path):
    path = ROOT / "samples" / "hertfordshire-panel.yaml"  # assessed November 2025, plan still open
    result, out = export([path], tmp_path)
    assert result.exit_code == 0, result.output
    cin = children(out)["HCC20251187"].find("CINdetails")
    assert cin.find("Assessments") is None
    assert cin.findtext("CINPlanDates/CINPlanStartDate") == "2025-11-27"


def test_missing_fields_name_the_case_and_field_and_nothing_is_written(tmp_path):
    no_sex = CASE.replace("  sex: F\n", "")
    no_census = CASE.split("census:")[0].replace("CEN-1", "CEN-9")
    paths = [write(tmp_path, no_sex), write(tmp_path, no_census, "b.yaml")]
    result, out = export(paths, tmp_path)
    assert result.exit_code == 1
    assert "case CEN-1, census.sex: Missing" in result.output
    assert "case CEN-9, census: Missing: the case file has no 'census:' section" in result.output
    assert not out.exists() and list(tmp_path.glob("*.xml")) == []


def test_a_defaulted_plan_start_before_the_referral_is_an_error(tmp_path):
    text = CASE.replace("plan:\n  start: 2026-07-01\n", "").replace("date: 2026-07-01", "date: 2026-05-10")
    result, out = export([write(tmp_path, text)], tmp_path)
    assert result.exit_code == 1
    assert "case CEN-1, meetings[0].date: The plan cannot start before the referral date" in result.output
    assert not out.exists()


def test_an_unreadable_case_stops_the_export(tmp_path):
    bad = write(tmp_path, "case_id: X\npolicy: hillingdon\n", "bad.yaml")
    result, out = export([write(tmp_path, CASE), bad], tmp_path)
    assert result.exit_code == 1
    assert "cannot be read, so the census return was not written" in result.output
    assert "child: Required" in result.output and not out.exists()


def test_duplicate_upns_are_refused(tmp_path):
    other = CASE.replace("CEN-1", "CEN-2")
    result, out = export([write(tmp_path, CASE), write(tmp_path, other, "b.yaml")], tmp_path)
    assert result.exit_code == 1 and "The same UPN (census.upn) as case CEN-1" in result.output


@pytest.mark.parametrize("year", ["2026", "2026-28", "2025-26"])
def test_years_the_exporter_does_not_know_are_usage_errors(year):
    with pytest.raises(UsageError):
        census_year(year)


def test_the_la_code_must_be_three_digits(tmp_path):
    result = CliRunner().invoke(
        cli, ["census", str(write(tmp_path, CASE)), "--year", "2026-27", "--la", "31", "-o", str(tmp_path / "x.xml")]
    )
    assert result.exit_code == 2 and "three-digit" in result.output

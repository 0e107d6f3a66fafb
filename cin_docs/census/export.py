"""The DfE Children in Need census return (XML, 2026-27 specification) built from validated case files."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ..errors import CinDocsError, UsageError

#: Collection years this exporter knows the specification of.
SUPPORTED_YEARS = ("2026-27",)


class CensusError(CinDocsError):
    """The case files lack what the census needs; every problem is listed, naming the case and the field."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        lines = [
            f"The census return was not written: {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''} in the case files."
        ]
        lines += [f"  - case {case_id}, {where}: {message}" for case_id, where, message in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class CensusYear:
    """A collection year: 1 April to 31 March; the reference date is its last day."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def year(self) -> str:
        # <Year> is the year the collection ends in: rule 100 expects ReferenceDate = 31/03/<Year>.
        return str(self.end.year)


def census_year(label: str) -> CensusYear:
    m = re.fullmatch(r"(\d{4})-(\d{2})", label.strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise UsageError(f"'{label}' is not a census year: write it like 2026-27 (1 April 2026 to 31 March 2027).")
    if label not in SUPPORTED_YEARS:
        raise UsageError(f"cin-docs knows the census specification for {', '.join(SUPPORTED_YEARS)} only, not {label}.")
    first = int(m.group(1))
    return CensusYear(label, dt.date(first, 4, 1), dt.date(first + 1, 3, 31))


def la_child_id(case: dict) -> str:
    census = case.get("census") or {}
    return census.get("la_child_id") or re.sub(r"[^A-Za-z0-9]", "", case["case_id"])[:20]


def plan_start(case: dict) -> tuple[dt.date | None, str]:
    """Plan start as the deadline contract defines it: plan.start, else the initial meeting (else a transfer-in
    meeting); with the path it came from. No CIN plan under support: nrpf."""
    if case.get("support") == "nrpf":
        return None, ""
    plan = case.get("plan") or {}
    if plan.get("start"):
        return plan["start"], "plan.start"
    for kind in ("initial", "transfer_in"):
        dated = sorted((m["date"], i) for i, m in enumerate(case.get("meetings", [])) if m["type"] == kind)
        if dated:
            return dated[0][0], f"meetings[{dated[0][1]}].date"
    return None, ""


@dataclass
class Episode:
    """One child's census record for the year, as plain values; `None` means the element is left out."""

    case_id: str
    la_child_id: str
    upn: str | None
    upn_unknown: str | None
    birth_date: dt.date
    sex: str
    ethnicity: str
    disabilities: list[str]
    referral_date: dt.date
    referral_source: str
    primary_need: str | None
    referral_nfa: bool
    closure_date: dt.date | None = None
    closure_reason: str | None = None
    assessment_started: dt.date | None = None
    assessment_authorised: dt.date | None = None
    assessment_factors: list[str] = field(default_factory=list)
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None


REQUIRED = ("sex", "ethnicity", "disabilities", "referral_date", "referral_source", "referral_nfa")


def episode(case: dict, year: CensusYear) -> tuple[Episode | None, list[tuple[str, str]]]:
    """The case's record for `year` (None when the episode falls outside it), and what is missing or wrong."""
    census = case.get("census")
    if not census:
        return None, [
            ("census", "Missing: the case file has no 'census:' section (see the README's census tour for its fields).")
        ]
    problems: list[tuple[str, str]] = []
    missing = [k for k in REQUIRED if census.get(k) is None]
    problems += [(f"census.{k}", "Missing: the census needs it.") for k in missing]
    if not census.get("upn") and not census.get("upn_unknown"):
        problems.append(
            ("census.upn", "Missing: give the unique pupil number, or upn_unknown (UN1-UN7) to say why there is none.")
        )
    dob = (case.get("child") or {}).get("date_of_birth")
    if dob is None:
        problems.append(("child.date_of_birth", "Missing: the census needs the child's date of birth."))
    referral = census.get("referral_date")
    closure = case.get("closure") or {}
    if referral and referral > year.end:
        return None, []  # referred after this collection year: next year's return
    if closure.get("date") and closure["date"] < year.start:
        return None, []  # closed before this collection year began
    nfa = bool(census.get("referral_nfa"))
    if not nfa and not census.get("primary_need"):
        problems.append(
            ("census.primary_need", "Missing: a referral that led to further action needs a primary need code (N0-N9).")
        )
    if problems:
        return None, problems
    ep = Episode(
        case_id=case["case_id"],
        la_child_id=la_child_id(case),
        upn=census.get("upn"),
        upn_unknown=census.get("upn_unknown"),
        birth_date=dob,
        sex=census["sex"],
        ethnicity=census["ethnicity"],
        disabilities=list(census["disabilities"]),
        referral_date=referral,
        referral_source=census["referral_source"],
        primary_need=census.get("primary_need"),
        referral_nfa=nfa,
    )
    if closure.get("date") and closure["date"] <= year.end:
        ep.closure_date, ep.closure_reason = closure["date"], closure["reason"]
    start, start_path = plan_start(case)
    if nfa:
        if start or census.get("assessment_started"):
            problems.append(
                (
                    "census.referral_nfa",
                    "The referral is marked 'no further action' but the case has "
                    "an assessment or a plan: set referral_nfa to false.",
                )
            )
        return (None if problems else ep), problems
    _assessment(case, census, year, ep, problems)
    _plan(case, start, start_path, year, ep, problems)
    return (None if problems else ep), problems


def _assessment(case, census, year, ep, problems) -> None:
    started = census.get("assessment_started")
    authorised = census.get("assessment_authorised") or (case.get("assessment") or {}).get("completed")
    if started is None:
        if authorised is not None:
            problems.append(
                (
                    "census.assessment_started",
                    "Missing: the assessment was completed, so the census needs the date it started.",
                )
            )
        return
    if started > year.end or (authorised is not None and authorised < year.start):
        return  # not this year's assessment: started after it, or completed in an earlier year
    ep.assessment_started = started
    if authorised is not None and authorised <= year.end:
        if authorised < started:
            problems.append(
                ("census.assessment_authorised", "Cannot be before the assessment started (census.assessment_started).")
            )
        ep.assessment_authorised = authorised
        if not census.get("assessment_factors"):
            problems.append(
                (
                    "census.assessment_factors",
                    "Missing: a completed assessment needs the factors identified (21 when there were none).",
                )
            )
        ep.assessment_factors = list(census.get("assessment_factors") or [])
    elif ep.closure_date is not None:
        problems.append(
            (
                "assessment.completed",
                "Missing: the case closed, so the census needs the date the "
                "assessment was authorised (or census.assessment_authorised).",
            )
        )


def _plan(case, start, start_path, year, ep, problems) -> None:
    if start is None or start > year.end:
        return
    end = (case.get("plan") or {}).get("end") or ep.closure_date
    if end is not None and end < year.start:
        return
    if start < ep.referral_date:
        problems.append((start_path, "The plan cannot start before the referral date (census.referral_date)."))
    if end is not None and ep.closure_date is not None and end > ep.closure_date:
        problems.append(("plan.end", "The plan cannot end after the case closed (closure.date)."))
    ep.plan_start = start
    ep.plan_end = end if end is not None and end <= year.end else None


@dataclass
class Return:
    xml: bytes
    included: list[str]
    left_out: list[str]


def build_return(cases: list[dict], year: CensusYear, la: str, now: dt.datetime, release: str) -> Return:
    """The whole return, or CensusError listing every problem in every case (nothing is built then)."""
    if not re.fullmatch(r"\d{3}", la):
        raise UsageError(f"'{la}' is not a local authority code: give the DfE's three-digit code, e.g. 312.")
    problems: list[tuple[str, str, str]] = []
    episodes: list[Episode] = []
    left_out: list[str] = []
    for case in cases:
        ep, found = episode(case, year)
        problems += [(case["case_id"], where, message) for where, message in found]
        if ep is not None:
            episodes.append(ep)
        elif not found:
            left_out.append(case["case_id"])
    for key, what in (("la_child_id", "LA child ID (census.la_child_id)"), ("upn", "UPN (census.upn)")):
        seen: dict[str, str] = {}
        for ep in episodes:
            value = getattr(ep, key)
            if value and value in seen:
                problems.append(
                    (ep.case_id, f"census.{key}", f"The same {what} as case {seen[value]}: each child needs their own.")
                )
            elif value:
                seen[value] = ep.case_id
    if problems:
        raise CensusError(problems)
    return Return(to_xml(episodes, year, la, now, release), [e.case_id for e in episodes], left_out)


def _date(value: dt.date) -> str:
    return value.isoformat()


def _add(parent: ET.Element, tag: str, value) -> None:
    if value is None:
        return
    ET.SubElement(parent, tag).text = value if isinstance(value, str) else _date(value)


def to_xml(episodes: list[Episode], year: CensusYear, la: str, now: dt.datetime, release: str) -> bytes:
    """The Message document, elements in the order of the DfE's XML specification."""
    message = ET.Element("Message")
    header = ET.SubElement(message, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", year.year)
    _add(details, "ReferenceDate", year.end)
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", la)
    _add(source, "SoftwareCode", "cin-docs")
    _add(source, "Release", release)
    _add(source, "SerialNo", "001")
    _add(source, "DateTime", now.replace(microsecond=0, tzinfo=None).isoformat())
    children = ET.SubElement(message, "Children")
    for ep in episodes:
        child = ET.SubElement(children, "Child")
        ids = ET.SubElement(child, "ChildIdentifiers")
        _add(ids, "LAchildID", ep.la_child_id)
        _add(ids, "UPN", ep.upn)
        _add(ids, "UPNunknown", None if ep.upn else ep.upn_unknown)
        _add(ids, "PersonBirthDate", ep.birth_date)
        _add(ids, "Sex", ep.sex)
        chars = ET.SubElement(child, "ChildCharacteristics")
        _add(chars, "Ethnicity", ep.ethnicity)
        disabilities = ET.SubElement(chars, "Disabilities")
        for code in ep.disabilities:
            _add(disabilities, "Disability", code)
        cin = ET.SubElement(child, "CINdetails")
        _add(cin, "CINreferralDate", ep.referral_date)
        _add(cin, "ReferralSource", ep.referral_source)
        _add(cin, "PrimaryNeedCode", ep.primary_need)
        _add(cin, "CINclosureDate", ep.closure_date)
        _add(cin, "ReasonForClosure", ep.closure_reason)
        _add(cin, "ReferralNFA", "true" if ep.referral_nfa else "false")
        if ep.assessment_started is not None:
            assessment = ET.SubElement(cin, "Assessments")
            _add(assessment, "AssessmentActualStartDate", ep.assessment_started)
            _add(assessment, "AssessmentAuthorisationDate", ep.assessment_authorised)
            if ep.assessment_authorised is not None:
                factors = ET.SubElement(assessment, "FactorsIdentifiedAtAssessment")
                for code in ep.assessment_factors:
                    _add(factors, "AssessmentFactors", code)
        if ep.plan_start is not None:
            plan = ET.SubElement(cin, "CINPlanDates")
            _add(plan, "CINPlanStartDate", ep.plan_start)
            _add(plan, "CINPlanEndDate", ep.plan_end)
    ET.indent(message)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True) + b"\n"

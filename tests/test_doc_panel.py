"""CIN panel summary report (DOCX and PDF, blank and filled decisions) and the panel pack (`cin-docs pack panel`)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import os
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api, resources
from cin_docs.cli import cli
from cin_docs.documents import Options, panel_summary
from cin_docs.errors import RenderError
from cin_docs.packs import panel as panel_pack
from cin_docs.render.jinja import docx_jinja_environment, render_html
from textutil import assert_golden, contains_all, docx_text, norm, pdf_text

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
AS_OF = dt.date(2026, 11, 23)
PANEL_DATE = dt.date(2026, 12, 31)  # hertfordshire-panel: the engine's panel_date
CONFIG = {"closures": []}
HEADINGS = [
    "CIN Panel Summary Report",
    "Child and plan",
    "The panel",
    "Why the case is referred to panel",
    "Presenting issues",
    "Plan history",
    "Progress and barriers",
    "Views of the child and family",
    "What the panel is asked to decide",
    "Decisions of the panel",
]
SLOT_TIMES = ["10:00 to 10:30", "10:30 to 11:00", "11:00 to 11:30", "11:30 to 12:00"]


def write_case(folder: Path, data: dict, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{data['case_id']}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@functools.cache
def _sample(name: str) -> dict:
    return yaml.safe_load((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def sample(name: str) -> dict:
    """A fresh copy of a sample's data (parsed once: the pure-Python YAML parser is slow)."""
    return copy.deepcopy(_sample(name))


def hillingdon_panel(held: bool) -> dict:
    """hillingdon-mid-plan with a panel block: a held panel with its decisions, or a panel still to come."""
    data = sample("hillingdon-mid-plan")
    if held:
        data["case_id"] = "HIL-PANEL-HELD"
        data["panel"] = {
            "identified": "2026-11-10",
            "reasons": ["The plan is expected to continue beyond 8 months."],
            "presenting_issues": "Millie's sleep and her mother's health.",
            "asked_to_decide": ["Should the plan continue?"],
            "decisions": [
                "The plan continues to 12 months.",
                "Step down to Early Help to be considered at the next review.",
            ],
            "decisions_recorded": "2026-11-20",
        }
        data["meetings"].append(
            {
                "type": "panel",
                "date": "2026-11-19",
                "time": "14:00",
                "end_time": "16:00",
                "chair": "Dr Ann Lee",
                "decisions_uploaded": "2026-11-23",
            }
        )
    else:
        data["case_id"] = "HIL-PANEL-NEXT"
        data["panel"] = {
            "date": "2027-05-20",
            "reasons": ["Open for 8 months."],
            "presenter": "Claire Fenwick",
            "presenter_role": "Practice Manager",
        }
    return data


def docx_of(context: dict) -> bytes:
    return api.render_bytes("panel-summary", context, "docx")


# ---- the summary report -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def herts_case():
    return api.load(SAMPLES / "hertfordshire-panel.yaml", CONFIG)


@pytest.fixture(scope="module")
def herts(herts_case):
    """hertfordshire-panel (decisions blank) in both formats."""
    case = herts_case
    (output,) = api.build(case, "panel-summary", Options(as_of=AS_OF)).outputs
    return case, output, docx_of(output.context), api.render_bytes("panel-summary", output.context, "pdf")


@pytest.fixture(scope="module")
def hillingdon(tmp_path_factory):
    """Two Hillingdon cases: a held panel with decisions (DOCX and HTML), and a panel to come (DOCX)."""
    folder = tmp_path_factory.mktemp("hillingdon")
    out = {}
    for held in (True, False):
        case = api.load(write_case(folder, hillingdon_panel(held)), CONFIG)
        (output,) = api.build(case, "panel-summary", Options(as_of=AS_OF)).outputs
        out[held] = (case, output.context, docx_text(docx_of(output.context)))
    return out


def test_sample_renders_in_both_formats_with_the_same_content(herts):
    _, output, docx_bytes, pdf_bytes = herts
    assert output.name_parts == []
    needles = HEADINGS + [
        "Panel timescales",
        "Ellie-May Brennan",
        "HCC-2025-1187",
        "Head of Service CIN Case Management Panel",
        "Thursday 31 December 2026",
        "10:00 to 12:00",
        # 3.7: "The team manager and the allocated case worker will present the case."
        "Louise Fairbrother (team manager) and Bethany Clough (allocated case worker)",
        # plan start and how long open, at the as-of date and at the panel
        "Thursday 27 November 2025",
        "11 months (as of Monday 23 November 2026); 13 months by the panel date",
        # referral deadline (engine panel_referral) and referral date
        "Friday 18 December 2026 (7 working days before the panel date)",
        "Friday 20 November 2026",
        # plan history: reviews with dates and outcomes
        "2 reviews held, the latest on Thursday 20 August 2026",
        "Tuesday 24 February 2026",
        "The child continues to be a Child in Need requiring the same level of services",
        "Barriers with multi-agency involvement",
        "CAMHS assessment was completed in June 2026",
        "In Ellie's own words (written, Thursday 12 November 2026)",
        "Whether to fund an interim counsellor through a H.A.R.P request while Ellie waits.",
    ]
    assert contains_all(docx_text(docx_bytes), needles) == []
    assert contains_all(pdf_text(pdf_bytes), needles) == []


def test_blank_decisions_section_to_complete_at_panel(herts):
    _, output, docx_bytes, pdf_bytes = herts
    decisions = output.context["decisions"]
    assert decisions["blank"]
    assert [r["text"] for r in decisions["rows"]] == [""] * panel_summary.BLANK_DECISION_ROWS_WITH_OPTIONS
    for text in (docx_text(docx_bytes), pdf_text(pdf_bytes)):
        tail = norm(text)[norm(text).index("Decisions of the panel") :]
        assert (
            contains_all(
                tail,
                [
                    "To be completed at the panel by the chair.",
                    "Chair's name",
                    "Signature",
                    # Hertfordshire sets no upload timescale: none is invented
                    "The Hertfordshire policy sets no timescale for recording the panel's decisions.",
                ],
            )
            == []
        )


def test_pdf_decisions_start_on_their_own_page(herts):
    reader = pypdf.PdfReader(io.BytesIO(herts[3]))
    last = reader.pages[-1].extract_text()
    assert "Decisions of the panel" in last
    assert "Decisions of the panel" not in reader.pages[-2].extract_text()


def test_filled_decisions_with_the_engines_upload_deadline(hillingdon):
    case, context, text = hillingdon[True]
    html = norm(render_html("panel-summary.html", context).replace("&#39;", "'"))
    needles = [
        "Decisions recorded on Friday 20 November 2026.",
        "The plan continues to 12 months.",
        "Step down to Early Help to be considered at the next review.",
        # engine panel_decisions_upload for the held panel meeting (5 calendar days)
        "By Tuesday 24 November 2026 (5 days after the panel on Thursday 19 November 2026); done on "
        "Monday 23 November 2026.",
        "Thursday 19 November 2026",
        "14:00 to 16:00",
        "Dr Ann Lee",
        # Hillingdon: identified by the line manager at 8 months (engine panel_identification)
        "Tuesday 10 November 2026 (due by Friday 14 May 2027)",
    ]
    assert contains_all(text, needles) == []
    assert contains_all(html, needles) == []
    for blank_only in ("To be completed at the panel", "Chair's name"):
        assert blank_only not in text and blank_only not in html
    rule = next(r for r in case.profile["rules"] if r["key"] == "panel_decisions_upload")
    assert norm(f"Policy: “{rule['source']}”") in norm(text)


def test_panel_to_come_says_within_the_profiles_days_of_the_panel_date(hillingdon):
    _, context, text = hillingdon[False]
    assert (
        contains_all(
            text,
            [
                "Panel date Thursday 20 May 2027",
                "Presented by Claire Fenwick, Practice Manager",
                "Within 5 days of the panel date: by Tuesday 25 May 2027 for a panel on Thursday 20 May 2027.",
                "uploaded within 5 days of the panel date by the allocated social worker",
                "To be completed at the panel by the chair.",
            ],
        )
        == []
    )
    assert context["panel"]["chair"] == "designated Head of Service"  # from the profile's panel block


def test_upload_timescale_is_read_from_the_profile_rule(tmp_path):
    profile = {
        "extends": "hillingdon",
        "name": "testshire",
        "label": "Testshire",
        "rules": [
            {
                "key": "panel_decisions_upload",
                "label": "Upload the panel decisions",
                "from": [{"event": "each_held_meeting", "types": ["panel"], "label": "the panel"}],
                "offset": {"days": 7},
                "satisfied_by": {"event": "item_field", "field": "decisions_uploaded"},
                "source": "Testshire: panel decisions are uploaded within 7 days of the panel date.",
            }
        ],
    }
    (tmp_path / "testshire.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    data = {**hillingdon_panel(False), "policy": "./testshire.yaml"}
    data["panel"] = {"reasons": ["Open for 8 months."]}
    case = api.load(write_case(tmp_path, data), CONFIG)
    decisions = panel_summary.summary_context(case, Options(as_of=AS_OF))["decisions"]
    assert decisions["upload_text"] == "Within 7 days of the panel date."
    assert decisions["upload_source"] == "Testshire: panel decisions are uploaded within 7 days of the panel date."


def test_panel_date_is_to_be_set_when_nothing_gives_it(tmp_path):
    data = hillingdon_panel(False)
    data["panel"].pop("date")
    case = api.load(write_case(tmp_path, data), CONFIG)
    context = panel_summary.summary_context(case, Options(as_of=AS_OF))
    assert context["panel"]["date_text"] == "to be set"
    text = docx_text(docx_of(context))
    assert contains_all(text, ["Panel date to be set", "Within 5 days of the panel date."]) == []


def test_a_pack_date_recounts_the_referral_deadline_with_the_engine(herts_case):
    case = herts_case
    # November's panel (Thursday 26th): referrals closed 7 working days before, Tuesday 17 November 2026.
    context = panel_summary.summary_context(case, Options(as_of=AS_OF), panel_date=dt.date(2026, 11, 26))
    rows = {r["label"]: r["value"] for r in context["panel_rows"]}
    assert rows["Panel date"] == "Thursday 26 November 2026"
    assert rows["Referral deadline"] == (
        "Tuesday 17 November 2026 (7 working days before the panel date) – referred late"
    )


def test_missing_panel_section_is_a_clear_error(tmp_path):
    data = sample("hillingdon-mid-plan")
    case = api.load(write_case(tmp_path, data), CONFIG)
    with pytest.raises(RenderError, match="the case file has no panel"):
        api.build(case, "panel-summary", Options(as_of=AS_OF))


def test_user_text_is_escaped(tmp_path):
    data = hillingdon_panel(False)
    data["panel"]["reasons"] = ["<b>stuck</b> & {{ 7*7 }}"]
    case = api.load(write_case(tmp_path, data), CONFIG)
    context = panel_summary.summary_context(case, Options(as_of=AS_OF))
    assert "&lt;b&gt;stuck&lt;/b&gt; &amp; {{ 7*7 }}" in render_html("panel-summary.html", context)
    assert "<b>stuck</b> & {{ 7*7 }}" in docx_text(docx_of(context))


@pytest.mark.parametrize(
    ("start", "on", "months"),
    [
        (dt.date(2025, 11, 27), dt.date(2026, 11, 23), 11),
        (dt.date(2025, 11, 27), dt.date(2026, 11, 27), 12),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28), 1),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 27), 0),
    ],
)
def test_months_open_is_calendar_months(start, on, months):
    assert panel_summary.months_open(start, on) == months


def test_golden_snapshot_of_the_docx_text(herts):
    assert_golden("panel-summary.hertfordshire-panel", docx_text(herts[2]))


def test_summary_template_uses_only_what_the_context_provides(herts):
    from docxtpl import DocxTemplate

    template = DocxTemplate(resources.docx_templates_dir() / "panel-summary.docx")
    assert template.get_undeclared_template_variables(docx_jinja_environment()) <= set(herts[1].context)


# ---- the panel pack -----------------------------------------------------------------------------------------


def pack_copies(folder: Path, n: int, **panel_overrides) -> list[Path]:
    """n copies of hertfordshire-panel under new case IDs; trimmed (one meeting, no actions) to keep the PDF short."""
    base = sample("hertfordshire-panel")
    base["plan"] = {k: base["plan"][k] for k in ("start", "legal_basis", "why_in_need")}
    base["meetings"] = base["meetings"][:1]
    base["panel"].update(panel_overrides)
    paths = []
    for i in range(1, n + 1):
        data = copy.deepcopy(base)
        data["case_id"] = f"HCC-PACK-{i}"
        if i == 2:
            data["panel"]["decisions"] = ["Escalate the CAMHS delay to the health commissioner."]
            data["panel"]["decisions_recorded"] = "2026-11-20"
        paths.append(write_case(folder, data, f"case-{i}.yaml"))
    return paths


def run(*args: str):
    return CliRunner().invoke(cli, ["pack", "panel", *args, "--as-of", AS_OF.isoformat()])


@pytest.fixture(scope="module")
def forced_pack(tmp_path_factory):
    """Five cases for the four Hertfordshire slots, built with --force through the CLI."""
    folder = tmp_path_factory.mktemp("pack")
    paths = pack_copies(folder / "cases", 5)
    out = folder / "out"
    result = run(*map(str, paths), "--panel-date", PANEL_DATE.isoformat(), "--force", "-o", str(out))
    assert result.exit_code == 0, result.output
    pdf = (out / "panel-pack_2026-12-31.pdf").read_bytes()
    return result, out, pdf, pypdf.PdfReader(io.BytesIO(pdf))


def test_over_booking_is_refused_without_force_and_nothing_is_written(tmp_path):
    paths = pack_copies(tmp_path / "cases", 5)
    result = run(*map(str, paths), "--panel-date", "2026-12-31", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: The panel pack was not built: 1 problem found:\n"
        "  - 5 cases for 4 slots: the Head of Service CIN Case Management Panel has 4 "
        "slots"
    )
    assert "--force" in result.output
    assert not (tmp_path / "out").exists()


def test_forced_pack_writes_every_file_without_childrens_names(forced_pack):
    result, out, _, _ = forced_pack
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["panel-pack_2026-12-31.pdf", "panel-agenda_2026-12-31.docx"]
        + [f"HCC-PACK-{i}_panel-summary.docx" for i in range(1, 6)]
    )
    assert not any("ellie" in n.lower() or "brennan" in n.lower() for n in names)
    assert all(oct(os.stat(p).st_mode & 0o777) == "0o600" for p in out.iterdir())
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left
    assert "Warning: 5 cases for 4 slots" in result.output
    for path in sorted(out.iterdir()):
        assert f"Wrote {path}" in result.output
    assert "document/s" not in result.output  # no progress bar when stderr is not a terminal


def test_pack_has_one_bookmark_each_for_front_page_agenda_and_cases(forced_pack):
    _, _, _, reader = forced_pack
    outline = reader.outline
    assert not any(isinstance(item, list) for item in outline)  # exactly one level
    titles = [item.title for item in outline]
    assert titles == ["Front page", "Agenda"] + [f"Case HCC-PACK-{i}: Ellie-May Brennan" for i in range(1, 6)]
    starts = [reader.get_destination_page_number(item) for item in outline]
    assert starts[:3] == [0, 1, 2] and starts == sorted(set(starts))
    # every case's summary follows in full: the pack has the front page, the agenda and five whole summaries
    per_case = starts[3] - starts[2]
    assert starts[3:] == [2 + per_case * i for i in range(1, 5)]
    assert len(reader.pages) == 2 + 5 * per_case


def test_pack_is_tagged_with_continuous_page_numbers(forced_pack):
    _, _, pdf, reader = forced_pack
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    total = len(reader.pages)
    assert f"Page 3 of {total}" in reader.pages[2].extract_text()
    assert f"Page {total} of {total}" in reader.pages[-1].extract_text()
    front = norm(reader.pages[0].extract_text())
    assert "Case HCC-PACK-2: Ellie-May Brennan" in front and "Referrals by Friday 18 December 2026" in front


def test_agenda_gives_the_four_slots_with_times_in_pdf_and_docx(forced_pack):
    _, out, _, reader = forced_pack
    agenda_pdf = norm(reader.pages[1].extract_text())
    agenda_docx = docx_text((out / "panel-agenda_2026-12-31.docx").read_bytes())
    for text in (agenda_pdf, agenda_docx):
        assert (
            contains_all(
                text,
                SLOT_TIMES
                + [
                    "Head of Service CIN Case Management Panel",
                    "Thursday 31 December 2026",
                    "No slot",
                    "over-booked",
                    "Louise Fairbrother (team manager) and Bethany Clough (allocated case worker)",
                    "Notes for the chair",
                    "5 cases for 4 slots",
                ],
            )
            == []
        )
        for i in range(1, 6):
            assert f"HCC-PACK-{i}" in text
    assert (
        contains_all(agenda_docx, ["Slot 1", "Slot 4", "Chair", "Head of Service for Family Safeguarding or 0-25"])
        == []
    )


def test_pack_summaries_carry_blank_and_filled_decisions(forced_pack):
    _, out, _, reader = forced_pack
    filled = docx_text((out / "HCC-PACK-2_panel-summary.docx").read_bytes())
    blank = docx_text((out / "HCC-PACK-1_panel-summary.docx").read_bytes())
    assert "Escalate the CAMHS delay to the health commissioner." in filled
    assert "To be completed at the panel by the chair." in blank and "To be completed" not in filled
    # Each case ends with its decisions page: case 1's (blank) just before case 2 starts, case 2's before case 3.
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    blank_page, filled_page = (norm(reader.pages[starts[i] - 1].extract_text()) for i in (3, 4))
    assert "To be completed at the panel by the chair." in blank_page and "HCC-PACK-1" in blank_page
    assert "Escalate the CAMHS delay to the health commissioner." in filled_page and "HCC-PACK-2" in filled_page


def test_late_referral_is_reported_and_a_differing_panel_date_warned(tmp_path, herts_case):
    # For November's panel (Thursday 26th) referrals closed on Tuesday 17 November; the sample was referred on the 20th.
    result = run(str(SAMPLES / "hertfordshire-panel.yaml"), "--panel-date", "2026-11-26", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert (
        "Case HCC-2025-1187 was referred on Friday 20 November 2026, after the referral deadline of Tuesday 17 "
        "November 2026 (7 working days before the panel date on Thursday 26 November 2026)."
    ) in norm(result.output)
    problems, warnings = panel_pack.check([herts_case], dt.date(2026, 11, 26), AS_OF)
    assert len(problems) == 1
    assert warnings == [
        "Case HCC-2025-1187's own panel date is Thursday 31 December 2026 (from its case file and the "
        "Hertfordshire policy), not Thursday 26 November 2026."
    ]


def test_not_referred_after_the_deadline_is_reported(tmp_path):
    data = sample("hertfordshire-panel")
    del data["panel"]["referred"]
    case = api.load(write_case(tmp_path, data), CONFIG)
    problems, _ = panel_pack.check([case], dt.date(2026, 11, 26), AS_OF)
    assert problems == [
        "Case HCC-2025-1187 has not been referred, and the referral deadline of Tuesday 17 November "
        "2026 has passed (7 working days before the panel date on Thursday 26 November 2026)."
    ]
    assert panel_pack.check([case], PANEL_DATE, AS_OF) == ([], [])  # not yet due for December's panel


def test_mixed_policies_are_refused(tmp_path):
    hil = write_case(tmp_path, hillingdon_panel(False))
    result = run(
        str(SAMPLES / "hertfordshire-panel.yaml"), str(hil), "--panel-date", "2026-12-31", "-o", str(tmp_path / "out")
    )
    assert result.exit_code == 1
    assert "The cases are under different policies (Hertfordshire: HCC-2025-1187; Hillingdon: HIL-PANEL-NEXT)" in norm(
        result.output
    )
    assert not (tmp_path / "out").exists()


def test_the_same_case_twice_is_a_usage_error(tmp_path):
    sample_path = str(SAMPLES / "hertfordshire-panel.yaml")
    result = run(sample_path, sample_path, "--panel-date", "2026-12-31", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.startswith("Error: The same case is given more than once (HCC-2025-1187)")


def test_a_case_without_a_panel_section_names_the_case_and_writes_nothing(tmp_path):
    data = {**sample("hertfordshire-panel"), "case_id": "HCC-NO-PANEL"}
    del data["panel"]
    bad = write_case(tmp_path, data)
    result = run(
        str(SAMPLES / "hertfordshire-panel.yaml"), str(bad), "--panel-date", "2026-12-31", "-o", str(tmp_path / "out")
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: Case HCC-NO-PANEL ({bad}): The panel summary report cannot be produced")
    assert not (tmp_path / "out").exists()


def test_slots_come_from_the_profile(herts_case):
    assert panel_pack.slots_for(herts_case.profile["panel"], PANEL_DATE) == SLOT_TIMES
    hillingdon_profile = {"name": "Child in Need panel", "slots": None, "start": None, "end": None}
    assert panel_pack.slots_for(hillingdon_profile, PANEL_DATE) is None


def test_agenda_template_uses_only_what_the_pack_context_provides(herts_case):
    from docxtpl import DocxTemplate

    case = herts_case
    summary = panel_summary.summary_context(case, Options(as_of=AS_OF), panel_date=PANEL_DATE)
    context = panel_pack.pack_context([case], [summary], PANEL_DATE, AS_OF, [])
    template = DocxTemplate(resources.docx_templates_dir() / "panel-agenda.docx")
    assert template.get_undeclared_template_variables(docx_jinja_environment()) <= set(context)


def test_help_has_an_example():
    result = CliRunner().invoke(cli, ["pack", "panel", "--help"])
    assert result.exit_code == 0
    assert "cin-docs pack panel samples/hertfordshire-panel.yaml --panel-date 2026-12-31" in result.output


def test_hillingdon_agenda_lists_items_without_slots_or_times(hillingdon):
    from cin_docs.render.docx import render_docx

    case, summary, _ = hillingdon[False]
    panel_date = dt.date(2027, 5, 20)
    assert panel_pack.check([case], panel_date, AS_OF) == ([], [])  # no slots, no referral rule: nothing to refuse
    context = panel_pack.pack_context([case], [summary], panel_date, AS_OF, [])
    assert not context["has_times"] and [a["slot"] for a in context["agenda"]] == ["Item 1"]
    text = docx_text(render_docx("panel-agenda.docx", context))
    assert (
        contains_all(
            text,
            [
                "Child in Need panel",
                "Agenda for Thursday 20 May 2027",
                "Item 1",
                "HIL-PANEL-NEXT",
                "Claire Fenwick, Practice Manager",
                "designated Head of Service",
            ],
        )
        == []
    )
    assert "Slot" not in text and "Referrals by" not in text

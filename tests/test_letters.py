"""Letters written to their reader: the child's own invitation by age, adjustments instead of staff notes, pronouns,
salutations, clocks, names that do not break, who gets no letter, another authority's meeting, date warnings,
per-person bring-lists, the school-time and Children's Guardian checks, --recipient and neutral file names."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.documents import invitation as inv
from cin_docs.errors import CaseValidationError, RenderError
from cin_docs.render import filters
from cin_docs.render.jinja import shared_html_environment
from textutil import docx_text, norm, pdf_text

AS_OF = dt.date(2026, 11, 23)
MEETING = dt.date(2026, 12, 15)  # a Tuesday
ROOT = Path(__file__).resolve().parents[1]
STAFF_NOTE = "Dyslexic - please read letters through with her"


def base(**overrides) -> dict:
    data = {
        "case_id": "HIL-TEST-7",
        "policy": "hillingdon",
        "child": {
            "first_name": "Amelia",
            "last_name": "Hartwell-Coles",
            "preferred_name": "Millie",
            "date_of_birth": "2017-05-14",
            "gender": "Female",
            "school": "Brackenfold Primary",
        },
        "social_worker": {"name": "Priya Raman", "role": "Social Worker", "phone": "01632 960101"},
        "family": [
            {
                "name": "Danielle Hartwell",
                "relationship": "Mother",
                "parental_responsibility": True,
                "salutation": "Ms Hartwell",
                "communication_needs": STAFF_NOTE,
                "adjustments": ["Priya will phone you to go through this letter."],
            },
            {"name": "Ryan Coles", "relationship": "Father", "parental_responsibility": True, "preferred_name": "Ry"},
        ],
        "network": [{"name": "Pauline Hartwell", "relationship": "Maternal grandmother"}],
        "professionals": [
            {
                "name": "Dr Imran Siddiqui",
                "role": "GP",
                "agency": "Fennimore Medical Practice",
                "agency_type": "health",
                "bring": ["Summary of surgery contacts since September"],
            },
            {
                "name": "Rachel Dunmore",
                "role": "Designated Safeguarding Lead",
                "agency": "Brackenfold Primary",
                "agency_type": "education",
            },
            {
                "name": "Nadia Carvalho",
                "role": "Domestic Abuse Outreach Worker",
                "agency": "Safe Harbour",
                "agency_type": "voluntary",
            },
            {"name": "Marcus Adebayo", "role": "Team Manager", "agency": "Hillingdon", "agency_type": "social_care"},
        ],
        "meetings": [
            {
                "type": "cin",
                "date": MEETING.isoformat(),
                "time": "16:00",
                "end_time": "17:15",
                "venue": "Brackenfold Children's Centre",
                "chair": "Marcus Adebayo",
                "reply_by": "2026-12-08",
                "bring_family": ["Holiday plans and dates"],
                "bring_professional": ["Written update on your actions"],
                "bring_for": {"Rachel Dunmore": ["Attendance figures to the end of term"]},
                "invitees": [
                    "Danielle Hartwell",
                    "Ryan Coles",
                    "Pauline Hartwell",
                    "Millie",
                    "Dr Imran Siddiqui",
                    "Rachel Dunmore",
                    "Nadia Carvalho",
                    "Priya Raman",
                    "Marcus Adebayo",
                ],
            }
        ],
    }
    for key, value in overrides.items():
        data[key] = value
    return data


def load(tmp_path: Path, data: dict) -> api.Case:
    path = tmp_path / f"case-{abs(hash(yaml.safe_dump(data))) % 10**8}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return api.load(path, {"closures": []})


def build(tmp_path, data, **options):
    return api.build(load(tmp_path, data), "invitation", Options(as_of=options.pop("as_of", AS_OF), **options))


def texts(output) -> tuple[str, str]:
    return (
        docx_text(api.render_bytes("invitation", output.context, "docx")),
        pdf_text(api.render_bytes("invitation", output.context, "pdf")),
    )


def word_text(output) -> str:
    return docx_text(api.render_bytes("invitation", output.context, "docx"))


def by_slug(built) -> dict:
    return {o.name_parts[1]: o for o in built.outputs}


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    built = build(tmp_path_factory.mktemp("letters"), base())
    return built, {slug: texts(o) for slug, o in by_slug(built).items()}


# --- filters ---------------------------------------------------------------------------------------------------------


def test_date_of_birth_has_no_weekday():
    assert filters.dob(dt.date(2017, 5, 14)) == "14 May 2017"
    assert filters.longdate(dt.date(2017, 5, 14)) == "Sunday 14 May 2017"
    assert filters.dob(None) == "not recorded"


@pytest.mark.parametrize(
    "value, text",
    [
        ("16:00", "4pm"),
        ("17:15", "5:15pm"),
        ("09:30", "9:30am"),
        ("12:00", "midday"),
        ("12:30", "12:30pm"),
        ("00:00", "midnight"),
        ("00:05", "12:05am"),
        ("10:00", "10am"),
    ],
)
def test_twelve_hour_clock(value, text):
    assert filters.time12(dt.time.fromisoformat(value)) == text


def test_nobreak_keeps_a_name_on_one_line_in_both_formats():
    html = str(filters.nobreak_html("Ellie-May <Brennan>"))
    assert html == '<span class="nobreak">Ellie-May &lt;Brennan&gt;</span>'
    docx_xml = str(filters.nobreak_docx("Ellie-May Brennan & Co"))
    assert docx_xml == ('Ellie</w:t><w:noBreakHyphen/><w:t xml:space="preserve">May\u00a0Brennan\u00a0&amp;\u00a0Co')
    # A very long name may still wrap between words (never at a hyphen), so it cannot run off the page.
    long = "Ahmadzai-Krzyżanowska Featherstonehaugh-Abernethy Ffoulkes-Cholmondeley"
    assert str(filters.nobreak_html(long)).count('class="nobreak"') == 3
    assert " " in str(filters.nobreak_docx(long)) and "-" not in str(filters.nobreak_docx(long)).replace(
        "noBreakHyphen", ""
    )
    # ... and one enormous word may break at its hyphens.
    huge = "Ahmadzai-Krzyżanowska-Featherstonehaugh-Abernethy-Ffoulkes"
    assert "nobreak" not in str(filters.nobreak_html(huge)) and str(filters.nobreak_docx(huge)) == huge


def test_no_template_prints_a_date_of_birth_with_its_weekday():
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "templates" / "html").glob("*.html")]
    sources += [p.read_text(encoding="utf-8") for p in (ROOT / "scripts" / "docx_kinds").glob("*.py")]
    assert not any(re.search(r"date_of_birth\s*\|\s*longdate", s) for s in sources)
    assert any("date_of_birth|dob" in s for s in sources)


# --- the adults' letters ---------------------------------------------------------------------------------------------


def test_staff_note_never_reaches_the_persons_letter_but_what_we_will_do_does(letters):
    built, files = letters
    for docx_t, pdf_t in files.values():
        for text in (docx_t, pdf_t):
            assert "Dyslexic" not in text and "read letters through" not in norm(text)
            assert "communication needs" not in norm(text)
    docx_t, pdf_t = files["family-1"]
    for text in (docx_t, pdf_t):
        assert "Priya will phone you to go through this letter." in norm(text)
    assert "Priya will phone you" not in norm(files["family-2"][0])
    # ... and the note is not even in the letter's context (so no template can print it).
    assert all("communication_needs" not in o.context["recipient"] for o in built.outputs)


def test_communication_needs_without_adjustments_is_a_warning(tmp_path):
    data = base()
    del data["family"][0]["adjustments"]
    built = build(tmp_path, data)
    assert any("Danielle Hartwell has communication needs" in w and "adjustments" in w for w in built.warnings)
    assert not any("Ryan Coles has communication needs" in w for w in built.warnings)


def test_salutation_preferred_name_or_name(letters):
    _, files = letters
    for text in files["family-1"]:
        assert "Dear Ms Hartwell," in text and "Dear Danielle Hartwell" not in text
    for text in files["family-2"]:
        assert "Dear Ry," in text
    for text in files["family-3"]:
        assert "Dear Pauline Hartwell," in text
    for text in files["professional-1"]:  # Dr Imran Siddiqui
        assert "Dear Dr Siddiqui," in text
    assert inv.salutation({"name": "DS Helen Marsh"}) == "DS Marsh"
    assert inv.salutation({"name": "Mrs Yvonne Okafor", "salutation": "Yvonne"}) == "Yvonne"
    assert inv.salutation({"name": "Mr Li"}) == "Mr Li"


def test_family_letters_use_the_12_hour_clock_and_professionals_the_24_hour(letters):
    _, files = letters
    for text in files["family-1"]:
        assert "4pm to 5:15pm" in norm(text) and "16:00" not in text
    for text in files["professional-1"]:
        assert "16:00 to 17:15" in norm(text)
    for text in files["family-1"] + files["professional-1"]:  # a venue and no remote joining: no empty row
        assert "Brackenfold Children's Centre" in text
        assert "Joining remotely" not in text and "Not applicable" not in text


def test_family_letter_gives_the_date_of_birth_without_its_weekday(letters):
    _, files = letters
    for text in files["family-1"]:
        assert "(date of birth 14 May 2017)" in norm(text) and "Sunday 14 May 2017" not in text


def test_pronouns_follow_the_file(tmp_path, letters):
    _, files = letters
    for text in files["family-1"]:  # gender: Female
        assert "Millie can share her views" in norm(text) and "if she would like one" in norm(text)
        assert "in whatever form suits her" not in norm(text)  # the family has its own bring list here
        assert " their " not in norm(text).split("Who has been invited")[0]
    data = base()
    data["child"]["pronouns"] = "they/them"
    data["meetings"][0]["bring_family"] = []
    (mother,) = build(tmp_path, data, recipient="Danielle Hartwell").outputs
    text = norm(word_text(mother))
    assert "Millie can share their views" in text and "in whatever form suits them" in text
    data["child"].pop("pronouns")
    data["child"].pop("gender")
    (mother,) = build(tmp_path, data, recipient="Danielle Hartwell").outputs
    text = norm(word_text(mother))
    # Nothing in the file says which pronouns: the letter uses the child's name, never a guessed "they".
    assert "Millie can share Millie's views" in text and "if Millie would like one" in text
    assert "suits Millie" in text and "suits them" not in text


def test_a_very_long_name_wraps_rather_than_running_off_the_page(tmp_path):
    data = base()
    data["child"].update(first_name="Ahmadzai-Krzyżanowska-Featherstonehaugh-Abernethy", last_name="Ffoulkes-Smith")
    del data["child"]["preferred_name"]
    data["meetings"][0]["invitees"][3] = "Ahmadzai-Krzyżanowska-Featherstonehaugh-Abernethy"
    (mother,) = build(tmp_path, data, recipient="Danielle Hartwell").outputs
    lines = pdf_text(api.render_bytes("invitation", mother.context, "pdf")).splitlines()
    heading = lines[lines.index(next(x for x in lines if x.startswith("Invitation to"))) :][:3]
    # Broken at a hyphen of the over-long word (a nowrap span would keep it on one line, past the margin) ...
    assert any(x.rstrip().endswith("-") for x in heading), heading
    # ... while the short word of the name stays whole.
    assert any("Ffoulkes-Smith" in x for x in heading), heading


def test_the_childs_name_never_breaks_in_a_heading(tmp_path, letters, monkeypatch):
    _, files = letters
    built, _ = letters
    docx_bytes = api.render_bytes("invitation", by_slug(built)["family-1"].context, "docx")
    xml = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml").decode()
    heading = re.search(r"Invitation to a .*?</w:p>", xml).group(0)
    assert "Hartwell<w:noBreakHyphen/>" in heading.replace(
        '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">', "<w:noBreakHyphen/>"
    )
    assert "Amelia\u00a0Hartwell" in heading
    # In the PDF the whole name is on one line of the heading. Without the filter these names break at the hyphen
    # ("... meeting for Ellie-" / "May Brennan"), which the control render proves.
    for first, last in (("Ellie-May", "Brennan"), ("Ann-Marie", "Li")):
        data = base()
        data["child"].update(first_name=first, last_name=last)
        (mother,) = build(tmp_path, data, recipient="Danielle Hartwell").outputs

        def heading_lines(mother=mother):
            lines = pdf_text(api.render_bytes("invitation", mother.context, "pdf")).splitlines()
            start = next(i for i, x in enumerate(lines) if x.startswith("Invitation to"))
            return lines[start : start + 2]

        assert any(f"{first} {last}" in line for line in heading_lines()), (first, last)
        with monkeypatch.context() as patch:
            patch.setitem(filters.FILTERS, "nobreak", lambda v: v)
            # The HTML environment is made once per process (cin_docs.render.jinja): patch the one in use too.
            patch.setitem(shared_html_environment(None).filters, "nobreak", lambda v: v)
            assert heading_lines()[0].endswith(first.split("-")[0] + "-"), heading_lines()


# --- per-person bring lists ------------------------------------------------------------------------------------------


def test_each_professional_brings_what_is_asked_of_them(letters):
    _, files = letters
    school = norm(files["professional-2"][0])
    gp = norm(files["professional-1"][0])
    da = norm(files["professional-3"][0])
    assert "Attendance figures to the end of term" in school and "Written update on your actions" not in school
    assert "Summary of surgery contacts since September" in gp and "Attendance figures" not in gp
    assert "Written update on your actions" in da and "Attendance figures" not in da
    for docx_t, pdf_t in files.values():
        assert ("Attendance figures" in norm(docx_t)) == ("Attendance figures" in norm(pdf_t))


def test_bring_for_must_name_an_invitee(tmp_path):
    data = base()
    data["meetings"][0]["bring_for"] = {"Rachael Dunmore": ["x"]}
    with pytest.raises(CaseValidationError) as err:
        load(tmp_path, data)
    assert "bring_for" in str(err.value) and "Not one of this meeting's invitees" in str(err.value)


@pytest.mark.parametrize(
    "label, text",
    [
        ("Initial Child in Need meeting", "an initial Child in Need meeting"),
        ("Family network meeting", "a family network meeting"),
        ("Child in Need meeting", "a Child in Need meeting"),
        ("CIN Case Management Panel", "a CIN Case Management Panel"),
    ],
)
def test_meeting_labels_read_well_in_a_sentence(label, text):
    assert inv.with_article(inv.in_sentence(label)) == text


def test_default_bring_items_start_with_a_capital():
    for items in inv.DEFAULT_BRING.values():
        filled = [item.format(known_as="millie", they="she", them="her") for item in items]
        assert all(item[0].isupper() or item.startswith("millie's") for item in filled), filled
        assert not any(item[0].islower() and not item.startswith("millie") for item in filled)


# --- who gets a letter, file names and --recipient --------------------------------------------------------------------


def test_the_social_worker_and_the_chair_get_no_invitation(letters):
    built, files = letters
    names = {o.addressed_to[0] for o in built.outputs}
    assert "Priya Raman" not in names and "Marcus Adebayo" not in names
    assert any("No invitation for Priya Raman" in w and "Marcus Adebayo (the chair)" in w for w in built.warnings)


def test_file_names_are_neutral_numbers_and_stable_with_recipient(tmp_path, letters):
    built, _ = letters
    assert [o.name_parts[1] for o in built.outputs] == [
        "family-1",
        "family-2",
        "family-3",
        "child",
        "professional-1",
        "professional-2",
        "professional-3",
    ]
    assert {o.name_parts[1]: o.reader for o in built.outputs}["child"] == "child"
    (one,) = build(tmp_path, base(), recipient="Nadia Carvalho").outputs
    assert one.name_parts == ["2026-12-15", "professional-3"]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "invitation",
            str(next(tmp_path.glob("case-*.yaml"))),
            "-o",
            str(out),
            "--as-of",
            "2026-11-23",
            "--format",
            "docx",
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "HIL-TEST-7_invitation_2026-12-15_professional-3.docx" in names and len(names) == 7
    assert not any(word in n for n in names for word in ("domestic", "abuse", "mother", "gp", "hartwell"))


@pytest.mark.parametrize(
    "wanted, who",
    [
        ("Millie", "Amelia Hartwell-Coles"),
        ("amelia", "Amelia Hartwell-Coles"),
        ("AMELIA HARTWELL-COLES", "Amelia Hartwell-Coles"),
        ("Ry", "Ryan Coles"),
        ("ryan", "Ryan Coles"),
        ("  danielle   hartwell ", "Danielle Hartwell"),
        ("Ms Hartwell", "Danielle Hartwell"),
        ("Imran", "Dr Imran Siddiqui"),
        ("imran siddiqui", "Dr Imran Siddiqui"),
    ],
)
def test_recipient_matches_any_name_the_file_uses(tmp_path, wanted, who):
    (one,) = build(tmp_path, base(), recipient=wanted).outputs
    assert one.addressed_to == [who]


def test_recipient_errors_name_people_never_roles(tmp_path):
    with pytest.raises(RenderError) as err:
        build(tmp_path, base(), recipient="Nobody")
    message = err.value.message
    assert "Danielle Hartwell" in message and "Nadia Carvalho" in message
    assert "Domestic Abuse" not in message and "Mother" not in message and "Safe Harbour" not in message
    data = base()
    data["network"].append({"name": "Ryan Hartwell", "relationship": "Uncle"})
    data["meetings"][0]["invitees"].append("Ryan Hartwell")
    with pytest.raises(RenderError, match="more than one person invited to this meeting: Ryan Coles; Ryan Hartwell"):
        build(tmp_path, data, recipient="Ryan")
    with pytest.raises(
        RenderError,
        match="Priya Raman gets no invitation to this meeting: they are the social worker who signs the letters",
    ):
        build(tmp_path, base(), recipient="priya raman")


# --- warnings --------------------------------------------------------------------------------------------------------


def test_reply_by_before_the_letter_or_after_the_meeting_and_a_meeting_already_held(tmp_path):
    data = base()
    assert not any("reply-by" in w for w in build(tmp_path, data).warnings)
    late_letters = build(tmp_path, data, as_of=dt.date(2026, 12, 10)).warnings
    assert any(
        "The reply-by date (Tuesday 8 December 2026) is before the letters' date (Thursday 10 December 2026)" in w
        for w in late_letters
    )
    data["meetings"][0]["reply_by"] = "2027-01-04"
    assert any(
        "The reply-by date (Monday 4 January 2027) is after the meeting (Tuesday 15 December 2026)" in w
        for w in build(tmp_path, data).warnings
    )
    data["meetings"][0]["reply_by"] = "2026-12-08"
    sunday = build(tmp_path, data, as_of=dt.date(2026, 11, 29)).warnings
    assert any("dated Sunday 29 November 2026, a weekend" in w and "--as-of 2026-11-30" in w for w in sunday)
    assert not any("a weekend" in w for w in build(tmp_path, data).warnings)
    held = build(tmp_path, data, as_of=dt.date(2026, 12, 16), meeting="0").warnings
    assert any("already held" in w and "Tuesday 15 December 2026" in w for w in held)
    assert not any("already held" in w for w in build(tmp_path, data).warnings)


def test_school_age_child_in_school_time_is_a_warning(tmp_path):
    data = base()
    assert not any("school time" in w for w in build(tmp_path, data).warnings)  # 4pm
    data["meetings"][0]["time"], data["meetings"][0]["end_time"] = "09:30", "11:00"
    warnings = build(tmp_path, data).warnings
    assert any(
        "Meeting 0 is at 09:30 on Tuesday 15 December 2026, in school time, and Millie (aged 9)" in w for w in warnings
    )
    data["policy"] = "hertfordshire"
    assert any("Hertfordshire 2.2" in w and "outside of school time" in w for w in build(tmp_path, data).warnings)
    data["meetings"][0]["invitees"].remove("Millie")
    assert not any("school time" in w for w in build(tmp_path, data).warnings)
    data["meetings"][0]["invitees"].append("Millie")
    data["child"]["date_of_birth"] = "2023-01-01"  # aged 3: not of school age
    assert not any("school time" in w for w in build(tmp_path, data).warnings)


def test_a_child_not_invited_without_a_recorded_reason_is_a_warning(tmp_path):
    data = base(policy="hertfordshire")
    assert not any("is not invited" in w for w in build(tmp_path, data).warnings)
    data["meetings"][0]["invitees"].remove("Millie")
    warnings = build(tmp_path, data).warnings
    assert any(
        "Millie (aged 9) is not invited to meeting 0" in w
        and "reasons for this should be recorded" in w
        and "child_not_invited_reason" in w
        for w in warnings
    )
    data["meetings"][0]["child_not_invited_reason"] = "Millie chose to give her views by drawing instead."
    assert not any("is not invited" in w for w in build(tmp_path, data).warnings)
    data["child"]["date_of_birth"] = "2023-01-01"
    del data["meetings"][0]["child_not_invited_reason"]
    assert not any("is not invited" in w for w in build(tmp_path, data).warnings)


def test_care_proceedings_without_the_childrens_guardian_is_a_warning(tmp_path):
    data = base(policy="hertfordshire", plan={"care_proceedings": True})
    warnings = build(tmp_path, data).warnings
    assert any("no Children's Guardian is invited" in w and "must be invited" in w for w in warnings)
    data["professionals"].append(
        {"name": "Gill Foster", "role": "Children's Guardian", "agency": "Cafcass", "agency_type": "legal"}
    )
    data["meetings"][0]["invitees"].append("Gill Foster")
    assert not any("Guardian" in w for w in build(tmp_path, data).warnings)
    data["plan"]["care_proceedings"] = False
    data["meetings"][0]["invitees"].remove("Gill Foster")
    assert not any("Guardian" in w for w in build(tmp_path, data).warnings)


# --- another authority's meeting -------------------------------------------------------------------------------------


def transfer_out_case() -> dict:
    data = base()
    data["transfer"] = {
        "direction": "out",
        "receiving_authority": {
            "name": "Borough of Westmere",
            "team": "Children's Services",
            "address_lines": ["Tidemill House", "Westmere"],
            "phone": "01632 960700",
        },
        "receiving_social_worker": {"name": "Ifeoma Chukwu", "role": "Social Worker", "phone": "01632 960701"},
    }
    data["professionals"].append(
        {
            "name": "Ifeoma Chukwu",
            "role": "Social Worker",
            "agency": "Borough of Westmere",
            "agency_type": "social_care",
        }
    )
    data["meetings"][0].update(type="transfer_in", chair="Graham Pollard", bring_for={})
    data["meetings"][0]["invitees"] = ["Danielle Hartwell", "Millie", "Priya Raman", "Ifeoma Chukwu"]
    return data


def test_a_meeting_the_receiving_authority_convenes_is_on_its_letterhead(tmp_path):
    built = build(tmp_path, transfer_out_case())
    letters = by_slug(built)
    assert set(letters) == {"family-1", "child", "professional-1"}  # Ifeoma signs them; Priya is invited
    assert letters["professional-1"].addressed_to == ["Priya Raman"]
    for output in built.outputs:
        docx_t, pdf_t = texts(output)
        assert docx_t.startswith("Borough of Westmere") and pdf_t.startswith("Borough of Westmere")
        for text in (docx_t, pdf_t):
            assert "Ifeoma Chukwu" in text
            if output.reader != "professional":  # Priya's own letter is addressed to her at Hillingdon
                assert "London Borough of Hillingdon" not in text.split("Who has been invited")[0]
    mother = norm(texts(letters["family-1"])[0])
    assert "Yours sincerely, Ifeoma Chukwu" in mother
    assert any("convened by Borough of Westmere" in w for w in built.warnings)


def test_without_the_receiving_authoritys_details_the_command_says_why_not(tmp_path):
    data = transfer_out_case()
    del data["transfer"]["receiving_social_worker"]
    with pytest.raises(RenderError, match="transfer-in CIN meeting of the authority the family has moved to"):
        build(tmp_path, data)
    data["transfer"]["direction"] = "in"  # we receive the family: our own meeting, our letterhead
    assert build(tmp_path, data).outputs


# --- the child's own letter ------------------------------------------------------------------------------------------


def child_letter(tmp_path, age: int, **child_changes):
    data = base()
    born = dt.date(MEETING.year - age, 3, 1)
    data["child"].update(date_of_birth=born.isoformat(), **child_changes)
    built = build(tmp_path, data, recipient="Millie")
    (output,) = built.outputs
    return output, texts(output), built.warnings


@pytest.mark.parametrize(
    "age, band, phrases",
    [
        (
            6,
            "under-8",
            [
                "A meeting about you, Millie",
                "Some grown-ups who help you",
                "Draw a picture",
                "Your grown-up can tell Priya Raman by Tuesday 8 December 2026 if you would like to come.",
                "Afterwards, Priya Raman will tell you what the grown-ups decided.",
                "From",
            ],
        ),
        (
            10,
            "8-12",
            [
                "A meeting about you, Millie",
                "Come to the meeting, or come for part of it.",
                "Draw a picture or write a message",
                "Have an advocate",
                "written down in the notes",
                "Afterwards, Priya Raman will tell you what was decided and why.",
            ],
        ),
        (
            15,
            "13-plus",
            [
                "Millie: your Child in Need meeting",
                "It is your meeting too",
                "Come to the meeting, for all of it or just for part of it.",
                "voice note",
                "Ask for an advocate",
                "written in the record, in your own words",
                "explain why",
                "You can phone, text or email.",
            ],
        ),
    ],
)
def test_child_letter_is_written_for_the_childs_age(tmp_path, age, band, phrases):
    output, (docx_t, pdf_t), _ = child_letter(tmp_path, age)
    assert output.reader == "child" and output.context["letter"]["band"] == band
    assert output.context["doc"]["template"] == "invitation-child"
    for text in (docx_t, pdf_t):
        folded = norm(text)
        assert [p for p in phrases if p not in folded] == []
        assert "Dear Millie," in folded and "Tuesday 15 December 2026, 4pm to 5:15pm" in folded
        assert "What happens to what you say" in folded
        # Not the parents' letter: no childcare, no bring-list, no invitees, no adult purpose or date of birth.
        for absent in (
            "childcare",
            "Holiday plans",
            "Who has been invited",
            "Nadia Carvalho",
            "Safe Harbour",
            "Dr Imran Siddiqui",
            "date of birth",
            "for Amelia",
            "Millie is getting on",
            "What to bring",
            "Yours sincerely",
        ):
            assert absent not in folded, (age, absent)


def test_child_letter_offers_a_non_speaking_child_the_ways_in_the_file(tmp_path):
    ways = ["Show us with your Makaton signs.", "Use your talker to choose symbols."]
    output, (docx_t, pdf_t), warnings = child_letter(
        tmp_path,
        12,
        uses_speech=False,
        ways_to_take_part=ways,
        communication_needs="Does not use speech; give him time",
        adjustments=["Priya will bring picture cards."],
    )
    for text in (docx_t, pdf_t):
        folded = norm(text)
        assert all(w in folded for w in ways) and "Priya will bring picture cards." in folded
        assert "Come to the meeting, or come for part of it." in folded
        assert (
            "Talk to Priya Raman" not in folded
            and "tell Priya Raman" not in folded.replace("know", "")
            and "Draw a picture" not in folded
        )
        assert "Someone who knows you well can let Priya Raman know" in folded
        assert "give him time" not in folded
    assert not any("does not use speech" in w for w in warnings)
    assert "What you show us will be shared" in norm(docx_t) and "What you tell us" not in norm(docx_t)
    _, (docx_t, _), warnings = child_letter(tmp_path, 12, uses_speech=False)
    assert any("does not use speech" in w and "ways_to_take_part" in w for w in warnings)
    assert "Talk to Priya Raman" not in norm(docx_t)


def test_child_letter_adds_the_childs_own_ways_and_bring_list(tmp_path):
    data = base()
    data["child"]["ways_to_take_part"] = ["Send Priya a voice message on Mum's phone."]
    data["meetings"][0]["bring_for"] = {"Millie": ["Your drawing of home"]}
    (output,) = build(tmp_path, data, recipient="Millie").outputs
    for text in texts(output):
        folded = norm(text)
        assert "Send Priya a voice message on Mum's phone." in folded and "Draw a picture" in folded
        assert "You could bring Your drawing of home" in folded or "Your drawing of home" in folded


def test_child_letter_template_uses_only_what_the_context_provides(letters):
    from docxtpl import DocxTemplate

    from cin_docs import resources
    from cin_docs.render.jinja import docx_jinja_environment

    built, _ = letters
    template = DocxTemplate(resources.docx_templates_dir() / "invitation-child.docx")
    undeclared = template.get_undeclared_template_variables(docx_jinja_environment())
    assert undeclared <= set(by_slug(built)["child"].context)


# --- the samples -----------------------------------------------------------------------------------------------------


def test_samples_do_not_promise_a_link_the_letter_does_not_print():
    for path in (ROOT / "samples").glob("*.yaml"):
        assert "link in the letter" not in path.read_text(encoding="utf-8"), path.name
        assert "link sent with this letter" not in path.read_text(encoding="utf-8"), path.name


def test_samples_letters_carry_no_staff_notes(tmp_path):
    """Every sample's next invitations, in both formats: no communication_needs note is printed."""
    for path in sorted((ROOT / "samples").glob("*.yaml")):
        case = api.load(path, {"closures": []})
        notes = [p.get("communication_needs") for p in case.data.get("family", []) + case.data.get("network", [])]
        notes.append(case.data["child"].get("communication_needs"))
        notes = [n for n in notes if n]
        try:
            built = api.build(case, "invitation", Options(as_of=AS_OF))
        except RenderError:
            continue  # no planned meeting with invitees
        for output in built.outputs:
            if output.reader == "professional":
                continue
            docx_t = norm(docx_text(api.render_bytes("invitation", output.context, "docx")))
            for note in notes:
                assert norm(note)[:40] not in docx_t, (path.name, output.name_parts)


def test_golden_snapshots_of_the_childs_and_a_professionals_letter():
    from textutil import assert_golden

    case = api.load(ROOT / "samples" / "hillingdon-mid-plan.yaml", {"closures": []})
    for who, name in (("Millie", "child"), ("Rachel Dunmore", "professional")):
        (output,) = api.build(case, "invitation", Options(as_of=AS_OF, recipient=who)).outputs
        assert_golden(
            f"invitation.hillingdon-mid-plan.{name}", docx_text(api.render_bytes("invitation", output.context, "docx"))
        )

"""Disclosure: nothing the case file withholds from a person reaches a document addressed or sent to them.

Hostile cases are built in code from the transfer-out sample (a father under a restraining order, the family's
protected new address, a domestic-abuse service). Every claim is proven on the text extracted from the files
themselves: Word through python-docx (body, tables and headers/footers) and PDF through pypdf.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import stat
from pathlib import Path

import docx
import pypdf
import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.errors import CaseValidationError, DisclosureError
from cin_docs.packs import transfer as transfer_pack

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "transfer-out.yaml"
AS_OF = dt.date(2026, 11, 23)

WAYNE = "Wayne Harker"
FAMILY = ["Jade Bishop", WAYNE, "Lacey Bishop", "Maureen Bishop", "Kelly Ambrose", "Tyler Bishop"]
#: Withheld from the father in the hostile case: the new address, the grandmother's address (five minutes away),
#: the new school, and an unmarked discussion note that repeats the new address.
FROM_WAYNE = ["27 Halyard Way", "ZZ5 2LG", "ZZ52LG", "8 Capstan Row", "ZZ5 2MA", "Westmere Park School"]
#: A discussion point for professionals only (withhold_from: [family]) and the do-not-send reason.
FROM_FAMILY = ["about 3 miles away", "he must not learn the family's new address"]
#: The domestic-abuse service, which letters may name to Jade only.
DA_SERVICE = ["Safe Harbour", "Nadia Carvalho", "Domestic Abuse Outreach"]


# ---- extracting text, independently of the code under test -----------------------------------------------------


def _docx_lines(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []

    def blocks(container) -> None:
        for paragraph in container.paragraphs:
            lines.append(paragraph.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    blocks(cell)

    blocks(document)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            blocks(part)
    return "\n".join(lines)


def text_of(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".docx":
        raw = _docx_lines(data)
    elif path.suffix == ".pdf":
        raw = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    else:
        raw = data.decode("utf-8")
    return re.sub(r"\s+", " ", raw).casefold()


def leaks(path: Path, needles) -> list[str]:
    text = text_of(path)
    return [n for n in needles if re.sub(r"\s+", " ", n).casefold() in text]


# ---- hostile cases ----------------------------------------------------------------------------------------------


def raw_sample() -> dict:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def restrained_parent_case() -> dict:
    """The father keeps parental responsibility and is not marked do-not-send, but the new address, the
    grandmother's address and the new school are withheld from him; one discussion note repeats the new address
    without being marked; one is for professionals only. He is invited to the next meeting and named on the plan's
    own distribution list."""
    data = raw_sample()
    wayne = next(m for m in data["family"] if m["name"] == WAYNE)
    del wayne["do_not_send"]
    wayne["address_lines"] = ["Flat 2, 40 Ropewalk", "Westmere", "ZZ5 9XQ"]
    data["child"]["school"] = {"text": "Westmere Park School", "withhold_from": [WAYNE]}
    review = next(m for m in data["meetings"] if m["date"] == dt.date(2026, 11, 3))
    review["discussion"].append("Removal van booked to 27 Halyard Way for the morning of the move.")
    planned = next(m for m in data["meetings"] if m["type"] == "transfer_in")
    planned["invitees"].append(WAYNE)
    data["plan"]["distribution"].append("Wayne Harker (father, by post)")
    return data


def write(tmp_path: Path, data: dict, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def render(case, kind: str, out: Path, *, copy_for: str | None = None, formats=api.FORMATS, **options):
    """api.render, paired with the recipients of each output (from the builder) for the proof below."""
    opts = Options(as_of=AS_OF, **options)
    result = api.render(case, kind, opts, formats, out, copy=copy_for)
    outputs = api.build(case, kind, opts).outputs
    if copy_for is not None:
        outputs = api.redacted_copies(case, kind, outputs, copy_for, AS_OF)[0]
    return result, outputs


@pytest.fixture(scope="module")
def restrained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("restrained")
    return api.load(write(tmp, restrained_parent_case()))


def assert_nothing_withheld(path: Path, readers: list[str]) -> None:
    for reader in readers:
        if reader == WAYNE:
            assert leaks(path, FROM_WAYNE + FROM_FAMILY) == [], f"{path.name} reaches {reader}"
        if reader in FAMILY:
            assert leaks(path, FROM_FAMILY) == [], f"{path.name} reaches {reader}"


# ---- the model --------------------------------------------------------------------------------------------------


def test_names_in_withholding_lists_must_be_people_in_the_file(tmp_path):
    data = raw_sample()
    data["child"]["address_withheld_from"] = ["Wayne Harkness"]
    data["meetings"][5]["discussion"][0]["withhold_from"] = ["Wayne", "family"]
    data["professionals"][4]["may_be_named_to"] = ["Jadey"]
    with pytest.raises(CaseValidationError) as caught:
        api.load(write(tmp_path, data))
    paths = [path for path, _ in caught.value.errors]
    assert any(p.startswith("child.address_withheld_from[0]") for p in paths)
    assert any(p.startswith("meetings[5].discussion[0].withhold_from[0]") for p in paths)
    assert any(p.startswith("professionals[4].may_be_named_to[0]") for p in paths)
    assert not any("withhold_from[1]" in p for p in paths)  # 'family' is a word the list may use
    assert all("Not a person in this case file" in message for _, message in caught.value.errors)


def test_a_withheld_item_must_be_written_as_text_and_withhold_from(tmp_path):
    data = raw_sample()
    data["meetings"][5]["discussion"][0] = {"text": "A note", "withhold": ["Wayne Harker"]}
    data["meetings"][5]["decisions"][0] = {"text": "A note", "withhold_from": []}
    with pytest.raises(CaseValidationError) as caught:
        api.load(write(tmp_path, data))
    messages = dict(caught.value.errors)
    assert any(
        k.startswith("meetings[5].discussion[0]") and "'text:' and 'withhold_from:'" in v for k, v in messages.items()
    )
    assert any(k.startswith("meetings[5].decisions[0]") and "at least one name" in v for k, v in messages.items())


def test_professionals_only_sections_are_withheld_from_the_family(tmp_path):
    data = raw_sample()
    data["plan"]["professionals_only"] = ["risks"]
    case = api.load(write(tmp_path, data))
    risk = case.data["plan"]["risks"]["domestic_abuse"]
    assert getattr(risk, "withhold_from", None) == ("family",)
    assert not hasattr(case.data["plan"]["why_in_need"], "withhold_from")
    data["plan"]["professionals_only"] = ["signed_off"]
    with pytest.raises(CaseValidationError, match=r"plan\.professionals_only\[0\]"):
        api.load(write(tmp_path, data))


# ---- the transfer sample (B1): the record no longer reaches the restrained father --------------------------------


def test_transfer_sample_record_leaves_out_the_father_and_the_new_address_never_reaches_him(tmp_path):
    case = api.load(SAMPLE)
    result, outputs = render(case, "review-record", tmp_path)
    assert WAYNE not in outputs[0].addressed_to
    for path in result.paths:
        text = text_of(path)
        distribution = text[text.rindex("distribution") :]
        assert "wayne harker" not in distribution, path.name
        assert "jade bishop" in distribution
    copy_result, _ = render(case, "review-record", tmp_path, copy_for="family")
    for path in copy_result.paths:
        if path.suffix != ".txt":
            assert_nothing_withheld(path, FAMILY)


def test_no_letter_for_a_person_marked_do_not_send(tmp_path):
    data = raw_sample()
    planned = next(m for m in data["meetings"] if m["type"] == "transfer_in")
    planned["invitees"].append(WAYNE)
    case = api.load(write(tmp_path, data))
    result, outputs = render(case, "invitation", tmp_path / "out", formats=("docx",))
    assert all(WAYNE not in o.addressed_to for o in outputs)
    assert any(
        w.startswith("No invitation for")
        and "Wayne Harker (marked 'do not send' in the case file (family[1].do_not_send))" in w
        for w in result.warnings
    )
    assert all("restraining" not in w.casefold() for w in result.warnings)  # the reason stays out of the terminal
    for path in result.paths:
        assert leaks(path, [WAYNE]) == [], path.name  # and no other letter names him as invited
    with pytest.raises(
        Exception,
        match=r"Wayne Harker gets no invitation to this meeting: they are marked 'do not "
        r"send' in the case file \(family\[1\]\.do_not_send\)",
    ):
        render(case, "invitation", tmp_path / "other", recipient=WAYNE)
    assert not (tmp_path / "other").exists()


# ---- the restrained parent with parental responsibility -----------------------------------------------------------


def test_plan_naming_him_on_its_own_list_stops_with_the_item_and_person_and_writes_nothing(restrained, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["render", "plan", str(restrained.path), "--as-of", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The Child in Need Plan was not produced: the disclosure check found")
    assert (
        "child.address_lines: The child's address is withheld from Wayne Harker but appears in this document"
        in result.stderr
    )
    assert "child.school: This item is withheld from Wayne Harker but appears" in result.stderr
    assert "Nothing was written" in result.stderr and "--allow-disclosure" in result.stderr
    assert "27 Halyard" not in result.stderr and "Westmere Park" not in result.stderr  # paths, never content
    assert "Traceback" not in result.output
    assert not out.exists()


def test_allow_disclosure_writes_the_plan_with_a_visible_warning_line_in_both_formats(restrained, tmp_path):
    result, _ = render(restrained, "plan", tmp_path, allow_disclosure=True)
    assert sorted(p.suffix for p in result.paths) == [".docx", ".pdf"]
    for path in result.paths:
        text = text_of(path)
        assert "warning: produced with --allow-disclosure" in text, path.name
        assert "child.address_lines" in text and "child.school" in text
    assert any("produced with --allow-disclosure" in w for w in result.warnings)
    assert any(w.startswith("child.address_lines:") for w in result.warnings)


def test_record_sends_him_the_redacted_copy_and_the_full_record_is_not_addressed_to_him(restrained, tmp_path):
    result, outputs = render(restrained, "review-record", tmp_path)
    assert WAYNE not in outputs[0].addressed_to
    assert "Jade Bishop" not in outputs[0].addressed_to  # a professionals-only note is withheld from her too
    for path in result.paths:
        text = text_of(path)
        distribution = text[text.rindex("distribution") :]
        assert "wayne harker father parent with parental responsibility; gets the family copy" in distribution
    # The unmarked discussion note with the new address is found by its address, and the school by its name.
    copy_result, copies = render(restrained, "review-record", tmp_path, copy_for="family")
    assert WAYNE in copies[0].addressed_to and copies[0].reader == "family"
    documents = [p for p in copy_result.paths if p.suffix != ".txt"]
    assert sorted(p.suffix for p in documents) == [".docx", ".pdf"]
    for path in documents:
        assert_nothing_withheld(path, FAMILY)
        text = text_of(path)
        assert "[withheld]" in text
        assert "copy for the family: information the case file withholds" in text
        assert "removal van booked to [withheld] for the morning of the move" in text
        assert "redaction log" not in text  # the log is beside the copy, never in it


@pytest.mark.parametrize("kind", ["plan", "case-summary"])
def test_family_copies_of_the_plan_and_case_summary_hold_nothing_withheld_from_anyone_in_the_family(
    restrained, tmp_path, kind
):
    result, copies = render(restrained, kind, tmp_path, copy_for="family")
    assert WAYNE in copies[0].addressed_to
    documents = [p for p in result.paths if p.suffix != ".txt"]
    assert sorted(p.suffix for p in documents) == [".docx", ".pdf"]
    for path in documents:
        assert_nothing_withheld(path, FAMILY)
        assert "[withheld]" in text_of(path)
    # Professionals may see what is withheld only from the family: their copy keeps the address.
    result, _ = render(restrained, kind, tmp_path / "prof", copy_for="professional", formats=("docx",))
    assert leaks(result.paths[0], ["27 Halyard Way", "Westmere Park School"]) == [
        "27 Halyard Way",
        "Westmere Park School",
    ]


def test_redaction_log_is_beside_the_copy_owner_only_and_names_paths_not_content(restrained, tmp_path):
    result, _ = render(restrained, "review-record", tmp_path, copy_for="family")
    logs = [p for p in result.paths if p.suffix == ".txt"]
    assert [p.name for p in logs] == ["HIL-2026-0109_review-record_2026-11-03_family-copy_redaction-log.txt"]
    for path in result.paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    log = logs[0].read_text(encoding="utf-8")
    assert "child.school: withheld from Wayne Harker; replaced by [withheld]" in log
    assert "meetings[5].discussion[1]: withheld from the family; replaced by [withheld] in 1 place." in log
    assert "transfer.new_address_lines" in log
    assert leaks(logs[0], FROM_WAYNE + FROM_FAMILY) == []


def test_professional_copy_keeps_family_only_restrictions_but_withholds_from_professionals(tmp_path):
    data = restrained_parent_case()
    data["meetings"][5]["decisions"][1] = {
        "text": data["meetings"][5]["decisions"][1],
        "withhold_from": ["Mr Stephen Ilori"],
    }
    case = api.load(write(tmp_path, data))
    result, _ = render(case, "review-record", tmp_path / "out", copy_for="professional")
    for path in result.paths:
        if path.suffix != ".txt":
            assert leaks(path, ["Transfer pack to go to Westmere by 20 November"]) == []
            assert leaks(path, ["27 Halyard Way"]) == ["27 Halyard Way"]  # withheld from the father only
    with pytest.raises(Exception, match="--copy makes a redacted copy"):
        render(case, "invitation", tmp_path / "x", copy_for="family")


def test_every_letter_reaches_only_what_its_reader_may_see(restrained, tmp_path):
    result, outputs = render(restrained, "invitation", tmp_path)
    pairs = list(zip(outputs, [result.paths[i : i + 2] for i in range(0, len(result.paths), 2)]))
    assert WAYNE in [o.addressed_to[0] for o in outputs]
    for output, paths in pairs:
        for path in paths:
            assert_nothing_withheld(path, output.addressed_to)
            if output.reader in ("family", "child") and output.addressed_to != ["Jade Bishop"]:
                assert leaks(path, DA_SERVICE) == [], path.name


def test_venue_at_a_withheld_address_stops_his_letter(restrained, tmp_path):
    data = restrained_parent_case()
    data["meetings"].append(
        {
            "type": "family_network",
            "date": dt.date(2026, 12, 19),
            "time": "11:00",
            "venue": "Maureen Bishop's home, 8 Capstan Row, Westmere ZZ5 2MA",
            "invitees": ["Jade Bishop", "Maureen Bishop", WAYNE],
        }
    )
    case = api.load(write(tmp_path, data))
    out = tmp_path / "out"
    with pytest.raises(DisclosureError) as caught:
        api.render(case, "invitation", Options(as_of=AS_OF, meeting="2026-12-19"), api.FORMATS, out)
    assert "network[0].address_lines: An address is withheld from Wayne Harker" in caught.value.message
    assert caught.value.message.count("  - ") == 1  # Jade's and Maureen's letters are fine
    assert not out.exists()


def test_family_letters_list_professionals_only_when_the_file_says_and_never_the_da_service_unless_named(tmp_path):
    data = raw_sample()
    data["professionals"][4]["may_be_named_to"] = ["Jade Bishop"]
    planned = next(m for m in data["meetings"] if m["type"] == "transfer_in")
    planned["invitees"] = [n for n in planned["invitees"] if n != "Ms Rebecca Holt"]
    case = api.load(write(tmp_path, data))
    # Word only: which names a letter lists is the same in both formats (proven for every letter above).
    result, outputs = render(case, "invitation", tmp_path / "default", formats=("docx",))
    by_reader = dict(zip((o.addressed_to[0] for o in outputs), ([p] for p in result.paths)))
    for path in by_reader["Jade Bishop"]:
        assert leaks(path, ["Dev Malhotra", "Tenancy Sustainment"]) == []  # no professionals' roles by default
        assert leaks(path, ["Maureen Bishop"]) == ["Maureen Bishop"]
    for path in by_reader["Dev Malhotra"]:
        assert leaks(path, ["Nadia Carvalho", "Dr Lena Kowalczyk"]) == ["Nadia Carvalho", "Dr Lena Kowalczyk"]
        assert leaks(path, ["Maureen Bishop"]) == []  # professionals see the professional list
    data["sharing"] = {"family_letters_list_professionals": True}
    case = api.load(write(tmp_path, data))
    result, outputs = render(case, "invitation", tmp_path / "sharing", formats=("docx",))
    by_reader = dict(zip((o.addressed_to[0] for o in outputs), ([p] for p in result.paths)))
    for path in by_reader["Jade Bishop"]:  # may_be_named_to: [Jade Bishop]
        assert leaks(path, ["Dev Malhotra", "Nadia Carvalho"]) == ["Dev Malhotra", "Nadia Carvalho"]
    for path in by_reader["Maureen Bishop"]:
        assert leaks(path, ["Dev Malhotra"]) == ["Dev Malhotra"]
        assert leaks(path, DA_SERVICE) == [], path.name
    for path in by_reader["Tyler Bishop"]:  # the child's own letter lists nobody
        assert leaks(path, ["Dev Malhotra", *DA_SERVICE]) == [], path.name


def test_da_service_named_in_a_family_letter_stops_it(tmp_path):
    data = raw_sample()
    data["professionals"][4]["may_be_named_to"] = ["Jade Bishop"]
    planned = next(m for m in data["meetings"] if m["type"] == "transfer_in")
    planned["purpose"] = "To agree the plan; Nadia Carvalho will join to talk about safety."
    case = api.load(write(tmp_path, data))
    with pytest.raises(DisclosureError) as caught:
        api.render(case, "invitation", Options(as_of=AS_OF), api.FORMATS, tmp_path / "out")
    message = caught.value.message
    assert "professionals[4]: This domestic-abuse service is withheld from" in message
    assert "withheld from Maureen Bishop but appears" in message
    assert "Jade Bishop" not in message  # Jade is in may_be_named_to
    assert not (tmp_path / "out").exists()


# ---- packs ------------------------------------------------------------------------------------------------------


def test_transfer_pack_runs_the_check(tmp_path):
    data = raw_sample()
    data["transfer"]["risks"] = {"text": data["transfer"]["risks"], "withhold_from": ["Ifeoma Chukwu"]}
    case = api.load(write(tmp_path, data))
    with pytest.raises(DisclosureError, match=r"transfer\.risks: This item is withheld from Ifeoma Chukwu"):
        transfer_pack.build_pack(case, AS_OF)
    built = transfer_pack.build_pack(case, AS_OF, allow_disclosure=True)
    letter = next(p for p in built.parts if p.title == "Notification letter")
    assert "produced with --allow-disclosure" in _docx_lines(letter.docx)
    assert any("produced with --allow-disclosure" in w for w in built.warnings)


def test_withheld_text_survives_a_deep_copy():
    data = copy.deepcopy(api.load(SAMPLE).data)
    note = data["meetings"][5]["discussion"][1]
    assert note.withhold_from == ("family",) and str(note).startswith("Wayne Harker lives")


def test_panel_pack_stops_before_writing_when_a_summary_shows_an_item_withheld_from_the_presenter(tmp_path):
    from cin_docs.packs import panel as panel_pack

    data = yaml.safe_load((ROOT / "samples" / "hertfordshire-panel.yaml").read_text(encoding="utf-8"))
    data["panel"]["progress"] = {"text": data["panel"]["progress"], "withhold_from": [data["panel"]["presenter"]]}
    case = api.load(write(tmp_path, data))
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        cli,
        [
            "pack",
            "panel",
            str(case.path),
            "--panel-date",
            "2026-12-31",
            "--as-of",
            "2026-11-23",
            "--force",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 1
    assert "panel.progress: This item is withheld from Bethany Clough but appears" in result.stderr
    assert not out.exists()
    with pytest.raises(DisclosureError):
        panel_pack.build([case], dt.date(2026, 12, 31), AS_OF, force=True)


# ---- recipient lists (no rendering: what the builders decide) ------------------------------------------------------


def test_generated_plan_distribution_leaves_out_do_not_send_and_sends_redacted_copies(restrained, tmp_path):
    data = restrained_parent_case()
    data["plan"]["distribution"] = []
    output = api.build(api.load(write(tmp_path, data)), "plan", Options(as_of=AS_OF, allow_unsmart=True)).outputs[0]
    lines = output.context["plan"]["distribution"]
    assert "Wayne Harker (Father) – gets the family copy, with withheld items removed" in lines
    assert "Jade Bishop (Mother)" in lines and "Jade Bishop" in output.addressed_to
    assert WAYNE not in output.addressed_to
    assert "Tyler (depending on age and understanding)" in lines
    sample = raw_sample()
    sample["plan"]["distribution"] = []
    output = api.build(api.load(write(tmp_path, sample)), "plan", Options(as_of=AS_OF)).outputs[0]
    assert not any(WAYNE in line for line in output.context["plan"]["distribution"])
    assert (
        "Nadia Carvalho, Domestic Abuse Outreach Worker, Safe Harbour Domestic Abuse Service"
        in output.context["plan"]["distribution"]
    )


def test_a_plans_own_list_is_used_and_the_people_it_names_are_who_it_goes_to(restrained):
    output = api.build(restrained, "plan", Options(as_of=AS_OF)).outputs[0]
    assert output.context["plan"]["distribution"][-1] == "Wayne Harker (father, by post)"
    assert output.addressed_to[:3] == ["Jade Bishop", "Tyler Bishop", "Maureen Bishop"]
    assert WAYNE in output.addressed_to and "Nadia Carvalho" in output.addressed_to


def test_each_letter_lists_the_chair_the_social_worker_and_its_readers_side(restrained):
    outputs = api.build(restrained, "invitation", Options(as_of=AS_OF)).outputs
    lists = {
        o.addressed_to[0]: [(p["name"], p["relationship"]) for p in o.context["meeting"]["invitees"]] for o in outputs
    }
    assert lists["Jade Bishop"] == [
        ("Graham Pollard", "Chair"),
        ("Samuel Oyelaran", "Social worker"),
        ("Maureen Bishop", "Maternal grandmother"),
        ("Tyler Bishop", "Child"),
        (WAYNE, "Father"),
    ]
    assert [n for n, _ in lists["Dev Malhotra"]] == [
        "Graham Pollard",
        "Samuel Oyelaran",
        "Ms Rebecca Holt",
        "Dr Lena Kowalczyk",
        "Nadia Carvalho",
        "Ifeoma Chukwu",
    ]
    assert {o.addressed_to[0]: o.reader for o in outputs}["Tyler Bishop"] == "child"
    assert {o.addressed_to[0]: o.reader for o in outputs}["Ms Rebecca Holt"] == "professional"


# ---- the check's parts --------------------------------------------------------------------------------------------


def test_address_needles_are_the_identifying_lines_and_the_postcode_without_its_space():
    from cin_docs.checks.disclosure import _address_needles

    assert _address_needles(["27 Halyard Way", "Westmere", "ZZ5 2LG"]) == ("27 halyard way", "zz5 2lg", "zz52lg")
    assert _address_needles(["Rose Cottage", "Little Snoring"]) == ("rose cottage",)
    assert _address_needles(["Flat 3", "Westmere"]) == ("flat 3",)
    assert _address_needles(["No 9", "Westmere"]) == ("no 9",)
    assert _address_needles(["9", "Westmere"]) == ()  # too short to identify anything
    assert _address_needles([]) == ()


def test_domestic_abuse_service_from_the_words_unless_the_file_says():
    from cin_docs.checks.disclosure import is_domestic_abuse_service as da

    assert da({"role": "Outreach Worker", "agency": "Safe Harbour Domestic Abuse Service"})
    assert da({"role": "IDVA", "agency": "Victim Support"})
    assert da({"role": "Support worker", "agency": "Westmere Women's Refuge"})
    assert not da({"role": "School Nurse", "agency": "Community Health"})
    assert not da({"role": "IDVA", "agency": "Victim Support", "domestic_abuse_service": False})
    assert da({"role": "Family Support", "agency": "Hope Project", "domestic_abuse_service": True})


def test_group_words_mean_the_family_with_the_child_and_the_professionals():
    from cin_docs.checks.disclosure import _people, expand

    case = api.load(SAMPLE)
    everyone = _people(case)
    family = expand(everyone, ["family"])
    assert {"jade bishop", "wayne harker", "maureen bishop", "tyler bishop"} <= family
    assert "nadia carvalho" not in family and "samuel oyelaran" not in family
    professionals = expand(everyone, ["professionals"])
    assert "nadia carvalho" in professionals and "jade bishop" not in professionals
    assert expand(everyone, ["Tyler", "tyler bishop", "Nobody Known"]) == {"tyler bishop"}


def test_text_of_both_formats_as_the_check_reads_it():
    from cin_docs.checks.disclosure import docx_text, html_text, norm

    html = "<style>p { x: 1 }</style><p>27 Halyard&nbsp;Way<br>Westmere &amp; <b>ZZ5</b> 2LG</p>"
    assert norm(html_text(html)) == "27 halyard way westmere & zz5 2lg"
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Header: 8 Capstan Row"
    document.add_paragraph("first").add_run().add_break()
    document.paragraphs[-1].add_run("second")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "in a table"
    buffer = io.BytesIO()
    document.save(buffer)
    text = norm(docx_text(buffer.getvalue()))
    assert "header: 8 capstan row" in text and "first second" in text and "in a table" in text


def test_redaction_replaces_every_form_of_the_needle_longest_first_and_counts():
    from cin_docs.checks.disclosure import Restriction, redact

    address = Restriction(
        "child.address_lines", "the child's address", ("27 halyard way", "zz5 2lg"), frozenset({"wayne harker"})
    )
    note = Restriction(
        "meetings[5].discussion[0]", "this item", ("moving to 27 halyard way soon",), frozenset({"wayne harker"})
    )
    counts: dict[str, int] = {}
    context = {
        "a": ["Moving to 27 Halyard\n Way soon", "ZZ5 2LG"],
        "b": {"c": "no match", "d": dt.date(2026, 1, 1)},
        "e": ("27 HALYARD WAY",),
    }
    out = redact(context, [address, note], counts)
    assert out == {
        "a": ["[withheld]", "[withheld]"],
        "b": {"c": "no match", "d": dt.date(2026, 1, 1)},
        "e": ("[withheld]",),
    }
    assert counts == {"meetings[5].discussion[0]": 1, "child.address_lines": 2}
    assert context["a"][1] == "ZZ5 2LG"  # the original context is untouched


def test_a_plan_distribution_line_naming_nobody_in_the_file_is_a_warning(tmp_path):
    data = raw_sample()
    data["plan"]["distribution"] += ["Dad (by post)", "The Children's Guardian"]
    built = api.build(api.load(write(tmp_path, data)), "plan", Options(as_of=AS_OF))
    n = len(data["plan"]["distribution"]) - 2
    assert [w for w in built.warnings if "names nobody" in w] == [
        f"plan.distribution[{n}] names nobody in the case file, so the disclosure check cannot tell who it is: "
        "write the person's name as it is in the case file."
    ]


def test_the_domestic_abuse_rule_is_for_letters_a_plan_for_the_family_may_name_the_service():
    case = api.load(SAMPLE)
    plan = api.build(case, "plan", Options(as_of=AS_OF)).outputs[0]
    assert "Tyler Bishop" in plan.addressed_to and "Lacey Bishop" not in plan.addressed_to
    findings, word = api.disclosure_findings(case, "plan", plan)
    assert findings == [] and "Safe Harbour" in _docx_lines(word)
    # The same text in a letter to Tyler would be stopped.
    from cin_docs.checks import disclosure

    found = disclosure.check(case, [_docx_lines(word)], ["Tyler"], "child", letter=True)
    assert [f.path for f in found] == ["professionals[4]"]
    assert disclosure.check(case, [_docx_lines(word)], ["Jade Bishop"], "family", letter=True) == []


def test_allow_disclosure_refuses_an_authority_template_that_does_not_print_the_warning(restrained, tmp_path):
    folder = tmp_path / "templates"
    (folder / "html").mkdir(parents=True)
    (folder / "html" / "plan.html").write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ doc.title }}</title></head>'
        "<body><p>{{ child.full_name }}: {{ child.address_lines|join(', ') }}</p></body></html>",
        encoding="utf-8",
    )
    case = api.Case(restrained.data, restrained.profile, {**restrained.config, "templates": folder})
    with pytest.raises(DisclosureError, match=r"does not print \{\{ disclosure\.warning \}\}"):
        api.render(case, "plan", Options(as_of=AS_OF, allow_disclosure=True), api.FORMATS, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_two_people_with_one_name_are_told_apart_by_their_ids(tmp_path):
    data = raw_sample()
    wayne = next(m for m in data["family"] if m["name"] == WAYNE)
    wayne["id"] = "father-wayne"
    data["family"].append(
        {"id": "uncle-wayne", "name": WAYNE, "relationship": "Paternal uncle", "parental_responsibility": True}
    )
    review = next(m for m in data["meetings"] if m["date"] == dt.date(2026, 11, 3))
    review["discussion"][0]["withhold_from"] = ["father-wayne"]
    case = api.load(write(tmp_path, data))
    output = api.build(case, "review-record", Options(as_of=AS_OF)).outputs[0]
    rows = [(r["name"], r["role"]) for r in output.context["distribution"]]
    assert (WAYNE, "Paternal uncle") in rows and (WAYNE, "Father") not in rows  # only the father is do-not-send
    from cin_docs.checks import disclosure

    note = next(r for r in disclosure.restrictions(case) if r.path == "meetings[5].discussion[0]")
    assert note.withheld_from == {"father-wayne"}


def test_closing_summary_distribution_follows_the_rules(tmp_path):
    data = yaml.safe_load((ROOT / "samples" / "hillingdon-closed.yaml").read_text(encoding="utf-8"))
    (data.get("plan") or {}).pop("distribution", None)
    parent = next(m for m in data["family"] if m.get("parental_responsibility"))
    parent["do_not_send"] = {"reason": "Non-molestation order."}
    case = api.load(write(tmp_path, data))
    output = api.build(case, "closing-summary", Options(as_of=AS_OF)).outputs[0]
    assert parent["name"] not in [row["name"] for row in output.context["distribution"]]
    assert parent["name"] not in output.addressed_to and output.addressed_to


def test_check_reports_what_each_named_document_would_disclose_and_writes_nothing(restrained, tmp_path):
    # The same findings as 'render' stops on, reported by 'cin-docs check --disclosure KIND' before anyone renders.
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "check",
            str(restrained.path),
            "--as-of",
            "2026-11-23",
            "--disclosure",
            "plan",
            "--disclosure",
            "closing-summary",
        ],
    )
    assert result.exit_code == 1
    assert "Disclosure check of the child in need plan for case HIL-2026-0109:" in result.output
    assert "HIL-2026-0109_plan: child.address_lines: The child's address is withheld from Wayne Harker" in result.output
    assert "Not checked:" in result.output  # the case has no closure: said, not a traceback
    assert "27 Halyard" not in result.output and "Westmere Park" not in result.output
    assert "disclosure problem" in result.output
    assert list(tmp_path.iterdir()) == []
    clean = runner.invoke(cli, ["check", str(SAMPLE), "--as-of", "2026-11-23", "--disclosure", "review-record"])
    assert clean.exit_code == 0, clean.output
    assert "No disclosure problems found." in clean.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_several_cases_at_once_run_the_same_check_and_write_nothing(restrained, tmp_path, jobs):
    # 'render KIND CASE... --jobs N' renders through api.render_files, so the check cannot be skipped in a batch.
    out = tmp_path / "out"
    other = ROOT / "samples" / "hillingdon-mid-plan.yaml"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "plan",
            str(other),
            str(restrained.path),
            "--as-of",
            "2026-11-23",
            "--format",
            "docx",
            "--jobs",
            jobs,
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "disclosure check" in result.stderr and "Wayne Harker" in result.stderr
    assert "27 Halyard" not in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_a_pdf_only_render_checks_the_pdfs_text_and_builds_no_word_file(restrained, tmp_path, monkeypatch):
    from cin_docs.render import docx as docx_backend

    calls = []
    real = docx_backend.render_docx
    monkeypatch.setattr(docx_backend, "render_docx", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    with pytest.raises(DisclosureError) as info:
        api.render(restrained, "plan", Options(as_of=AS_OF), ("pdf",), tmp_path / "out")
    assert "child.address_lines: The child's address is withheld from Wayne Harker" in str(info.value)
    assert "child.school: This item is withheld from Wayne Harker" in str(info.value)
    assert not (tmp_path / "out").exists() and calls == []

    # An authority's PDF layout that leaves the withheld items out may be written as a PDF; its Word file (the
    # built-in layout, which shows them) may not: the check reads exactly what each run will write.
    folder = tmp_path / "templates"
    (folder / "html").mkdir(parents=True)
    (folder / "html" / "plan.html").write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ doc.title }}</title></head>'
        "<body><h1>{{ doc.title }}</h1><p>{{ child.full_name }}</p>"
        "<p>{{ disclosure.warning if disclosure.warning else '' }}</p></body></html>",
        encoding="utf-8",
    )
    case = api.Case(restrained.data, restrained.profile, {**restrained.config, "templates": folder})
    result = api.render(case, "plan", Options(as_of=AS_OF), ("pdf",), tmp_path / "pdf")
    assert [p.suffix for p in result.paths] == [".pdf"] and calls == []
    text = text_of(result.paths[0])
    assert "Westmere Park" not in text and "27 Halyard" not in text
    with pytest.raises(DisclosureError, match="child.address_lines"):
        api.render(case, "plan", Options(as_of=AS_OF), ("docx",), tmp_path / "docx")
    assert not (tmp_path / "docx").exists()

"""The disclosure check's parts, called directly on one small hostile case (no rendering, so the file stays fast and
can run under `make mutation`): what the case file withholds and from whom, what counts as a finding for each reader,
the messages (the item's path and the person, never the content), the redacted copies and their log.

The case, built below and loaded through cin_docs.api.load like any case file: Tyler's father Wayne is marked do not
send, and Tyler's address (also the family's new address), his school and his grandmother's address are withheld from
Wayne; his mother's address is withheld from Wayne and the family; a school's address from the professionals; two
domestic-abuse services may be named to some of the family only, and a third (an IDVA) to the whole family. An aunt
and one of the services are marked do not send too.
"""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
import yaml
from docx.oxml import OxmlElement

from cin_docs import api
from cin_docs.checks import disclosure as d
from cin_docs.checks.disclosure import Restriction
from cin_docs.smart import ERROR, Finding

CASE = """
case_id: HIL-2026-0042
policy: hillingdon
child:
  first_name: Tyler
  last_name: Bishop
  preferred_name: Ty
  date_of_birth: 2015-03-19
  address_lines: [27 Halyard Way, Westmere, ZZ5 2LG]
  address_withheld_from: [Wayne Harker]
  school: {text: Westmere Park School, withhold_from: [Wayne Harker]}
support: cin
social_worker: {name: Samuel Oyelaran}
family:
  - name: Jade Bishop
    relationship: Mother
    address_lines: [Rose Cottage, Westmere]
    address_withheld_from: [wayne harker, Family]
  - name: Wayne Harker
    relationship: Father
    do_not_send: {reason: Restraining order until 2028.}
network:
  - name: Maureen Bishop
    relationship: Maternal grandmother
    address_lines: [8 Capstan Row, Westmere, ZZ5 2MA]
    address_withheld_from: [Wayne Harker]
  - name: Kelly Ambrose
    relationship: Maternal aunt
    address_lines: ["9", Westmere]
    address_withheld_from: [Wayne Harker]
    do_not_send: {reason: Asked not to be contacted.}
professionals:
  - name: Nadia Carvalho
    role: Outreach Worker
    agency: Safe Harbour Domestic Abuse Service
    may_be_named_to: [Jade Bishop]
  - name: Ms Rebecca Holt
    role: Designated Safeguarding Lead
    agency: Westmere Park School
    address_lines: [Unit 9, Bell Lane]
    address_withheld_from: [professionals]
  - name: Bo Li
    role: IDVA
    agency: Hope
    address_lines: [12 Mill Road]
    may_be_named_to: [family]
  - name: Jo Wu
    role: IDVA
    agency: Aid
    may_be_named_to: [Jade Bishop, Maureen Bishop]
    do_not_send: {reason: Left the service.}
transfer:
  direction: out
  receiving_authority: {name: Borough of Westmere}
  new_address_lines: [27 Halyard Way, Westmere, ZZ5 2LG]
  new_address_withheld_from: [Wayne Harker]
"""

FAMILY = frozenset({"jade bishop", "wayne harker", "tyler bishop", "maureen bishop", "kelly ambrose"})
HALYARD = ("27 halyard way", "zz5 2lg", "zz52lg")


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    path = tmp_path_factory.mktemp("disclosure") / "case.yaml"
    path.write_text(CASE, encoding="utf-8")
    return api.load(path)


@pytest.fixture(scope="module")
def everyone(case):
    return d._people(case)


def load(tmp_path, change) -> api.Case:
    data = yaml.safe_load(CASE)
    change(data)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return api.load(path)


# ---- who is who ---------------------------------------------------------------------------------------------------


def test_norm_folds_case_and_whitespace():
    assert d.norm("  27 Halyard\n\t WAY  ") == "27 halyard way"
    assert d.norm(42) == "42"


def test_a_person_is_known_by_their_id_else_their_name():
    assert d.key_of({"id": "Father-Wayne", "name": "Wayne Harker"}) == "father-wayne"
    assert d.key_of({"id": None, "name": "Wayne Harker"}) == "wayne harker"
    assert d.key_of({"name": "Wayne Harker"}) == "wayne harker"


def test_person_paths_say_where_each_person_is_in_the_file(case):
    assert d.person_paths(case) == {
        "jade bishop": "family[0]",
        "wayne harker": "family[1]",
        "maureen bishop": "network[0]",
        "kelly ambrose": "network[1]",
        "nadia carvalho": "professionals[0]",
        "ms rebecca holt": "professionals[1]",
        "bo li": "professionals[2]",
        "jo wu": "professionals[3]",
    }


def test_any_name_the_file_uses_finds_the_person(everyone):
    assert d.canonical(everyone, " TY ") == "tyler bishop"
    assert d.canonical(everyone, "Tyler") == "tyler bishop"
    assert d.canonical(everyone, "Samuel Oyelaran") == "samuel oyelaran"
    assert d.canonical(everyone, "Dad (by post)") is None


def test_group_words_mean_the_family_with_the_child_and_the_professionals_without_the_workers(everyone):
    assert d.group_members(everyone, d.FAMILY_GROUPS) == FAMILY
    assert d.expand(everyone, ["Family "]) == FAMILY
    assert d.expand(everyone, [" Professionals"]) == {"nadia carvalho", "ms rebecca holt", "bo li", "jo wu"}
    assert d.expand(everyone, ["ty", "Wayne Harker", "Nobody Known"]) == {"tyler bishop", "wayne harker"}
    assert d.expand(everyone, []) == frozenset()
    # A group word adds its people to the names before it.
    assert d.expand(everyone, ["Samuel Oyelaran", "family"]) == FAMILY | {"samuel oyelaran"}
    assert d.expand(everyone, ["Jade Bishop", "professionals"]) == {
        "jade bishop",
        "nadia carvalho",
        "ms rebecca holt",
        "bo li",
        "jo wu",
    }


def test_a_withhold_list_in_words(everyone):
    assert d.describe(everyone, ["wayne harker"]) == "Wayne Harker"
    assert d.describe(everyone, ["Ty", "Family", "Nobody Known", "Tyler Bishop", "PROFESSIONALS"]) == (
        "Tyler Bishop, the family, Nobody Known and the professionals"
    )
    assert d._names(["A", "B"]) == "A and B"


def test_do_not_send_lists_everyone_marked_in_any_group(case):
    blocked = d.do_not_send(case)
    assert sorted(blocked) == ["jo wu", "kelly ambrose", "wayne harker"]
    assert blocked["wayne harker"]["relationship"] == "Father"


def test_domestic_abuse_service_from_the_words_in_role_or_agency_unless_the_file_says():
    da = d.is_domestic_abuse_service
    assert da({"role": "Outreach", "agency": "Hillside Domestic Violence Project"})
    assert da({"role": "MARAC coordinator", "agency": None})
    assert da({"role": None, "agency": "IDVAS North"})
    assert not da({"role": "Caseworker", "agency": "Refugee Council"})  # a refuge, not a refugee service
    assert not da({"role": "Domestic abuse lead", "agency": "Police", "domestic_abuse_service": False})
    assert da({"role": "Youth worker", "agency": "Hope Project", "domestic_abuse_service": True})
    assert not da({})


def test_address_needles_are_the_identifying_lines_and_the_postcode_without_its_space():
    needles = d._address_needles
    assert needles(["27  Halyard Way", "Westmere", "zz5 2lg"]) == HALYARD
    assert needles(["Flat 3", "ZZ52LG"]) == ("flat 3", "zz52lg")
    assert needles(["", "Rose Cottage", "Little Snoring"]) == ("rose cottage",)
    assert needles(["No 9", "Westmere"]) == ("no 9",)  # four characters: enough
    assert needles(["9 A", "Westmere"]) == ()  # three: too short to identify anything
    assert needles(["Flat 3", "flat  3"]) == ("flat 3",)
    assert needles(None) == ()


# ---- what is withheld ---------------------------------------------------------------------------------------------


def test_restrictions_are_every_withheld_thing_with_the_people_it_is_withheld_from(case):
    wayne = frozenset({"wayne harker"})
    professionals = frozenset({"nadia carvalho", "ms rebecca holt", "bo li", "jo wu"})
    assert d.restrictions(case) == [
        Restriction("child.address_lines", "the child's address", HALYARD, wayne, described="Wayne Harker"),
        Restriction(
            "family[0].address_lines", "an address", ("rose cottage",), FAMILY, described="Wayne Harker and the family"
        ),
        Restriction(
            "network[0].address_lines",
            "an address",
            ("8 capstan row", "zz5 2ma", "zz52ma"),
            wayne,
            described="Wayne Harker",
        ),
        # Kelly's address ("9") identifies nothing; Bo Li's is withheld from nobody.
        Restriction(
            "professionals[1].address_lines", "an address", ("unit 9",), professionals, described="the professionals"
        ),
        Restriction("transfer.new_address_lines", "the new address", HALYARD, wayne, described="Wayne Harker"),
        Restriction("child.school", "this item", ("westmere park school",), wayne, described="Wayne Harker"),
        Restriction(
            "family[1].do_not_send.reason",
            "this item",
            ("restraining order until 2028.",),
            FAMILY,
            described="the family",
        ),
        Restriction(
            "network[1].do_not_send.reason",
            "this item",
            ("asked not to be contacted.",),
            FAMILY,
            described="the family",
        ),
        Restriction(
            "professionals[3].do_not_send.reason", "this item", ("left the service.",), FAMILY, described="the family"
        ),
        # Named to Jade only; the role says nothing about domestic abuse, so it is no needle.
        Restriction(
            "professionals[0]",
            "this domestic-abuse service",
            ("nadia carvalho", "safe harbour domestic abuse service"),
            FAMILY - {"jade bishop"},
            letters_only=True,
            described="the family (except those in may_be_named_to)",
        ),
        # Bo Li may be named to the whole family: no restriction. Jo Wu's role is a needle, the agency too short.
        Restriction(
            "professionals[3]",
            "this domestic-abuse service",
            ("jo wu", "idva"),
            FAMILY - {"jade bishop", "maureen bishop"},
            letters_only=True,
            described="the family (except those in may_be_named_to)",
        ),
    ]


def test_a_case_that_withholds_nothing_has_no_restrictions(tmp_path):
    def change(data):
        data["child"].pop("address_withheld_from")
        # Withheld from the professionals, in a case that has none: withheld from nobody.
        data["child"]["school"]["withhold_from"] = ["professionals"]
        for group in ("family", "network"):
            for person in data[group]:
                person.pop("address_withheld_from", None)
                person.pop("do_not_send", None)
        data["professionals"] = []
        del data["transfer"]  # no move: no new address

    assert d.restrictions(load(tmp_path, change)) == []


def test_a_domestic_abuse_service_named_to_the_whole_family_is_no_restriction(tmp_path):
    def change(data):
        data["professionals"] = [{**data["professionals"][0], "may_be_named_to": ["family"]}]

    assert [r.path for r in d.restrictions(load(tmp_path, change)) if r.letters_only] == []


def test_professionals_only_sections_are_restrictions_for_the_family(tmp_path):
    def change(data):
        data["plan"] = {
            "start": dt.date(2026, 6, 1),
            "why_in_need": "Tyler's mother needs help with housing.",
            "risks": {"other": "The family may lose their tenancy at Rose Court."},
            "professionals_only": ["risks"],
        }

    found = [r for r in d.restrictions(load(tmp_path, change)) if r.path.startswith("plan")]
    assert [(r.path, r.needles, r.withheld_from, r.described) for r in found] == [
        ("plan.risks.other", ("the family may lose their tenancy at rose court.",), FAMILY, "the family")
    ]


def test_context_text_is_every_string_in_the_context_normalised():
    context = {"a": ["Rose\n Cottage", ("ZZ5 2LG", 3)], "b": {"c": "Westmere"}, "d": None, "e": dt.date(2026, 1, 1)}
    assert d.context_text(context) == "rose cottage\nzz5 2lg\nwestmere"
    assert d.context_text("Only Text") == "only text"


def test_withheld_in_says_whether_a_reader_needs_the_redacted_copy(case):
    people = d._people(case)
    wayne, jade, kelly = people["wayne harker"], people["jade bishop"], people["kelly ambrose"]
    assert d.withheld_in(case, wayne, "lives at 27 halyard way")
    assert not d.withheld_in(case, jade, "lives at 27 halyard way")
    assert not d.withheld_in(case, wayne, "lives in westmere")
    assert d.withheld_in(case, jade, "visited at rose cottage")
    # The domestic-abuse service rule is for letters: it never asks for a copy.
    assert not d.withheld_in(case, kelly, "nadia carvalho attended")


# ---- the text each format shows ----------------------------------------------------------------------------------


def test_html_text_is_what_the_reader_sees():
    html = (
        "<style>p { x: 1 }</style><SCRIPT type='x'>var a = 1;\n</script>"
        "<p>27 Halyard&nbsp;Way<br>Westmere &amp; <b>ZZ5</b> 2LG</p>"
    )
    assert d.html_text(html) == "   27 Halyard\xa0Way Westmere &  ZZ5  2LG "


def test_docx_text_reads_body_tables_headers_and_footers_one_paragraph_a_line():
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Header: 8 Capstan Row"
    section.footer.paragraphs[0].text = "Footer: Rose Cottage"
    paragraph = document.add_paragraph("first")
    paragraph.add_run().add_break()
    paragraph.add_run("second")
    paragraph.add_run().add_tab()
    paragraph.add_run("third")
    paragraph.add_run()._r.append(OxmlElement("w:cr"))  # a carriage return, as Word writes some line breaks
    paragraph.add_run("fourth")._r.append(OxmlElement("w:t"))  # an empty text element shows nothing
    document.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].text = "in a table"
    buffer = io.BytesIO()
    document.save(buffer)
    lines = d.docx_text(buffer.getvalue()).split("\n")
    assert sorted(lines) == ["Footer: Rose Cottage", "Header: 8 Capstan Row", "first second third fourth", "in a table"]


# ---- the check ---------------------------------------------------------------------------------------------------


def withheld(what: str, path: str, who: str, each: bool = False) -> Finding:
    to = "each of them." if each else "them."
    return Finding(
        ERROR,
        path,
        f"{what} is withheld from {who} but appears in this document, which is addressed or distributed to {to}",
    )


def test_a_document_addressed_to_a_person_marked_do_not_send_is_stopped(case):
    readers = ["Jade Bishop", "wayne harker", "Kelly Ambrose", "Jo Wu"]
    assert d.check(case, ["Nothing withheld here."], readers, "family") == [
        Finding(
            ERROR,
            "family[1].do_not_send",
            "Wayne Harker is marked 'do not send' in the case file, but this document is addressed or distributed "
            "to them.",
        ),
        Finding(
            ERROR,
            "network[1].do_not_send",
            "Kelly Ambrose is marked 'do not send' in the case file, but this document is addressed or distributed "
            "to them.",
        ),
        Finding(
            ERROR,
            "professionals[3].do_not_send",
            "Jo Wu is marked 'do not send' in the case file, but this document is addressed or distributed to them.",
        ),
    ]


def test_a_finding_names_the_path_and_the_person_never_the_content(case):
    found = d.check(case, ["Tyler lives at 27 Halyard\n Way now."], ["WAYNE HARKER", "Jade Bishop"], "family")
    assert found[1:] == [
        withheld("The child's address", "child.address_lines", "Wayne Harker"),
        withheld("The new address", "transfer.new_address_lines", "Wayne Harker"),
    ]
    assert all("halyard" not in f.message.casefold() for f in found)


def test_a_finding_names_every_reader_it_is_withheld_from_once(case):
    readers = ["Jade Bishop", "Maureen Bishop", "Ty", "Tyler", "Ms Rebecca Holt"]
    found = d.check(case, ["", "Seen at ROSE COTTAGE."], readers, None)
    assert found == [
        withheld("An address", "family[0].address_lines", "Jade Bishop, Maureen Bishop and Tyler Bishop", each=True)
    ]


def test_nothing_is_found_when_the_text_or_the_reader_does_not_match(case):
    assert d.check(case, ["Lives in Westmere."], ["Jade Bishop"], "family") == []
    assert d.check(case, ["27 Halyard Way, Westmere Park School"], ["Jade Bishop", "Dad (by post)"], "family") == []
    assert d.check(case, ["Unit 9, Bell Lane"], ["Bo Li"], "professional") == [
        withheld("An address", "professionals[1].address_lines", "Bo Li")
    ]


def test_the_domestic_abuse_service_rule_applies_to_letters_to_the_family_and_the_child_only(case):
    text = ["Nadia Carvalho will talk about safety."]
    service = withheld("This domestic-abuse service", "professionals[0]", "Tyler Bishop")
    assert d.check(case, text, ["Tyler"], "child", letter=True) == [service]
    assert d.check(case, text, ["Tyler"], "family", letter=True) == [service]
    assert d.check(case, text, ["Tyler"], "child") == []  # not a letter: a plan may name the service
    assert d.check(case, text, ["Tyler"], "professional", letter=True) == []
    assert d.check(case, text, ["Jade Bishop"], "family", letter=True) == []  # may_be_named_to


def test_the_check_uses_the_restrictions_it_is_given(case):
    text = ["27 Halyard Way, with Nadia Carvalho"]
    given = [r for r in d.restrictions(case) if r.path in ("professionals[0]", "child.address_lines")]
    assert [r.letters_only for r in given] == [False, True]
    # A letters-only restriction does not end the check of a plan, wherever it is in the list.
    for found in (given, given[::-1]):
        assert d.check(case, text, ["Wayne Harker"], "family", found=found)[1:] == [
            withheld("The child's address", "child.address_lines", "Wayne Harker")
        ]
    assert d.check(case, text, ["Wayne Harker"], "family", found=[])[1:] == []


def test_the_allow_disclosure_warning_line_lists_each_path_once():
    findings = [
        Finding(ERROR, "child.address_lines", "x"),
        Finding(ERROR, "child.school", "y"),
        Finding(ERROR, "child.address_lines", "z"),
    ]
    assert d.warning_line(findings) == (
        "Warning: produced with --allow-disclosure. This document contains information the case file withholds "
        "from someone it is addressed or distributed to (in the case file: child.address_lines, child.school). "
        "Check it before sending."
    )


# ---- redacted copies ---------------------------------------------------------------------------------------------


def test_a_family_copy_leaves_out_what_is_withheld_from_anyone_in_the_family(case):
    applying, names = d.copy_restrictions(case, "family")
    assert [r.path for r in applying] == [
        "child.address_lines",
        "family[0].address_lines",
        "network[0].address_lines",
        "transfer.new_address_lines",
        "child.school",
        "family[1].do_not_send.reason",
        "network[1].do_not_send.reason",
        "professionals[3].do_not_send.reason",
    ]
    assert names == ["Jade Bishop", "Maureen Bishop", "Tyler Bishop"]  # not Wayne or Kelly: do not send


def test_a_professional_copy_leaves_out_only_what_is_withheld_from_professionals(case):
    applying, names = d.copy_restrictions(case, "professional")
    assert [r.path for r in applying] == ["professionals[1].address_lines"]
    assert names == ["Bo Li", "Ms Rebecca Holt", "Nadia Carvalho", "Samuel Oyelaran"]


def test_redaction_replaces_every_form_of_the_needle_longest_first_and_counts():
    address = Restriction("child.address_lines", "the child's address", ("27 halyard way", "zz5 2lg"), FAMILY)
    note = Restriction("meetings[5].discussion[0]", "this item", ("moving to 27 halyard way soon",), FAMILY)
    school = Restriction("child.school", "this item", ("park school",), FAMILY)
    counts: dict[str, int] = {"child.school": 4}
    context = {
        "a": ["Moving to 27 Halyard\n Way soon", "ZZ5 2LG, ZZ5  2lg"],
        "b": {"c": "no match", "d": dt.date(2026, 1, 1)},
        "e": ("27 HALYARD WAY", 7),
        "f": "Westmere Park School",
    }
    out = d.redact(context, [address, note, school], counts)
    assert out == {
        "a": ["[withheld]", "[withheld], [withheld]"],
        "b": {"c": "no match", "d": dt.date(2026, 1, 1)},
        "e": ("[withheld]", 7),
        "f": "Westmere [withheld]",
    }
    assert isinstance(out["e"], tuple)
    assert counts == {"meetings[5].discussion[0]": 1, "child.address_lines": 3, "child.school": 5}
    assert context["a"][1] == "ZZ5 2LG, ZZ5  2lg"  # the original context is untouched


def test_a_longer_needle_of_one_restriction_is_replaced_before_its_shorter_ones():
    school = Restriction("child.school", "this item", ("park", "park school"), FAMILY)
    counts: dict[str, int] = {}
    assert d.redact(["Westmere Park School, the park"], [school], counts) == ["Westmere [withheld], the [withheld]"]
    assert counts == {"child.school": 2}


def test_flexible_needles_allow_any_whitespace_between_words_only():
    import re

    pattern = re.compile(d._flexible("27 halyard way"))
    assert pattern.fullmatch("27 halyard\n\t way")
    assert not pattern.fullmatch("27halyard way")


def test_the_redaction_log_names_paths_and_readers_never_the_content(case):
    applying, _ = d.copy_restrictions(case, "family")
    counts = {"child.address_lines": 2, "child.school": 1}
    log = d.redaction_log(case, "the plan", "family", applying[:2] + applying[4:5], counts, dt.date(2026, 11, 23))
    assert log == (
        "Redaction log for the plan\n"
        "Case HIL-2026-0042; copy for the family (family, network and the child); produced Monday 23 November 2026.\n"
        "Keep this log with the case record. Do not send it with the copy.\n"
        "\n"
        "- child.address_lines: withheld from Wayne Harker; replaced by [withheld] in 2 places.\n"
        "- family[0].address_lines: withheld from Wayne Harker and the family; not in this document.\n"
        "- child.school: withheld from Wayne Harker; replaced by [withheld] in 1 place.\n"
    )
    empty = d.redaction_log(case, "the plan", "professional", [], {}, "2026-11-23")
    assert empty.splitlines()[1] == "Case HIL-2026-0042; copy for professionals; produced Monday 23 November 2026."
    assert empty.endswith(
        "\n\nNothing in the case file is withheld from these readers: the copy is the full document.\n"
    )

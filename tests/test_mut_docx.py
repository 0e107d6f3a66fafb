"""The Word backend's parts (cin_docs/render/docx.py), called directly on small inputs: text Word can store, the
context copy the templates see, the document properties, and the reproducible package (the same bytes on any machine
and any day, owner-only when unpacked). No PDF, and no template but python-docx's blank document.
"""

from __future__ import annotations

import datetime as dt
import io
import types
import zipfile

import docx
import pytest
from docxtpl import Listing

from cin_docs.errors import RenderError
from cin_docs.render import docx as backend


def test_text_word_can_store_has_line_feeds_only_and_no_control_characters():
    assert backend._xml_text("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"
    assert backend._xml_text("a\x00b\x08c\x0bd\x0ce\x1ff\tg\x7f") == "abcdef\tg\x7f"
    assert backend._xml_text(12) == "12"


def test_the_context_copy_turns_line_breaks_into_listings_and_keeps_every_container():
    when = dt.date(2026, 11, 16)
    context = types.MappingProxyType(
        {"notes": "first\r\nsecond", "pair": ("a\x0c", "b\rc"), "items": ["x\ny", when], "n": None}
    )
    converted = backend.docx_context(context)
    assert isinstance(converted, dict)
    notes = converted["notes"]
    assert isinstance(notes, Listing) and notes.xml == "first\nsecond"
    first, second = converted["pair"]
    assert isinstance(converted["pair"], tuple) and first == "a" and isinstance(second, Listing)
    assert isinstance(converted["items"], list) and isinstance(converted["items"][0], Listing)
    assert converted["items"][1] is when and converted["n"] is None


def test_properties_are_the_documents_own_and_dated_from_the_case():
    document = docx.Document()
    produced = dt.datetime(2026, 11, 16, tzinfo=dt.UTC)
    context = {"doc": {"title": "Plan\x0c for A & B"}, "authority": {"name": "Hillingdon\x07"}}
    backend._set_core_properties(document, context, produced)
    props = document.core_properties
    assert (props.title, props.author, props.last_modified_by) == ("Plan for A & B", "Hillingdon", "Hillingdon")
    assert (props.language, props.revision, props.comments) == ("en-GB", 1, "")
    assert props.created == props.modified == produced


def test_properties_without_an_authority_or_title_are_empty_and_own_comments_are_kept():
    document = docx.Document()
    document.core_properties.comments = "Made by Westmere's template"
    document.core_properties.revision = 7
    backend._set_core_properties(document, {"doc": {}, "authority": "not a mapping"}, dt.datetime(2026, 1, 2))
    props = document.core_properties
    assert (props.title, props.author, props.last_modified_by) == ("", "", "")
    assert props.comments == "Made by Westmere's template" and props.revision == 1


def test_the_produced_date_is_the_documents_at_midnight_utc_never_the_clock():
    assert backend._produced_datetime({"doc": {"produced": dt.date(2026, 11, 16)}}) == dt.datetime(
        2026, 11, 16, tzinfo=dt.UTC
    )
    assert backend._produced_datetime({"doc": {"produced": dt.datetime(2026, 11, 16, 15, 30)}}) == dt.datetime(
        2026, 11, 16, tzinfo=dt.UTC
    )
    with pytest.raises(RenderError, match="DOCX cannot be dated reproducibly"):
        backend._produced_datetime({"doc": {}})


def package(members: dict[str, bytes], when=(2031, 5, 6, 7, 8, 9)) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 0
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


def test_the_package_is_dated_from_the_document_compressed_and_owner_only():
    members = {"[Content_Types].xml": b"<Types/>" * 50, "word/document.xml": b"<w:document/>" * 50}
    data = backend.reproducible_zip(package(members), dt.date(2026, 11, 16))
    with zipfile.ZipFile(io.BytesIO(data)) as result:
        assert [i.filename for i in result.infolist()] == list(members)
        for info in result.infolist():
            assert result.read(info.filename) == members[info.filename]
            assert info.date_time == (2026, 11, 16, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < info.file_size
            assert info.create_system == 3  # Unix, whichever system made it
            assert info.external_attr >> 16 == 0o600
    # The same bytes from a package made at another time.
    assert backend.reproducible_zip(package(members, (1999, 1, 1, 0, 0, 0)), dt.date(2026, 11, 16)) == data


@pytest.mark.parametrize(
    "when, stamp",
    [
        (dt.date(1975, 6, 1), (1980, 1, 1, 0, 0, 0)),
        (dt.date(1980, 1, 1), (1980, 1, 1, 0, 0, 0)),
        (dt.date(2107, 12, 31), (2107, 12, 31, 0, 0, 0)),
        (dt.date(2150, 3, 4), (2107, 12, 31, 0, 0, 0)),
    ],
)
def test_a_date_a_zip_cannot_hold_is_brought_into_its_range(when, stamp):
    data = backend.reproducible_zip(package({"a.xml": b"<a/>"}), when)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].date_time == stamp

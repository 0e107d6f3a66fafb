"""The Word backend's parts (cin_docs/render/docx.py), called directly on small inputs: text Word can store, the
context copy the templates see, the document properties, and the reproducible package (the same bytes on any machine
and any day, owner-only when unpacked). No PDF, and no template but python-docx's blank document.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import time
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


# ---- built-in and authority templates (small ones made here; the authority check is stood in for) ---------------

CONTEXT = {
    "doc": {"title": "Letter", "produced": dt.date(2026, 11, 16)},
    "authority": {"name": "London Borough of Example"},
    "child": {"first_name": "Amy"},
}


_SAVES = itertools.count(1)


def template(path, *paragraphs: str) -> None:
    """A Word template; each one saved is dated a second after the last, as a template edited later would be (the
    file system's clock may not move between two saves this quick)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    stamp = time.time_ns() + next(_SAVES) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


@pytest.fixture
def builtin(tmp_path, monkeypatch):
    folder = tmp_path / "builtin" / "docx"
    template(folder / "letter.docx", "Dear {{ child.first_name }}, from the built-in letter")
    monkeypatch.setattr(backend.resources, "docx_templates_dir", lambda: folder)
    return folder


@pytest.fixture
def checked(monkeypatch):
    """Every call of the authority-template check (its own tests are in test_template_overrides.py)."""
    from cin_docs.render import overrides

    calls: list[tuple] = []
    monkeypatch.setattr(overrides, "refuse_if_broken", lambda *args: calls.append(args))
    return calls


def test_an_authority_word_template_is_checked_then_used_instead_of_the_built_in(builtin, tmp_path, checked):
    folder = tmp_path / "westmere"
    template(folder / "docx" / "letter.docx", "Dear {{ child.first_name }}, from Westmere")
    assert paragraphs(backend.render_docx("letter.docx", CONTEXT, templates=folder)) == ["Dear Amy, from Westmere"]
    assert checked == [(folder, "docx", "letter.docx", CONTEXT)]
    # A document the folder has no template for: the built-in one, unchecked.
    assert paragraphs(backend.render_docx("letter.docx", CONTEXT, templates=tmp_path / "empty")) == [
        "Dear Amy, from the built-in letter"
    ]
    assert paragraphs(backend.render_docx("letter.docx", CONTEXT)) == ["Dear Amy, from the built-in letter"]
    assert len(checked) == 1


def test_a_refused_authority_template_is_not_used(builtin, tmp_path, monkeypatch):
    from cin_docs.errors import TemplateError
    from cin_docs.render import overrides

    def refuse(*args):
        raise TemplateError("The templates folder has problems.")

    monkeypatch.setattr(overrides, "refuse_if_broken", refuse)
    template(tmp_path / "westmere" / "docx" / "letter.docx", "from Westmere")
    with pytest.raises(TemplateError, match="The templates folder has problems."):
        backend.render_docx("letter.docx", CONTEXT, templates=tmp_path / "westmere")


def test_a_failure_in_an_authority_template_is_the_folders_to_fix(builtin, tmp_path, checked):
    from cin_docs.errors import TemplateError

    folder = tmp_path / "westmere"
    template(folder / "docx" / "letter.docx", "Known as {{ child.nickname }}")
    with pytest.raises(TemplateError) as caught:
        backend.render_docx("letter.docx", CONTEXT, templates=folder)
    message = str(caught.value)
    assert f"docx/letter.docx (in {folder})" in message and "'child.nickname'" in message
    assert message.endswith(f"Check the templates folder with: cin-docs templates check {folder}")
    template(folder / "docx" / "letter.docx", "Born {{ child.first_name|longdate }}")  # a filter given text
    with pytest.raises(TemplateError, match=r"failed while being filled in \(ValueError\)"):
        backend.render_docx("letter.docx", CONTEXT, templates=folder)


def test_a_part_an_authority_template_breaks_is_the_folders_to_fix(builtin, tmp_path, checked, monkeypatch):
    from lxml import etree

    from cin_docs.errors import TemplateError

    def broken(self, *args, **kwargs):  # as docxtpl fails when a {% %} tag splits a paragraph or a table
        raise etree.XMLSyntaxError("Opening and ending tag mismatch", None, 1, 1)

    monkeypatch.setattr(backend.DocxTemplate, "render", broken)
    folder = tmp_path / "westmere"
    template(folder / "docx" / "letter.docx", "from Westmere")
    with pytest.raises(TemplateError) as caught:
        backend.render_docx("letter.docx", CONTEXT, templates=folder)
    assert str(caught.value) == (
        f"The template docx/letter.docx (in {folder}) produced a Word document part that is not well-formed XML (a "
        f"{{% %}} tag probably splits a paragraph or table). Check the templates folder with: cin-docs templates "
        f"check {folder}"
    )


def test_a_failure_in_a_built_in_template_is_reported_as_a_bug(builtin, tmp_path):
    from cin_docs.errors import TemplateError

    template(builtin / "letter.docx", "Known as {{ child.nickname }}")
    with pytest.raises(TemplateError) as caught:
        backend.render_docx("letter.docx", CONTEXT)
    assert "docx/letter.docx" in str(caught.value) and "(in " not in str(caught.value)
    assert str(caught.value).endswith("This is a bug in the template; please report it.")
    # The same when an authority's folder is in use but has no Word template for this document.
    with pytest.raises(TemplateError) as caught:
        backend.render_docx("letter.docx", CONTEXT, templates=tmp_path / "westmere")
    assert str(caught.value).endswith("This is a bug in the template; please report it.")
    template(builtin / "letter.docx", "Born {{ child.first_name|longdate }}")
    with pytest.raises(ValueError):  # a bug in cin-docs, shown as one (with --debug for details)
        backend.render_docx("letter.docx", CONTEXT)


def test_a_template_changed_on_disk_is_read_again(builtin):
    assert paragraphs(backend.render_docx("letter.docx", CONTEXT)) == ["Dear Amy, from the built-in letter"]
    template(builtin / "letter.docx", "Dear {{ child.first_name }}, the new wording")
    assert paragraphs(backend.render_docx("letter.docx", CONTEXT)) == ["Dear Amy, the new wording"]


def test_the_clean_up_of_template_parts_is_docxtpls_and_its_memory_is_bounded(builtin, monkeypatch):
    from docxtpl import DocxTemplate

    monkeypatch.setattr(backend._DocxTemplate, "_patched", {})
    document = backend._DocxTemplate(builtin / "letter.docx")
    parts = [f"<w:p><w:r><w:t>{{{{ a{i} }}}}</w:t></w:r><w:r><w:t>{{{{ b }}}}</w:t></w:r></w:p>" for i in range(300)]
    expected = [DocxTemplate.patch_xml(document, part) for part in parts]
    assert [document.patch_xml(part) for part in parts] == expected
    assert [document.patch_xml(part) for part in parts[-5:]] == expected[-5:]
    assert len(backend._DocxTemplate._patched) == 256  # the oldest parts were let go
    assert parts[0] not in backend._DocxTemplate._patched and parts[-1] in backend._DocxTemplate._patched


def test_a_template_with_a_replaced_part_takes_docxtpls_own_route_and_is_still_reproducible(tmp_path):
    # The one-pass writer cannot apply docxtpl's replace_zipname / replace_media: such a template is saved by
    # docxtpl itself and then re-dated, so the replacement is in the file and the bytes do not depend on the day.
    from docxtpl import DocxTemplate

    blank = io.BytesIO()
    docx.Document().save(blank)
    replacement = tmp_path / "styles.xml"
    replacement.write_bytes(b"<w:styles xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'/>")
    when = dt.date(2026, 11, 16)

    def rendered():
        template = DocxTemplate(io.BytesIO(blank.getvalue()))
        template.render({})
        template.replace_zipname("word/styles.xml", str(replacement))
        return backend._save_reproducible(template, when)

    data = rendered()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read("word/styles.xml") == replacement.read_bytes()
        assert {info.date_time for info in package.infolist()} == {(2026, 11, 16, 0, 0, 0)}
    assert rendered() == data

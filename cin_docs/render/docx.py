"""DOCX backend: docxtpl templates from templates/docx, rendered autoescaped, with reproducible bytes."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing
from lxml import etree

from .. import resources
from ..errors import TemplateError
from . import produced_date
from .jinja import shared_docx_environment, template_errors

# Characters XML 1.0 forbids; docxtpl would also turn \a and \f into paragraph and page breaks.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_docx(template_name: str, context: Mapping, *, templates: Path | None = None) -> bytes:
    """Render docx/<template_name> with `context` to DOCX bytes.

    `templates`: an authority's templates folder; its docx/<template_name>, if it has one, is checked (see
    cin_docs.render.overrides) and used instead of the built-in one.
    """
    override = resources.override_file(templates, "docx", template_name)
    path = override or resources.docx_templates_dir() / template_name
    display_name = f"docx/{template_name}" + (f" (in {templates})" if override else "")
    if not path.is_file():
        raise TemplateError(
            f"There is no template {display_name} (looked for {path}). "
            "The installation is incomplete; please report it."
        )
    if override:
        from .overrides import refuse_if_broken

        refuse_if_broken(templates, "docx", template_name, context)
    # A fresh DocxTemplate per call (docxtpl's object keeps rendered state between renders), opened from the file's
    # bytes read once per process per file version; the environment compiles each part once (shared_docx_environment).
    template = _DocxTemplate(io.BytesIO(_template_bytes(path, path.stat().st_mtime_ns)))
    env = shared_docx_environment()
    try:
        with template_errors(display_name, context, env, templates if override else None):
            template.render(_with_logo(docx_context(context), template), jinja_env=env, autoescape=True)
    except etree.XMLSyntaxError as exc:
        fix = (
            f"Check the templates folder with: cin-docs templates check {templates}"
            if override
            else "This is a bug in the template; please report it."
        )
        raise TemplateError(
            f"The template {display_name} produced a Word document part that is not well-formed XML "
            f"(a {{% %}} tag probably splits a paragraph or table). {fix}"
        ) from exc
    produced = _produced_datetime(context)
    _set_core_properties(template.docx, context, produced)
    return _save_reproducible(template, produced.date())


def _save_reproducible(template: DocxTemplate, when: dt.date) -> bytes:
    """The rendered document as DOCX bytes, every member dated `when`: the same bytes as saving it with docxtpl and
    passing the result through reproducible_zip, written in one pass (python-docx's own save compresses every part
    once more, to be decompressed and compressed again by reproducible_zip: half the time of a warm DOCX)."""
    if template.crc_to_new_media or template.crc_to_new_embedded or template.zipname_to_replace:
        buffer = io.BytesIO()  # docxtpl rewrites the saved file for these replacements: its own route
        template.save(buffer)
        return reproducible_zip(buffer.getvalue(), when)
    from docx.opc.pkgwriter import PackageWriter

    template.pre_processing()
    package = template.docx.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:  # each member's compression is set by _zip_info
        # The member order of python-docx's PackageWriter.write: content types, package relationships, parts.
        writer: Any = _StampedZipWriter(target, when)  # duck-typed as python-docx's PhysPkgWriter
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return out.getvalue()  # the template object is not used again: docxtpl's is_saved flag is left as it is


class _StampedZipWriter:
    """python-docx's physical package writer interface (write(pack_uri, blob)), writing each member as
    reproducible_zip does."""

    def __init__(self, target: zipfile.ZipFile, when: dt.date) -> None:
        self.target = target
        self.stamp = _zip_stamp(when)

    def write(self, pack_uri, blob: bytes) -> None:
        self.target.writestr(_zip_info(pack_uri.membername, self.stamp), blob)


def _zip_stamp(when: dt.date) -> tuple[int, int, int, int, int, int]:
    # Zip dates run from 1980 to 2107 (a 7-bit year from 1980); a date outside that would stop the write.
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    return min(max(stamp, (1980, 1, 1, 0, 0, 0)), (2107, 12, 31, 0, 0, 0))


def _zip_info(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # otherwise the host OS, which would make Windows and Linux bytes differ
    info.external_attr = 0o600 << 16
    return info


class _DocxTemplate(DocxTemplate):
    """docxtpl's template with its XML clean-up (patch_xml: ~20 regular-expression passes over each part, a pure
    function of the part's XML) done once per process per distinct part."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml):
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = super().patch_xml(src_xml)
            if len(self._patched) >= 256:
                self._patched.pop(next(iter(self._patched)))
            self._patched[src_xml] = patched
        return patched


@functools.lru_cache(maxsize=32)
def _template_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


def _with_logo(context: dict, template: DocxTemplate) -> dict:
    """authority.logo_image: the configured logo as an image in this template (docxtpl needs the template)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    authority = context.get("authority")
    if isinstance(authority, dict):
        logo = authority.get("logo_path")
        authority["logo_image"] = InlineImage(template, logo, height=Mm(12)) if logo else None
    return context


def docx_context(context: Mapping) -> dict:
    """A copy of `context` (dicts, lists, tuples copied all the way down) with multi-line strings as Listings."""
    return _convert(context)


def _xml_text(value: object) -> str:
    """Text Word can store: line breaks as \\n, and none of the control characters XML forbids."""
    return _XML_INVALID.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


def _convert(value):
    if isinstance(value, str):
        text = _xml_text(value)
        # Listing escapes once and marks itself safe (__html__), so autoescape does not escape it again.
        return Listing(text) if "\n" in text else text
    if isinstance(value, Mapping):
        return {key: _convert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_convert(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_convert(item) for item in value)
    # Other leaves are shared, not deep-copied: dates are immutable and a docxtpl InlineImage holds its template.
    return value


def _produced_datetime(context: Mapping) -> dt.datetime:
    produced = produced_date(context, "DOCX")
    return dt.datetime(produced.year, produced.month, produced.day, tzinfo=dt.UTC)


def _set_core_properties(document, context: Mapping, produced: dt.datetime) -> None:
    # Set after render(): docxtpl renders core properties autoescaped, which would store "&amp;" in the title.
    props = document.core_properties
    # From the unconverted context, so sanitised here too: lxml refuses a control character with a ValueError.
    props.title = _xml_text(context["doc"].get("title", ""))
    authority = context.get("authority")
    props.author = props.last_modified_by = _xml_text(authority["name"]) if isinstance(authority, Mapping) else ""
    props.language = "en-GB"
    props.created = props.modified = produced
    props.revision = 1
    if props.comments == "generated by python-docx":
        props.comments = ""


def reproducible_zip(data: bytes, when: dt.date) -> bytes:
    """The same DOCX package with every member dated `when`; python-docx stamps members with the current time."""
    stamp = _zip_stamp(when)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():  # each member's compression is set by _zip_info
            target.writestr(_zip_info(member.filename, stamp), source.read(member.filename))
    return out.getvalue()

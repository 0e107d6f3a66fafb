"""PDF backend: Jinja HTML through WeasyPrint, tagged (PDF/UA-1), with form fields, byte-for-byte reproducible."""

from __future__ import annotations

import atexit
import calendar
import contextlib
import contextvars
import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import resources
from ..errors import RenderError
from . import produced_date
from .jinja import render_html

LOGGER = logging.getLogger(__name__)

# What --pdf-variant offers. WeasyPrint writes one conformance claim; _finish adds the rest.
#   "ua1+a3a" (default): PDF/UA-1 and PDF/A-3a at once. WeasyPrint renders PDF/A-3a (tagged, sRGB output intent, /ID,
#       XMP with the PDF/A identifier); _finish adds the PDF/UA identifier (with the PDF/A extension schema that
#       declares it), appearance streams for form fields, and drops ToUnicode entries PDF/A and PDF/UA forbid.
#   "pdf/a-2b": for a records system that insists on it (still tagged, with the same fix-ups).
#   "plain": no conformance claim and no archival fix-ups (still tagged).
# Both profiles of the default are checked by an independent validator (page-validation) in tests/test_pdf_conformance.py.
PDF_VARIANTS: dict[str, dict[str, str | bool]] = {
    "ua1+a3a": {"pdf_variant": "pdf/a-3a", "pdf_forms": True},
    "pdf/a-2b": {"pdf_variant": "pdf/a-2b", "pdf_forms": True, "pdf_tags": True},
    "plain": {"pdf_forms": True, "pdf_tags": True},
}
DEFAULT_VARIANT = "ua1+a3a"
_VARIANT: contextvars.ContextVar[str] = contextvars.ContextVar("pdf_variant", default=DEFAULT_VARIANT)


@contextlib.contextmanager
def pdf_variant(variant: str | None) -> Iterator[None]:
    """Make every PDF produced inside the block (documents and packs) of this variant (--pdf-variant)."""
    if variant is not None and variant not in PDF_VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r}")
    token = _VARIANT.set(variant or DEFAULT_VARIANT)
    try:
        yield
    finally:
        _VARIANT.reset(token)


# WeasyPrint reports refused or broken resources and CSS it ignores on these loggers (and fontTools while subsetting);
# pypdf reports damaged attachments ("EOF marker not found") before cin-docs can say so in its own words.
_ROUTED_LOGGERS = ("weasyprint", "fontTools", "pypdf")


def render_pdf(
    template_name: str,
    context: Mapping,
    *,
    extra_allowed: Iterable[Path | str] = (),
    templates: Path | None = None,
    variant: str | None = None,
) -> bytes:
    """Render html/<template_name> with `context` to PDF bytes; same input, same bytes.

    `templates`: an authority's templates folder; its html/ files come first (an overridden kind is checked first,
    see cin_docs.render.overrides) and its html/print.css is added after the built-in one.
    """
    return write_laid_out(
        lay_out_pdf(template_name, context, extra_allowed=extra_allowed, templates=templates, variant=variant)
    )


@dataclasses.dataclass
class LaidOut:
    """A document laid out in pages (WeasyPrint's Document), not yet written: written on its own by write_laid_out,
    or with others as one tagged PDF by join_laid_out (the packs)."""

    document: Any
    identifier: bytes  # the PDF /ID, derived from the HTML so that it is stable
    produced: dt.date
    variant: str
    template_name: str


def lay_out_pdf(
    template_name: str,
    context: Mapping,
    *,
    extra_allowed: Iterable[Path | str] = (),
    templates: Path | None = None,
    variant: str | None = None,
) -> LaidOut:
    """The first half of render_pdf: html/<template_name> filled in with `context` and laid out in pages."""
    produced = _produced(context)
    variant = variant or _VARIANT.get()
    options = PDF_VARIANTS[variant]
    if templates is not None:
        from .overrides import refuse_if_broken

        refuse_if_broken(templates, "html", template_name, context)
    html = long_words_may_break(render_html(template_name, context, templates))
    base_url = resources.html_templates_dir().resolve().as_uri() + "/"
    with _rendering(template_name, produced):
        # Imported here: WeasyPrint takes ~0.6 s to import and most commands never make a PDF. The fetcher module
        # imports WeasyPrint first, with its import-time warning filtered.
        from .fetcher import AssetFetcher, weasyprint

        fetcher = AssetFetcher(extra_allowed, templates=templates)
        stylesheets, source = [], html
        if _PRINT_CSS_LINK in html and "<style" not in html:
            # The template's only stylesheet, parsed (and its fonts registered) once per process and reused.
            source = html.replace(_PRINT_CSS_LINK, "", 1)
            stylesheets.append(_print_css(weasyprint, fetcher, base_url))
        document = weasyprint.HTML(string=source, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=_font_config(weasyprint), **options
        )
        # Dates from the case, never the clock, whatever the template's <meta> says.
        document.metadata.created = document.metadata.modified = produced.isoformat()
    # Without an identifier pydyf writes no /ID; derive one from the input so it is stable too.
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return LaidOut(document, identifier, produced, variant, template_name)


def write_laid_out(laid: LaidOut) -> bytes:
    """The second half of render_pdf: the laid-out document as PDF bytes, of its variant, finished."""
    return _write(laid.document, laid.identifier, laid.produced, laid.variant, laid.template_name)


def join_laid_out(
    parts: Sequence[tuple[LaidOut, str, bool]], *, title: str, variant: str | None = None, outline_open: bool = True
) -> bytes:
    """Several laid-out documents as ONE tagged PDF: their pages in order, each keeping its own running header,
    footer and page numbers, under one structure tree (WeasyPrint tags the pages as it writes them).

    `parts`: (document, bookmark, keep_headings). Each document gets one top-level bookmark at its first page, with
    its own heading bookmarks nested under it when keep_headings is true. `variant` defaults to the first
    document's (a caller that will change the PDF afterwards passes "plain": no conformance claim). The metadata
    (language, author, dates) is the first document's, with `title`.
    """
    import copy

    first = parts[0][0]
    pages = []
    for laid, bookmark, keep_headings in parts:
        for number, page in enumerate(laid.document.pages):
            page = copy.copy(page)  # the documents' own pages keep their bookmarks
            own = [(level + 1, *rest) for level, *rest in page.bookmarks] if keep_headings else []
            page.bookmarks = ([(1, bookmark, (0, 0), "open")] if number == 0 else []) + own
            pages.append(page)
    document = first.document.copy(pages)
    document.metadata = copy.copy(first.document.metadata)
    document.metadata.title = title
    identifier = hashlib.sha256(b"".join(laid.identifier for laid, _, _ in parts)).hexdigest()[:32].encode("ascii")
    name = "+".join(laid.template_name for laid, _, _ in parts)
    return _write(document, identifier, first.produced, variant or first.variant, name, outline_open=outline_open)


def _write(document, identifier: bytes, produced: dt.date, variant: str, template_name: str, **finish) -> bytes:
    options = PDF_VARIANTS[variant]
    with _rendering(template_name, produced), warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for PDF/A's output intent and leaves the file to the garbage
        # collector (weasyprint/pdf/__init__.py, generate_pdf); the file is read in full before that.
        warnings.filterwarnings("ignore", category=ResourceWarning, message=r".*sRGB2014\.icc")
        return document.write_pdf(
            pdf_identifier=identifier, finisher=functools.partial(_finish, variant=variant, **finish), **options
        )


@contextlib.contextmanager
def _rendering(template_name: str, produced: dt.date) -> Iterator[None]:
    """Library chatter to --debug, SOURCE_DATE_EPOCH set, and any WeasyPrint failure as a RenderError."""
    with library_logs_to_debug(), _source_date_epoch(produced):
        try:
            yield
        except Exception as exc:  # WeasyPrint has no error hierarchy of its own to catch narrower
            raise RenderError(
                f"The PDF for html/{template_name} could not be produced ({type(exc).__name__}). "
                "This is a bug in cin-docs or its template; please report it."
            ) from exc


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
#: A run this long without a space is a link or a reference, never a word of prose; e-mail addresses (up to ~45
#: characters) stay whole where they fit, as they did before.
_LONG_RUN = re.compile(r"[^\s<>]{50,}")
_RAW_TEXT = ("title", "textarea", "style", "script")


def long_words_may_break(html: str) -> str:
    """Wrap every run of 50 or more characters without a space (a Teams link, a long reference) in
    <span class="unbroken">, which print.css lets break anywhere, so that it wraps inside the page or its table cell
    instead of running off the edge. Ordinary words keep whole: breaking every cell "anywhere" made narrow columns
    split "Achieved" into "Achieve d". Text inside <title>, <textarea>, <style> and attributes is left alone.
    """
    parts = _TAG.split(html)
    raw = None
    for i, part in enumerate(parts):
        if i % 2:
            tag = _TAG_NAME.match(part)
            if tag and tag.group(2).lower() in _RAW_TEXT:
                raw = None if tag.group(1) else tag.group(2).lower()
        elif raw is None and part:
            parts[i] = _LONG_RUN.sub(lambda m: f'<span class="unbroken">{m.group(0)}</span>', part)
    return "".join(parts)


# Parsing print.css and registering its four DejaVu faces took ~0.18 s of every PDF. Kept per process: one
# FontConfiguration (the faces are registered in it when the stylesheet is parsed, so the two go together) and one
# parsed stylesheet per distinct print.css (the built-in one, or it with an authority's additions appended: the key
# is the served text and where its font URLs resolve, so an edited print.css is parsed again).
_PRINT_CSS_LINK = '<link rel="stylesheet" href="print.css">'
_FONT_CONFIG = None
_STYLESHEETS: dict[tuple[str, str | None, bytes], object] = {}


def _font_config(weasyprint):
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        from .pango_fix import install

        install()  # before the first layout: see pango_fix (a per-line leak print.css would trigger)
        _FONT_CONFIG = FontConfiguration()
        # A FontConfiguration removes its temporary font folder when deleted; at interpreter exit module globals
        # are already gone by then (a TypeError in its __del__, and the folder left in /tmp), so drop it first.
        atexit.register(_forget_fonts)
    return _FONT_CONFIG


def _forget_fonts() -> None:
    global _FONT_CONFIG
    _STYLESHEETS.clear()
    _FONT_CONFIG = None


def _print_css(weasyprint, fetcher, base_url: str):
    url = base_url + resources.PRINT_CSS
    served = fetcher.fetch(url)
    try:
        key = (url, str(fetcher.overlay) if fetcher.overlay else None, served.read())
    finally:
        served.close()
    if key not in _STYLESHEETS:
        if len(_STYLESHEETS) >= 16:  # a long-running process whose authorities keep editing print.css
            _STYLESHEETS.pop(next(iter(_STYLESHEETS)))
        _STYLESHEETS[key] = weasyprint.CSS(
            string=key[2].decode("utf-8"), base_url=url, url_fetcher=fetcher, font_config=_font_config(weasyprint)
        )
    return _STYLESHEETS[key]


def _finish(document, pdf, variant: str, outline_open: bool = False) -> None:
    """WeasyPrint's finisher hook: runs on the assembled PDF objects just before they are written."""
    _checkbox_appearances(pdf)
    if outline_open:  # a pack opens with its bookmarks showing
        pdf.catalog["PageMode"] = "/UseOutlines"
    if variant == "plain":
        return
    _field_appearances(pdf)
    _drop_forbidden_unicode(pdf)
    # PDF/A forbids a Filter on the document's metadata stream; WeasyPrint compresses it for PDF/A-2 and later.
    _resolve(pdf, pdf.catalog["Metadata"]).compress = False
    if variant == "ua1+a3a":
        _add_pdfua_identifier(document, pdf)


def _checkbox_appearances(pdf) -> None:
    """Give check boxes what viewers need to redraw them: a tick character and an 'off' appearance.

    WeasyPrint 70 asks viewers to regenerate field appearances (NeedAppearances, which text fields need), but gives
    check boxes no caption character (/MK /CA) or font, so poppler-based viewers (Evince, Okular) redraw a ticked box
    as empty. ZapfDingbats '4' is the standard check mark.
    """
    import pydyf

    acroform = pdf.catalog.get("AcroForm")
    if not acroform:
        return
    resources = _resolve(pdf, acroform["DR"])
    fonts = _resolve(pdf, resources.get("Font"))
    if fonts is None:
        fonts = resources["Font"] = pydyf.Dictionary()
    dingbats = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/ZapfDingbats"})
    pdf.add_object(dingbats)
    fonts["ZaDb"] = dingbats.reference
    for obj in list(pdf.objects):
        if isinstance(obj, pydyf.Dictionary) and obj.get("FT") == "/Btn" and "AP" in obj and "Parent" not in obj:
            obj["MK"]["CA"] = pydyf.String("4")
            obj["DA"] = pydyf.String("/ZaDb 0 Tf 0 g")
            off = pydyf.Stream(extra={"Type": "/XObject", "Subtype": "/Form", "BBox": pydyf.Array((0, 0, 1, 1))})
            pdf.add_object(off)
            obj["AP"]["N"]["Off"] = off.reference


def _field_appearances(pdf) -> None:
    """Draw every text field's value into an appearance stream, so the form needs no NeedAppearances.

    PDF/A forbids NeedAppearances and requires an appearance (/AP) for every widget; WeasyPrint 70 writes neither for
    text fields. The value is drawn with the field's own font and size (its /DA), one line for single-line fields,
    word-wrapped from the top for multi-line ones, clipped to the box as viewers do.
    """
    import pydyf

    acroform = pdf.catalog.get("AcroForm")
    if not acroform:
        return
    acroform.pop("NeedAppearances", None)
    fonts = _resolve(pdf, _resolve(pdf, acroform["DR"]).get("Font"))
    measures = {}
    for obj in list(pdf.objects):
        if not (isinstance(obj, pydyf.Dictionary) and obj.get("FT") in ("/Tx", "/Ch") and "AP" not in obj):
            continue
        x0, y0, x1, y1 = (float(v) for v in obj["Rect"])
        width, height = abs(x1 - x0), abs(y1 - y0)
        da = _string_bytes(obj.get("DA"))
        value = _string_text(obj.get("V"))
        content = [b"/Tx BMC"]
        if value and da:
            tokens = da.split()
            font_name, size = tokens[tokens.index(b"Tf") - 2][1:].decode(), float(tokens[tokens.index(b"Tf") - 1])
            if font_name not in measures:
                measures[font_name] = _FieldFont(pdf, _resolve(pdf, fonts[font_name]))
            font = measures[font_name]
            multiline = int(obj.get("Ff", 0) or 0) & (1 << 12)
            lines = font.wrap(value, size, width - 4) if multiline else [value.replace("\n", " ")]
            leading = size * 1.15
            first = height - 2 - size if multiline else (height - size) / 2 + size * 0.22
            content += [b"q", f"1 1 {width - 2:.2f} {height - 2:.2f} re W n".encode(), b"BT", da]
            for i, line in enumerate(lines):
                content.append(
                    f"2 {first - i * leading:.2f} Td".encode() if i == 0 else f"0 {-leading:.2f} Td".encode()
                )
                content.append(b"<" + font.encode(line) + b"> Tj")
            content += [b"ET", b"Q"]
        content.append(b"EMC")
        appearance = pydyf.Stream(
            content,
            extra={
                "Type": "/XObject",
                "Subtype": "/Form",
                "BBox": pydyf.Array((0, 0, round(width, 4), round(height, 4))),
                "Resources": acroform["DR"],
            },
        )
        pdf.add_object(appearance)
        obj["AP"] = pydyf.Dictionary({"N": appearance.reference})


class _FieldFont:
    """The embedded (whole, Identity-H) font of form fields: glyph IDs and advance widths for drawing values."""

    def __init__(self, pdf, font_dict) -> None:
        import io

        # fontTools ships no type information (no stubs, no py.typed).
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

        descendant = _resolve(pdf, _resolve(pdf, font_dict["DescendantFonts"])[0])
        descriptor = _resolve(pdf, descendant["FontDescriptor"])
        stream = _resolve(pdf, descriptor.get("FontFile2") or descriptor.get("FontFile3"))
        ttfont = TTFont(io.BytesIO(b"".join(stream.stream)), lazy=True)
        self.cmap = ttfont.getBestCmap()
        self.gids = {name: gid for gid, name in enumerate(ttfont.getGlyphOrder())}
        self.hmtx = ttfont["hmtx"]
        self.upem = ttfont["head"].unitsPerEm

    def _glyph(self, char: str) -> str:
        return self.cmap.get(ord(char)) or ".notdef"

    def width(self, text: str, size: float) -> float:
        return sum(self.hmtx[self._glyph(c)][0] for c in text) * size / self.upem

    def encode(self, text: str) -> bytes:
        return "".join(f"{self.gids[self._glyph(c)]:04x}" for c in text).encode("ascii")

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        lines = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and self.width(candidate, size) > width:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        return lines


def _string_bytes(value) -> bytes:
    """A pydyf.String's raw bytes (its .string is str or bytes)."""
    if value is None:
        return b""
    raw = getattr(value, "string", value)
    return raw.encode("latin-1") if isinstance(raw, str) else bytes(raw)


def _string_text(value) -> str:
    if value is None:
        return ""
    raw = getattr(value, "string", value)
    return raw if isinstance(raw, str) else raw.decode("utf-8", "replace")


# ToUnicode targets that PDF/A-2/3 (6.2.11.7.2) and PDF/UA-1 (7.21.7) forbid: U+0000, U+FEFF, U+FFFE. A whole face
# embedded for form fields maps its zero-width no-break space glyph to U+FEFF.
_FORBIDDEN_UNICODE = (b"<0000>", b"<feff>", b"<fffe>")


def _drop_forbidden_unicode(pdf) -> None:
    import pydyf

    for obj in pdf.objects:
        if not (isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Font" and "ToUnicode" in obj):
            continue
        cmap = _resolve(pdf, obj["ToUnicode"])
        lines = [_to_bytes_line(line) for line in cmap.stream]
        if not any(line.endswith(_FORBIDDEN_UNICODE) for line in lines):
            continue
        kept: list[bytes] = []
        batch: list[bytes] | None = None
        for line in lines:
            if line.endswith(b"beginbfchar"):
                batch = []
            elif line == b"endbfchar":
                if batch:
                    kept += [f"{len(batch)} beginbfchar".encode(), *batch, line]
                batch = None
            elif batch is not None:
                if not line.endswith(_FORBIDDEN_UNICODE):
                    batch.append(line)
            else:
                kept.append(line)
        cmap.stream = kept


def _to_bytes_line(line) -> bytes:
    return line if isinstance(line, bytes) else str(line).encode("latin-1")


# PDF/A allows only the XMP schemas it predefines unless an extension schema in the same packet declares the others;
# pdfuaid is not predefined, so it is declared here (ISO 19005-2 6.6.2.3, ISO 14289-1 5).
_PDFUA_XMP = b"""<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="" \
xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def _add_pdfua_identifier(document, pdf) -> None:
    """Rewrite the XMP packet WeasyPrint wrote for PDF/A-3a with the PDF/UA-1 identifier added."""
    metadata = _resolve(pdf, pdf.catalog["Metadata"])
    rdf = document.metadata.generate_rdf_metadata("a", 3, "A")
    rdf = rdf.replace(b"</rdf:RDF>", _PDFUA_XMP + b"</rdf:RDF>")
    metadata.stream = [
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        rdf,
        *document.metadata.xmp_metadata,
        b'</x:xmpmeta>\n<?xpacket end="r"?>',
    ]


def _resolve(pdf, value):
    """pydyf keeps references as b'12 0 R'; the object itself is pdf.objects[12]."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _produced(context: Mapping) -> dt.date:
    return produced_date(context, "PDF")


@contextlib.contextmanager
def _source_date_epoch(produced: dt.date) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to the production date while rendering."""
    # Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps each subset's head table with
    # the clock unless SOURCE_DATE_EPOCH is set (fontTools.misc.timeTools.timestampNow).
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(produced.timetuple()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


class _ToDebug(logging.Handler):
    """Re-emits library warnings at DEBUG on our logger: visible with --debug, silent otherwise."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            LOGGER.debug("%s: %s", record.name, record.getMessage())


@contextlib.contextmanager
def library_logs_to_debug() -> Iterator[None]:
    handler = _ToDebug()
    loggers = [logging.getLogger(name) for name in _ROUTED_LOGGERS]
    saved = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield
    finally:
        for logger, propagate in zip(loggers, saved):
            logger.removeHandler(handler)
            logger.propagate = propagate

"""PDF backend: Jinja HTML through WeasyPrint, tagged (PDF/UA-1), with form fields, byte-for-byte reproducible."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .. import resources
from ..errors import RenderError
from . import produced_date
from .jinja import render_html

LOGGER = logging.getLogger(__name__)

# PDF/UA-1 implies pdf_tags=True and PDF 1.7; WeasyPrint 70 accepts it together with pdf_forms (checked in tests).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_forms": True}

# WeasyPrint reports refused or broken resources and CSS it ignores on these loggers (and fontTools while subsetting);
# pypdf reports damaged attachments ("EOF marker not found") before cin-docs can say so in its own words.
_ROUTED_LOGGERS = ("weasyprint", "fontTools", "pypdf")


def render_pdf(template_name: str, context: Mapping, *, extra_allowed: Iterable[Path | str] = (),
               templates: Path | None = None) -> bytes:
    """Render html/<template_name> with `context` to PDF bytes; same input, same bytes.

    `templates`: an authority's templates folder; its html/ files come first (an overridden kind is checked first,
    see cin_docs.render.overrides) and its html/print.css is added after the built-in one.
    """
    produced = _produced(context)
    if templates is not None:
        from .overrides import refuse_if_broken

        refuse_if_broken(templates, "html", template_name, context)
    html = long_words_may_break(render_html(template_name, context, templates))
    base_url = resources.html_templates_dir().resolve().as_uri() + "/"
    with library_logs_to_debug(), _source_date_epoch(produced):
        # Imported here: WeasyPrint takes ~0.6 s to import and most commands never make a PDF. The fetcher module
        # imports WeasyPrint first, with its import-time warning filtered.
        from .fetcher import AssetFetcher, weasyprint

        fetcher = AssetFetcher(extra_allowed, templates=templates)
        try:
            document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**PDF_OPTIONS)
            # Dates from the case, never the clock, whatever the template's <meta> says.
            document.metadata.created = document.metadata.modified = produced.isoformat()
            # Without an identifier pydyf writes no /ID; derive one from the input so it is stable too.
            identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
            return document.write_pdf(pdf_identifier=identifier, finisher=_checkbox_appearances, **PDF_OPTIONS)
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


def _checkbox_appearances(document, pdf) -> None:
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

"""Rendering: Jinja environments and filters, the DOCX and PDF backends, safe output, and the document date."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping as _Mapping


def produced_date(context: _Mapping, what: str) -> _dt.date:
    """The document's date (doc.produced): every output is dated from the case, never from the clock."""
    from ..errors import RenderError

    doc = context.get("doc") if isinstance(context, _Mapping) else None
    produced = doc.get("produced") if isinstance(doc, _Mapping) else None
    if isinstance(produced, _dt.datetime):
        produced = produced.date()
    if not isinstance(produced, _dt.date):
        raise RenderError(
            f"The document context has no doc.produced date, so the {what} cannot be dated reproducibly. "
            "This is a bug in cin-docs; please report it."
        )
    return produced

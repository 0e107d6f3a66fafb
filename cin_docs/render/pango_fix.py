"""A fix for a per-line memory leak in WeasyPrint 70 that print.css would otherwise trigger on every document.

Why: print.css turns ligatures off (`font-variant-ligatures: none`, so text searched or copied out of a PDF reads
"file", not "ﬁle"). With any OpenType feature set, WeasyPrint's Layout.setup (weasyprint/text/line_break.py) makes,
for every piece of text it lays out, a Pango attribute list that it never releases, and a font-features attribute
that it never uses (`font_features.setdefault(key, pango_attr_font_features_new(...))` builds the default even when
the key is cached). That is most of the ~0.06 MiB a process kept per PDF, without end, in the web server or a batch.

The fix: each layout gets its own attribute (the cache is emptied before WeasyPrint's setup, so the attribute it
builds is the one it inserts) and the list's only reference is the layout's (the creator's reference, never
released by WeasyPrint, is released here), so both go when the layout goes. The PDFs are byte for byte the same
(tests/test_speed_paths.py). Installed once, by cin_docs.render.pdf, before the first document.
"""

from __future__ import annotations

import threading

_INSTALLED = False
# The font-features cache belongs to the shared FontConfiguration: one layout set up at a time keeps each
# attribute with the list it was inserted into (Layout.setup is a few microseconds of Python).
_LOCK = threading.Lock()


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi, pango

    original = line_break.Layout.setup

    def setup(self, style):
        features = style.font_config.font_features
        with _LOCK:
            features.clear()
            original(self, style)
            if features:  # WeasyPrint set a features attribute list on this layout: leave the layout its owner
                features.clear()
                attributes = pango.pango_layout_get_attributes(self.layout)
                if attributes != ffi.NULL:
                    pango.pango_attr_list_unref(attributes)

    setup.__wrapped__ = original  # type: ignore[attr-defined]
    line_break.Layout.setup = setup
    _INSTALLED = True

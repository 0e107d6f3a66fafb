"""The one WeasyPrint URL fetcher: serves our own template assets (and an allowed logo), refuses everything else."""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .. import resources


@contextlib.contextmanager
def _no_foreign_library_lookups() -> Iterator[None]:
    """While WeasyPrint imports on Linux, answer ctypes.util.find_library with "not found" without searching.

    Why: WeasyPrint 70 (weasyprint/text/ffi.py, _dlopen) tries each library under its Windows and macOS names first
    (e.g. 'libgobject-2.0-0', 'gobject-2.0-0'); cffi looks every name it cannot load directly up with
    ctypes.util.find_library, which on Linux runs ldconfig and gcc in subprocesses - about 20 lookups and 0.2-0.5 s of
    a cold PDF. The Linux sonames further down each list ('libgobject-2.0.so.0', ...) load directly through the
    dynamic linker, which needs no lookup. Only during that import, only on Linux; if the import fails anyway (an
    unusual system where only find_library finds the libraries), load_weasyprint imports again without this.
    """
    import ctypes.util

    if not sys.platform.startswith("linux"):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _import_weasyprint(shim: bool):
    with warnings.catch_warnings(), _no_foreign_library_lookups() if shim else contextlib.nullcontext():
        # WeasyPrint 70 warns at import when the system lacks libharfbuzz-subset; it then subsets fonts with
        # fontTools, which render_pdf keeps reproducible. A deployment note, not something to show users or fail
        # tests on (the README says how to install it; `make test` and `make demo` do).
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
        import weasyprint.urls

    return weasyprint


def load_weasyprint():
    try:
        # WeasyPrint prints its installation help to stdout before failing; not for this first attempt.
        with contextlib.redirect_stdout(io.StringIO()):
            return _import_weasyprint(shim=True)
    except OSError:  # a library only find_library could locate: forget the half-imported package and look it up
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        return _import_weasyprint(shim=False)


# Importing this module costs WeasyPrint's import time; only the PDF backend imports it, inside render_pdf.
weasyprint = load_weasyprint()
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402 - after the import above

# Fixed rather than mimetypes.guess_type, which reads the host's /etc/mime.types.
_CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}


class AssetRefused(ValueError):
    """A URL outside the template assets; WeasyPrint logs it and renders without the resource."""


class AssetFetcher(URLFetcher):
    """Serves files under templates/html and the files in extra_allowed; records every refused URL in `refused`.

    With an authority's templates folder (`templates`), its html/ folder lies over the built-in one: a relative URL
    such as "westmere-logo.png" or "fonts/x.ttf" is served from the folder's html/ when it has that file, else from
    the built-ins; its html/print.css is served appended to the built-in print.css. Nothing else in or outside the
    folder is served.
    """

    def __init__(self, extra_allowed: Iterable[Path | str] = (), templates: Path | None = None):
        # fail_on_errors=False: a refused resource is dropped, not fatal (a pasted <img> must not stop a letter).
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.builtin = resources.html_templates_dir().resolve()
        self.roots = (self.builtin,)
        self.overlay = (Path(templates) / "html").resolve() if templates is not None else None
        self.css_additions = resources.print_css_additions(templates)
        self.allowed_files = frozenset(Path(p).resolve() for p in extra_allowed)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        """Return the asset at an allowed file: URL, or raise AssetRefused before opening anything or any connection."""
        path = self._allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise AssetRefused(f"Refused to load {url!r}: only the document's own template assets may be used.")
        data = path.read_bytes()
        if path == self.builtin / resources.PRINT_CSS and self.css_additions is not None:
            data += b"\n/* Additions from the authority's templates folder */\n" + self.css_additions.read_bytes()
        self.served.append(url)
        content_type = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": content_type})

    def _allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        # resolve() follows symlinks and removes "..", so an escape is judged by where it really lands.
        path = Path(url2pathname(parts.path)).resolve()
        css = self.builtin / resources.PRINT_CSS  # never replaced by the folder's: its print.css is appended
        if self.overlay is not None and path.is_relative_to(self.builtin) and path != css:
            mine = (self.overlay / path.relative_to(self.builtin)).resolve()
            if mine.is_file() and mine.is_relative_to(self.overlay):
                return mine
        inside = path in self.allowed_files or any(path.is_relative_to(root) for root in self.roots)
        return path if inside and path.is_file() else None

"""The one WeasyPrint URL fetcher: serves our own template assets (and an allowed logo), refuses everything else."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .. import resources

# Importing this module costs WeasyPrint's import time; only the PDF backend imports it, inside render_pdf.
with warnings.catch_warnings():
    # WeasyPrint 70 warns at import when the system lacks libharfbuzz-subset; it then subsets fonts with fontTools,
    # which render_pdf keeps reproducible. A deployment note, not something to show users or fail tests on.
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    import weasyprint  # noqa: F401 - imported here, under the filter, for render_pdf
    from weasyprint.urls import URLFetcher, URLFetcherResponse

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

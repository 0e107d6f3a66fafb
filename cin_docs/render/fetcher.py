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
    """Serves files under templates/html and the files in extra_allowed; records every refused URL in `refused`."""

    def __init__(self, extra_allowed: Iterable[Path | str] = ()):
        # fail_on_errors=False: a refused resource is dropped, not fatal (a pasted <img> must not stop a letter).
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.roots = (resources.html_templates_dir().resolve(),)
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
        self.served.append(url)
        content_type = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": content_type})

    def _allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        # resolve() follows symlinks and removes "..", so an escape is judged by where it really lands.
        path = Path(url2pathname(parts.path)).resolve()
        inside = path in self.allowed_files or any(path.is_relative_to(root) for root in self.roots)
        return path if inside and path.is_file() else None

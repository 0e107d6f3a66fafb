"""The authority logo: found next to the file that names it, and only there; a small PNG or JPEG, checked up front."""

from __future__ import annotations

import stat
import warnings
from pathlib import Path

from .errors import RenderError

#: A letterhead logo is tens of kilobytes; every document embeds it, so a big one multiplies across a run.
MAX_LOGO_BYTES = 1024 * 1024
#: Width and height in pixels. A logo is printed 12 mm high; a 30,000 x 30,000 image (a "decompression bomb" of
#: 109 kB) would make Word and PDF viewers decode 900 megapixels.
MAX_LOGO_PIXELS = 4000
FORMATS = {"PNG": "png", "JPEG": "jpeg"}


def logo_source(case) -> tuple[str, str, Path] | None:
    """(the logo as written, which file names it, that file's folder) for the logo that applies, or None.

    The case file's logo wins over the configuration's, which wins over the profile's (as for every authority
    field). A relative path is read from the folder of the file that names it, never from the current folder.
    """
    found = None
    sources = (
        ("policy profile", case.profile.get("authority"), case.profile.get("path")),
        ("configuration file", case.config.get("authority"), case.config.get("path")),
        ("case file", case.data.get("authority"), case.data.get("_path")),
    )
    for what, authority, path in sources:
        logo = (authority or {}).get("logo")
        if logo and path:
            found = (logo, f"{what} {path}", Path(path).resolve().parent)
    return found


def resolve_logo(case) -> Path | None:
    """The checked logo file for this case, or None; a RenderError naming the field if it cannot be used."""
    source = logo_source(case)
    if source is None:
        return None
    written, named_in, folder = source
    field = f"authority.logo in the {named_in}"
    path = Path(written)
    if not path.is_absolute():
        path = folder / path
    resolved = path.resolve()
    if not resolved.is_relative_to(folder):
        raise RenderError(
            f"{field}: the logo {written} is outside the folder of that file ({folder}). Put the "
            "logo file in that folder (or a folder inside it) and name it there, e.g. logo: logo.png."
        )
    try:
        info = resolved.stat()
    except OSError:
        raise RenderError(f"{field}: the logo {written} was not found (looked for {resolved}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise RenderError(f"{field}: the logo {written} is not an ordinary file.")
    if info.st_size > MAX_LOGO_BYTES:
        raise RenderError(
            f"{field}: the logo {written} is {info.st_size // 1024} kB, larger than the "
            f"{MAX_LOGO_BYTES // 1024} kB a logo may be (it is copied into every document). Save a "
            "smaller PNG or JPEG, e.g. 600 pixels wide."
        )
    _check_image(resolved, written, field)
    return resolved


def _check_image(path: Path, written: str, field: str) -> None:
    from PIL import Image

    with path.open("rb") as handle:
        head = handle.read(8)
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        raise RenderError(
            f"{field}: the logo {written} is not a PNG or JPEG image (SVG, GIF and other files cannot "
            "be used). Save it as PNG and name that file."
        )
    too_big = (
        f"{field}: the logo {written} is larger than {MAX_LOGO_PIXELS} x {MAX_LOGO_PIXELS} pixels. Save a "
        "smaller copy, e.g. 600 pixels wide."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: the size is checked just below
            with Image.open(path) as image:  # reads the header only; the pixels are not decoded here
                kind, (width, height) = image.format, image.size
    except Image.DecompressionBombError:
        raise RenderError(too_big) from None
    except Exception:  # Pillow raises many kinds of error for damaged files; all mean the same to the user
        raise RenderError(f"{field}: the logo {written} is a damaged image. Save it again as PNG.") from None
    if kind not in FORMATS:
        raise RenderError(f"{field}: the logo {written} is not a PNG or JPEG image. Save it as PNG.")
    if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
        raise RenderError(too_big)

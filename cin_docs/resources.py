"""Where cin-docs finds its shipped data: templates, policy profiles, schemas (in a checkout or an installed wheel)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """A top-level data folder: inside the package when installed from a wheel, beside it in a checkout."""
    installed = PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


def templates_dir() -> Path:
    return _shipped("templates")


def html_templates_dir() -> Path:
    return templates_dir() / "html"


def docx_templates_dir() -> Path:
    return templates_dir() / "docx"


def schemas_dir() -> Path:
    return _shipped("schemas")


def profiles_dir() -> Path:
    return PACKAGE_DIR / "policies" / "profiles"


def samples_dir() -> Path:
    """The sample case files (a checkout's samples/, or the copy shipped in the wheel)."""
    return _shipped("samples")


# ---- an authority's own templates (a folder with docx/<kind>.docx, html/<kind>.html, html/print.css) ------------
# Every lookup takes the override folder (or None) and falls back to the built-in template file by file.

OVERRIDE_PARTS = ("docx", "html")
PRINT_CSS = "print.css"


def override_file(folder: Path | None, part: str, name: str) -> Path | None:
    """The override folder's own <part>/<name>, or None when it has none (or there is no folder).

    A file that is a link to somewhere outside the folder does not count as the folder's own: it is refused.
    """
    if folder is None:
        return None
    candidate = Path(folder) / part / name
    if not candidate.is_file():
        return None
    if not inside(candidate, folder):
        from .errors import TemplateError

        raise TemplateError(
            f"The template {part}/{name} in {folder} is a link to a file outside that folder. "
            "Templates may use only files inside their own folder: copy the file in instead."
        )
    return candidate


def inside(path: Path, folder: Path) -> bool:
    """Whether `path`, with links followed and '..' removed, is inside `folder` (also resolved)."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def docx_template(name: str, folder: Path | None = None) -> Path:
    """docx/<name> from the override folder if it has one, else the built-in Word template."""
    return override_file(folder, "docx", name) or docx_templates_dir() / name


def html_template_dirs(folder: Path | None = None) -> list[Path]:
    """Where HTML templates are looked up, first match wins: the override folder's html/, then the built-ins."""
    dirs = [html_templates_dir()]
    if folder is not None and (Path(folder) / "html").is_dir():
        dirs.insert(0, Path(folder) / "html")
    return dirs


def print_css_additions(folder: Path | None) -> Path | None:
    """html/print.css in the override folder: appended after the built-in print.css, never instead of it."""
    return override_file(folder, "html", PRINT_CSS)

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

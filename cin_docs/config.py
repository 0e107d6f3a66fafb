"""User configuration: office closure days and authority branding that apply to every case (optional file)."""

from __future__ import annotations

import os
from pathlib import Path

import marshmallow as ma
from marshmallow import fields, validate

from .errors import InputFileError
from .inputs import load_file
from .models import flatten_messages, format_path
from .models.case import Authority
from .models.fields import Date, Strict

ENV_VAR = "CIN_DOCS_CONFIG"


class Config(Strict):
    closures = fields.List(
        Date(),
        load_default=list,
        validate=validate.Length(
            max=1000, error="At most {max} closure days: list the days the offices are closed, not every day."
        ),
    )
    authority = fields.Nested(Authority)
    templates = fields.String(
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "The authority's own templates folder (docx/, html/), relative to this file"},
    )


def load_config(path: str | Path | None = None) -> dict:
    """The config named by --config, else $CIN_DOCS_CONFIG, else nothing (an empty configuration)."""
    path = path or os.environ.get(ENV_VAR)
    if not path:
        return {"closures": [], "path": None}
    loaded = load_file(Path(path), what="configuration file")
    try:
        config = Config().load(loaded.data)
    except ma.ValidationError as exc:
        problems = "; ".join(f"{format_path(p)}: {m}" for p, m in flatten_messages(exc.messages))
        raise InputFileError(f"The configuration file {path} has problems: {problems}") from None
    config["path"] = Path(path)
    if config.get("templates"):
        config["templates"] = templates_folder(
            Path(path).resolve().parent / Path(config["templates"]).expanduser(),
            f"'templates:' in the configuration file {path}",
        )
    return config


def templates_folder(path: Path, named_by: str) -> Path:
    """An authority's templates folder, resolved; refused unless it is a folder with docx/ or html/ in it."""
    from .errors import UsageError

    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise UsageError(
            f"The templates folder {path} (named by {named_by}) does not exist or is not a folder. "
            "Make one with: cin-docs templates export -o <folder>"
        )
    if not any((folder / part).is_dir() for part in ("docx", "html")):
        raise UsageError(
            f"The templates folder {path} (named by {named_by}) has no docx or html folder in it, so "
            "it overrides nothing. Put your Word templates in docx/ and web page templates in html/ "
            "(cin-docs templates export -o <folder> shows the layout)."
        )
    return folder

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
    closures = fields.List(Date(), load_default=list, validate=validate.Length(
        max=1000, error="At most {max} closure days: list the days the offices are closed, not every day."))
    authority = fields.Nested(Authority)


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
    return config

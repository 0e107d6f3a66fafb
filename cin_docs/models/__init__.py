"""Case-file loading and validation: read the file, check it against the case model, report every problem at once."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import marshmallow as ma

from ..errors import CaseValidationError
from ..inputs import LoadedFile, load_file
from .case import CaseFile


def flatten_messages(messages: Any, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    """marshmallow's nested error dict as (path, message) pairs; the path is a tuple of keys and indexes."""
    out: list[tuple[tuple, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = prefix if key == "_schema" else prefix + (key,)
            out.extend(flatten_messages(value, path))
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, (dict, list)):
                out.extend(flatten_messages(item, prefix))
            else:
                out.append((prefix, str(item)))
    else:
        out.append((prefix, str(messages)))
    return out


def format_path(path: tuple) -> str:
    """('plan', 'actions', 2, 'due') -> 'plan.actions[2].due'."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "(the whole file)"


@functools.cache
def case_schema() -> CaseFile:
    """One CaseFile schema per process: building it (and every nested schema under it) costs more than loading a
    case, and a marshmallow schema keeps no state between loads."""
    return CaseFile()


def known_fields(path: tuple, schema: ma.Schema | None = None) -> list[str]:
    """The field names the case model allows beside the last key of `path` (for "did you mean" suggestions)."""
    schema = schema if schema is not None else CaseFile()
    for key in path[:-1]:
        if isinstance(key, int):
            continue
        field = schema.fields.get(key)
        if isinstance(field, ma.fields.List):
            field = field.inner
        if not isinstance(field, ma.fields.Nested):
            return []
        schema = field.schema
    return [f.data_key or name for name, f in schema.fields.items()]


def suggest_field(path: tuple) -> str | None:
    """The allowed field closest to a misspelt key ('ower' -> 'owner'), or None."""
    import difflib

    if not path or isinstance(path[-1], int):
        return None
    close = difflib.get_close_matches(str(path[-1]), known_fields(path), n=1, cutoff=0.7)
    return close[0] if close else None


def validate_data(data: dict, source: str = "case file", loaded: LoadedFile | None = None) -> dict:
    try:
        return case_schema().load(data)
    except ma.ValidationError as exc:
        errors = []
        for path, message in flatten_messages(exc.messages):
            line = loaded.line_of(path) if loaded is not None else None
            where = format_path(path) + (f" (line {line})" if line else "")
            if message.startswith("Unknown field"):
                # Only schema names are suggested, never anything from the file (the key itself is not echoed).
                guess = suggest_field(path)
                if guess:
                    message = (
                        f"Unknown field: did you mean '{guess}'? If not, check the spelling "
                        "(schemas/case.schema.json lists every field)."
                    )
            errors.append((where, message))
        raise CaseValidationError(source, errors) from None


def load_case(path: Path | str) -> dict:
    """Read and validate one case file; the result is plain data (dicts, lists, dates) plus `_path`."""
    return load_case_with_lines(path)[0]


def load_case_with_lines(path: Path | str) -> tuple[dict, LoadedFile]:
    """load_case, and the loaded file (its `line_of` finds the line of a field path, for later checks' messages)."""
    loaded = load_file(path)
    case = validate_data(loaded.data, str(path), loaded)
    case["_path"] = Path(path)
    return case, loaded

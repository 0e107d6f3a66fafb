"""A misspelt key is refused in every section of the case file, never silently dropped.

The sections are found by walking the case model (every Nested and List(Nested) field of CaseFile, all the way
down), so a section added to models/case.py is covered without touching this file. A silently dropped key is a
wrong date or a wrong reader: `sen: false` under a visit would leave `seen` at its default, and an unseen child
would count as seen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import marshmallow as ma
import pytest
from marshmallow import fields, validate

from cin_docs import api
from cin_docs.errors import CaseValidationError
from cin_docs.models import validate_data
from cin_docs.models.case import CaseFile
from cin_docs.models.fields import Date, DueDate, Time

DAY = "2026-11-16"
BASE = {"case_id": "KEY-1", "policy": "hillingdon", "child": {"first_name": "Test", "last_name": "Child"}}
MISSPELT = "sectoin_nmae"  # no schema has it, and it is not a near-miss of any real field


def _nested_schema(field: fields.Field) -> tuple[ma.Schema, bool] | None:
    """(the schema, whether it is a list of them) for a Nested or List(Nested) field; None for a leaf."""
    if isinstance(field, fields.Nested):
        return field.schema, False
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        return field.inner.schema, True
    return None


def _value(field: fields.Field):
    """A valid value for a required leaf field (the first choice of a list of choices)."""
    for check in field.validators:
        if isinstance(check, validate.OneOf):
            return next(iter(check.choices))
    if isinstance(field, (Date, DueDate)):
        return DAY
    if isinstance(field, Time):
        return "10:00"
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Integer):
        ranges = [c for c in field.validators if isinstance(c, validate.Range)]
        return ranges[0].min if ranges and ranges[0].min is not None else 1
    if isinstance(field, fields.Email):
        return "someone@example.org"
    if isinstance(field, fields.List):
        return [_value(field.inner)]
    if isinstance(field, fields.String):
        return "Test"
    raise AssertionError(f"teach _value() a valid value for a required {type(field).__name__} field")


def minimal(schema: ma.Schema) -> dict:
    """The smallest valid instance of a section: its required fields only."""
    out = {}
    for name, field in schema.fields.items():
        if not field.required:
            continue
        nested = _nested_schema(field)
        key = field.data_key or name
        if nested is None:
            out[key] = _value(field)
        else:
            out[key] = [minimal(nested[0])] if nested[1] else minimal(nested[0])
    return out


def sections(schema: ma.Schema, path: tuple = (), seen: tuple = ()) -> list[tuple[tuple, ma.Schema]]:
    """(path, schema) for every nested section; a list's path ends in index 0."""
    out = []
    for name, field in schema.fields.items():
        nested = _nested_schema(field)
        if nested is None:
            continue
        inner, many = nested
        if type(inner) in seen:  # a recursive schema would never end; none is recursive now
            continue
        here = path + ((field.data_key or name, 0) if many else (field.data_key or name,))
        out.append((here, inner))
        out.extend(sections(inner, here, seen + (type(inner),)))
    return out


def _dotted(path: tuple) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


def case_with(path: tuple, extra: dict) -> dict:
    """BASE with every section along `path` present (minimal) and `extra` merged into the innermost one."""
    data = {**BASE, "child": dict(BASE["child"])}
    node, schema = data, CaseFile()
    for key in path:
        if isinstance(key, int):
            continue
        field = schema.fields[next(n for n, f in schema.fields.items() if (f.data_key or n) == key)]
        inner, many = _nested_schema(field)
        if key not in node:
            node[key] = [minimal(inner)] if many else minimal(inner)
        node = node[key][0] if many else node[key]
        schema = inner
    node.update(extra)
    return data


SECTIONS = sections(CaseFile())


def test_the_walk_finds_the_sections_a_person_would_misspell_in():
    found = {_dotted(p) for p, _ in SECTIONS}
    # The review's examples, and a section two levels down inside a list.
    assert {
        "visits[0]",
        "meetings[0]",
        "nrpf",
        "assessment",
        "plan.actions[0]",
        "escalations[0].stages[0]",
        "transfer.consent",
        "child.views",
        "meetings[0].reports_received[0]",
    } <= found
    assert len(found) == len(SECTIONS)  # no section reached twice by the same path


@pytest.mark.parametrize("path", [p for p, _ in SECTIONS], ids=_dotted)
def test_a_minimal_section_is_valid(path):
    """The generated section is valid on its own, so the refusal below is about the key and nothing else."""
    validate_data(case_with(path, {}))


@pytest.mark.parametrize("path", [()] + [p for p, _ in SECTIONS], ids=lambda p: _dotted(p) or "top level")
def test_an_unknown_key_is_refused_at_its_path(path):
    with pytest.raises(CaseValidationError) as err:
        validate_data(case_with(path, {MISSPELT: "x"}))
    where = _dotted(path + (MISSPELT,))
    assert err.value.errors == [
        (where, "Unknown field: check the spelling (schemas/case.schema.json lists every field).")
    ]


VISITS_YAML = """\
case_id: KEY-1
policy: hillingdon
child:
  first_name: Test
  last_name: Child
visits:
  - date: 2026-11-16
  - date: 2026-11-20
    {seen}: false
"""


def test_a_misspelt_seen_is_refused_not_read_as_seen(tmp_path):
    """End to end from a YAML file: the error names the path and the line."""
    path = tmp_path / "case.yaml"
    path.write_text(VISITS_YAML.format(seen="sen"), encoding="utf-8")
    with pytest.raises(CaseValidationError) as err:
        api.load(path)
    assert err.value.errors == [
        (
            "visits[1].sen (line 9)",
            "Unknown field: did you mean 'seen'? If not, check the "
            "spelling (schemas/case.schema.json lists every field).",
        )
    ]


def test_the_same_case_spelt_right_counts_the_visit_as_not_seen(tmp_path):
    """The control for the test above: with `seen: false` the next visit counts from the earlier, seen visit."""
    path: Path = tmp_path / "case.yaml"
    path.write_text(VISITS_YAML.format(seen="seen"), encoding="utf-8")
    case = api.load(path)
    visits = [d for d in api.due_dates(case, dt.date(2026, 11, 23)) if d.from_.startswith("visits")]
    assert visits and {d.from_ for d in visits} == {"visits[0]"}

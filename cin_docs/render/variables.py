"""What each document kind's templates can use: the variables of its context, found by building the contexts of
every sample case and walking them, each with a one-line meaning (for `templates export` and `templates check`).

Meanings come from the case model's field descriptions when a variable is copied from the case file, and from
variables.yaml beside this module for the variables cin-docs works out.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import yaml

from .. import resources

# The samples are written for this date (the demo and the tests use it too): their planned meetings are still ahead.
SAMPLES_AS_OF = dt.date(2026, 11, 23)
MEANINGS_FILE = Path(__file__).with_name("variables.yaml")


class Shape:
    """The union of the values one variable took in every context seen: its sub-variables, list items and kinds."""

    __slots__ = ("keys", "item", "kinds")

    def __init__(self) -> None:
        self.keys: dict[str, Shape] | None = None
        self.item: Shape | None = None
        self.kinds: set[str] = set()

    def add(self, value) -> Shape:
        if isinstance(value, Mapping):
            self.kinds.add("section")
            self.keys = self.keys if self.keys is not None else {}
            for key, item in value.items():
                self.keys.setdefault(str(key), Shape()).add(item)
        elif isinstance(value, (list, tuple)):
            self.kinds.add("list")
            self.item = self.item or Shape()
            for item in value:
                self.item.add(item)
        else:
            self.kinds.add(_kind_of(value))
        return self

    @classmethod
    def of(cls, contexts: Iterable[Mapping]) -> Shape:
        shape = cls()
        for context in contexts:
            shape.add(context)
        return shape

    def child(self, key: str) -> Shape | None:
        return self.keys.get(key) if self.keys is not None else None

    def describe(self) -> str:
        """The kind of value in words: text, date, list of sections, ... ('empty in the samples' if only None)."""
        kinds = self.kinds - {"empty"}
        if not kinds:
            return "empty in every sample"
        if kinds == {"list"}:
            inner = self.item.describe() if self.item and self.item.kinds - {"empty"} else "items"
            return f"list of {inner.replace('section', 'sections')}" if inner != "items" else "list"
        words = " or ".join(sorted(kinds))
        return words + (" (may be empty)" if "empty" in self.kinds else "")


def _kind_of(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, str):
        return "text"
    return "value"


@dataclass(frozen=True)
class SampleContext:
    sample: str  # the sample file's name
    context: dict
    default: bool  # made with the command's default choices (rendered by `templates check`); else a variant


@functools.cache
def sample_contexts(kind: str) -> tuple[SampleContext, ...]:
    """Every context the kind's builder makes from the sample cases (each meeting and escalation in turn, too)."""
    from .. import api
    from ..documents import Options
    from ..errors import CinDocsError

    out: list[SampleContext] = []
    seen: set[str] = set()
    for path in sorted(resources.samples_dir().glob("*.yaml")):
        try:
            case = api.load(path, {"closures": []})
        except CinDocsError:
            continue
        variants = [Options(as_of=SAMPLES_AS_OF, allow_unsmart=True)]
        variants += [
            Options(as_of=SAMPLES_AS_OF, meeting=str(i), allow_unsmart=True)
            for i in range(len(case.data.get("meetings", [])))
        ]
        variants += [
            Options(as_of=SAMPLES_AS_OF, escalation=i, allow_unsmart=True)
            for i in range(len(case.data.get("escalations", [])))
        ]
        for number, options in enumerate(variants):
            try:
                built = api.build(case, kind, options)
            except CinDocsError:
                continue
            for output in built.outputs:
                key = repr(output.context)
                if key not in seen:
                    seen.add(key)
                    out.append(SampleContext(path.name, output.context, number == 0))
    return tuple(out)


def docx_extras(context: Mapping) -> dict:
    """The context as the Word backend sees it: authority.logo_image (the logo as a picture) is added there."""
    authority = context.get("authority")
    if isinstance(authority, Mapping):
        return {**context, "authority": {**authority, "logo_image": authority.get("logo_image")}}
    return dict(context)


@functools.cache
def kind_shape(kind: str, part: str = "docx") -> Shape:
    """The union of every sample context of the kind (for "docx", with the Word-only variables)."""
    extras = docx_extras if part == "docx" else dict
    return Shape.of(extras(s.context) for s in sample_contexts(kind))


# ---- meanings ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    return yaml.safe_load(MEANINGS_FILE.read_text(encoding="utf-8"))


def meaning(kind: str, path: str) -> str:
    """One line saying what the variable at `path` (e.g. child.known_as, meeting.invitees[].name) is."""
    table = _table()
    for key in (f"{kind}:{path}", path):
        if key in table["meanings"]:
            return table["meanings"][key]
    field, case_path = case_file_field(path)
    if field is not None:
        description = (field.metadata or {}).get("description")
        if description:
            return f"{description} (case file: {case_path})"
        leaf = case_path.rsplit(".", 1)[-1].replace("[]", "").replace("_", " ")
        return f"{leaf.capitalize()}, as written in the case file ({case_path})."
    parent, _, leaf = path.rpartition(".")
    if parent.startswith("meeting_labels") or path.startswith("meeting_labels."):
        return f"The policy's name for a {leaf} meeting."
    siblings = set((_parent_shape(kind, parent).keys or {}) if parent else ())
    if {"rule", "due"} <= siblings and leaf in table["deadline_parts"]:
        return table["deadline_parts"][leaf]
    if "name" in siblings and leaf in table["person_parts"]:
        return table["person_parts"][leaf]
    return "(no description yet)"


def _parent_shape(kind: str, path: str) -> Shape:
    shape: Shape | None = kind_shape(kind)
    for segment in path.split("."):
        list_item = segment.endswith("[]")
        shape = shape.child(segment.removesuffix("[]")) if shape is not None else None
        if list_item and shape is not None:
            shape = shape.item
    return shape or Shape()


def case_file_field(path: str):
    """The case model's field a context path is copied from (via the roots in variables.yaml), and its case path."""
    import marshmallow as ma
    from marshmallow import fields

    from ..models.case import CaseFile

    head, _, rest = path.replace("[]", "").partition(".")
    root = _table()["case_file_roots"].get(head)
    if root is None:
        return None, None
    segments = [s for s in (root.replace("[]", "") + ("." + rest if rest else "")).split(".") if s]
    schema: ma.Schema | None = CaseFile()
    field = None
    for segment in segments:
        if schema is None or segment not in schema.fields:
            return None, None
        field = schema.fields[segment]
        inner = field.inner if isinstance(field, fields.List) else field
        schema = None
        if isinstance(inner, fields.Nested):
            nested = inner.nested
            # The case models nest Schema classes or instances only (never a name or a dict of fields).
            schema = cast(ma.Schema, nested() if isinstance(nested, type) else nested)
    case_path = root + ("." + rest if rest else "")
    return field, case_path


def variable_rows(kind: str) -> list[tuple[str, str, str]]:
    """(placeholder path, kind of value, meaning) for every variable of the kind, in context order."""
    rows: list[tuple[str, str, str]] = []

    def walk(shape: Shape, prefix: str) -> None:
        for key, sub in (shape.keys or {}).items():
            path = f"{prefix}.{key}" if prefix else key
            rows.append((path, sub.describe(), meaning(kind, path)))
            if sub.keys:
                walk(sub, path)
            if sub.item is not None and sub.item.keys:
                walk(sub.item, path + "[]")

    walk(kind_shape(kind), "")
    return rows

"""Field types shared by the case and profile schemas, with messages that describe the rule, never the value."""

from __future__ import annotations

import datetime as dt
import re

import marshmallow as ma
from marshmallow import fields, validate

DATE_HELP = "write it as YYYY-MM-DD, e.g. 2026-11-16, and check the day exists in that month"


class Date(fields.Date):
    """An ISO date between 1900 and 2100; accepts a YAML/JSON date or text."""

    default_error_messages = {
        "invalid": f"Not a valid date: {DATE_HELP}.",
        "format": f"Not a valid date: {DATE_HELP}.",
        "range": "Not a plausible date: it must fall between 1900 and 2100.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            result = value
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            result = super()._deserialize(value.strip(), attr, data, **kwargs)
        else:
            raise self.make_error("invalid")
        if not 1900 <= result.year <= 2100:
            raise self.make_error("range")
        return result

    def _jsonschema_type_mapping(self):
        return {"type": ["string", "null"] if self.allow_none else "string", "format": "date"}


class Time(fields.Field):
    """A 24-hour clock time written HH:MM, kept as datetime.time."""

    default_error_messages = {
        "invalid": "Not a valid time: write it as HH:MM on the 24-hour clock, e.g. 09:30 or 14:00."
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.time):
            return value
        if isinstance(value, str):
            m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
            if m:
                return dt.time(int(m.group(1)), int(m.group(2)))
        raise self.make_error("invalid")

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")

    def _jsonschema_type_mapping(self):
        return {"type": "string", "pattern": r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"}


class DueDate(fields.Field):
    """An action's due date: a date, or the words 'ongoing'/'continuing', kept so the SMART check can name them."""

    OPEN_ENDED = ("ongoing", "continuing")
    default_error_messages = {
        "invalid": f"Not a valid due date: {DATE_HELP} (or 'ongoing', which the SMART check will question)."
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip().lower() in self.OPEN_ENDED:
            return value.strip().lower()
        try:
            return Date()._deserialize(value, attr, data, **kwargs)
        except ma.ValidationError:
            raise self.make_error("invalid") from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if isinstance(value, dt.date) else value

    def _jsonschema_type_mapping(self):
        return {"type": "string", "anyOf": [{"format": "date"}, {"enum": list(self.OPEN_ENDED)}]}


class Text(fields.String):
    """Free text: any length up to a generous limit, so a pasted document is caught but real notes are not."""

    def __init__(self, *args, max_length: int = 20000, **kwargs):
        kwargs.setdefault("validate", validate.Length(max=max_length, error="Too long: at most {max} characters."))
        super().__init__(*args, **kwargs)


class Name(fields.String):
    """A name, role or short label: one line, not blank (a letter starting "Dear  ," helps nobody)."""

    default_error_messages = {
        "blank": "Must not be blank: write the name, or leave the field out.",
        "lines": "Must be on one line.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "validate", validate.Length(min=1, max=200, error="Must be between {min} and {max} characters.")
        )
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text and not text.strip():
            raise self.make_error("blank")
        if "\n" in text or "\r" in text:
            raise self.make_error("lines")
        return text


#: Items in any one list of a case file. A child's case has tens of meetings and visits; a list longer than this is
#: a mistake (or an attack) that would make a 1,000-page document, so it is refused with this message.
MAX_ITEMS = 1000
LIST_LENGTH = validate.Length(
    max=MAX_ITEMS,
    error="Too many entries: at most {max}. Check the file; split a very long history into a separate record.",
)


def one_of(choices, **kwargs):
    return fields.String(validate=validate.OneOf(list(choices), error="Must be one of: {choices}."), **kwargs)


class Strict(ma.Schema):
    """Base schema: unknown keys are errors (a misspelt key would otherwise be silently ignored)."""

    error_messages = {
        "unknown": "Unknown field: check the spelling (schemas/case.schema.json lists every field).",
    }

    class Meta:
        unknown = ma.RAISE
        ordered = True


# Said the same way for every field, in words a social worker uses.
fields.Field.default_error_messages = {
    **fields.Field.default_error_messages,
    "required": "Required: this field must be filled in.",
    "null": "Must have a value: leave the field out instead of writing nothing.",
}


# ---- withholding: free text a case file marks as not for some readers ------------------------------------------

#: Words a `withhold_from` list may use instead of names: everyone in the family (family, network and the child),
#: or every professional in the case file.
GROUP_WORDS = ("family", "professionals")


class WithheldText(str):
    """A piece of free text the case file withholds from some people: a `str` everywhere (documents need no change),
    carrying the names (or group words) it is withheld from, for the disclosure check and redacted copies."""

    withhold_from: tuple[str, ...]

    def __new__(cls, text: str, withhold_from) -> WithheldText:
        obj = super().__new__(cls, text)
        obj.withhold_from = tuple(withhold_from)
        return obj

    def __reduce__(self):
        return (WithheldText, (str(self), self.withhold_from))


def withheld(text: str, withhold_from) -> WithheldText:
    """`text` withheld from more people (merging with any names it is already withheld from)."""
    before = getattr(text, "withhold_from", ())
    merged = tuple(dict.fromkeys([*before, *withhold_from]))
    return WithheldText(str(text), merged)


class Withholdable:
    """A text field that also accepts `{text: ..., withhold_from: [names]}`: the item is then kept from those people
    (a name as written in the case file, or 'family' or 'professionals')."""

    withhold_messages = {
        "withhold_shape": "Write either the text itself, or 'text:' and 'withhold_from:' (a list of names, 'family' "
        "or 'professionals') and nothing else.",
        "withhold_list": "withhold_from must be a list of at least one name as written in the case file (or 'family' "
        "or 'professionals').",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            names = value.get("withhold_from")
            if set(value) != {"text", "withhold_from"} or not isinstance(value.get("text"), str):
                raise ma.ValidationError(self.withhold_messages["withhold_shape"])
            if (
                not isinstance(names, list)
                or not names
                or not all(isinstance(n, str) and n.strip() and len(n) <= 200 for n in names)
            ):
                raise ma.ValidationError(self.withhold_messages["withhold_list"])
            text = super()._deserialize(value["text"], attr, data, **kwargs)
            return WithheldText(text, [n.strip() for n in names])
        return super()._deserialize(value, attr, data, **kwargs)

    def _jsonschema_type_mapping(self):
        return {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["text", "withhold_from"],
                    "properties": {
                        "text": {"type": "string"},
                        "withhold_from": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "minLength": 1, "maxLength": 200},
                        },
                    },
                },
            ]
        }


class CaseText(Withholdable, Text):
    """Free text in a case file; may be marked withheld from named people."""


class PlaceName(Withholdable, Name):
    """A short name of a place or service (a school, a GP practice); may be marked withheld from named people."""

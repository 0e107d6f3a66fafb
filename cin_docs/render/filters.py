"""Jinja filters shared by the HTML and DOCX templates: UK dates and times, lists, yes/no answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

NOT_RECORDED = "not recorded"

# Spelled out rather than strftime("%A"/"%B"), which follow the process locale; "%-d" is not portable either.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def longdate(value: dt.date | dt.datetime | str | None) -> str:
    """Monday 16 November 2026."""
    if value is None:
        return NOT_RECORDED
    day = _as_date(value)
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def shortdate(value: dt.date | dt.datetime | str | None) -> str:
    """16/11/2026."""
    if value is None:
        return NOT_RECORDED
    day = _as_date(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def time(value: dt.time | dt.datetime | str | None) -> str:
    """10:00 (24-hour clock)."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, str):
        value = dt.time.fromisoformat(value)
    return f"{value.hour:02d}:{value.minute:02d}"


def datetime_long(value: dt.datetime | dt.date | str | None) -> str:
    """Monday 16 November 2026 at 10:00 (a bare date gives just the date)."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return longdate(value)
    return f"{longdate(value)} at {time(value)}"


def joinlist(values: Iterable[object] | None) -> str:
    """A, B and C (no serial comma, as in UK correspondence)."""
    items = [str(v) for v in (values or ())]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def yesno(value: bool | None) -> str:
    """Yes / No / Not recorded."""
    if value is None:
        return "Not recorded"
    return "Yes" if value else "No"


FILTERS = {
    "longdate": longdate,
    "shortdate": shortdate,
    "time": time,
    "datetime_long": datetime_long,
    "joinlist": joinlist,
    "yesno": yesno,
}

"""Jinja filters shared by the HTML and DOCX templates: UK dates and times, lists, yes/no answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from markupsafe import Markup, escape

NOT_RECORDED = "not recorded"

# Spelled out rather than strftime("%A"/"%B"), which follow the process locale; "%-d" is not portable either.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
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


def dob(value: dt.date | dt.datetime | str | None) -> str:
    """14 May 2017: a date of birth, without the weekday (nobody needs the day of the week they were born on)."""
    if value is None:
        return NOT_RECORDED
    day = _as_date(value)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


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


def time12(value: dt.time | dt.datetime | str | None) -> str:
    """4pm, 5:15pm, 9:30am, midday (the 12-hour clock, for letters to families and children)."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, str):
        value = dt.time.fromisoformat(value)
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


# A name in a heading must not break over two lines ("Ellie-" / "May Brennan"). A name longer than _WHOLE may still
# wrap between its words, and a single word longer than _WORD at its hyphens, so that no name can run off the page.
_WHOLE, _WORD = 40, 30


def nobreak_html(value: object) -> Markup:
    """The text in spans the PDF will not break inside (print.css: .nobreak { white-space: nowrap })."""
    text = str(value)
    pieces = [text] if len(text) <= _WHOLE else text.split(" ")
    return Markup(" ").join(
        Markup('<span class="nobreak">{}</span>').format(p) if len(p) <= _WHOLE else escape(p) for p in pieces if p
    )


# Word: a non-breaking hyphen is its own run content (w:noBreakHyphen), and a no-break space keeps words together.
# The markup closes and reopens the run's w:t, as docxtpl's own Listing does for line breaks.
_DOCX_NB_HYPHEN = Markup('</w:t><w:noBreakHyphen/><w:t xml:space="preserve">')


def nobreak_docx(value: object) -> Markup:
    """The text with non-breaking hyphens and (for names up to 40 characters) no-break spaces, as Word XML."""
    text = str(value)
    words = text.split(" ")
    joined = []
    for word in words:
        joined.append(
            _DOCX_NB_HYPHEN.join(escape(part) for part in word.split("-")) if len(word) <= _WORD else escape(word)
        )
    return Markup("\u00a0" if len(text) <= _WHOLE else " ").join(joined)


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
    "time12": time12,
    "dob": dob,
    # The HTML environment's; render/jinja.py gives the Word environment nobreak_docx under the same name.
    "nobreak": nobreak_html,
    "datetime_long": datetime_long,
    "joinlist": joinlist,
    "yesno": yesno,
}


def deadline_status_words(d) -> str:
    """What `cin-docs due-dates` and the web case page say before a deadline's explanation: when it was met, or why
    it is on the record ("done late, on …; ", "the plan ended without it; "); empty for an open deadline."""
    if d.status == "late":
        return f"done late, on {longdate(d.satisfied_on)}; "
    if d.status == "missed":
        return "the plan ended without it; "
    if d.status == "passed":
        return "a target, not a deadline: the plan went on past it; "
    return f"met on {longdate(d.satisfied_on)}; " if d.satisfied_on and d.status == "met" else ""

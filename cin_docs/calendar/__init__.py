"""Working-day and calendar-date arithmetic for deadlines (England & Wales bank holidays, office closures)."""

from __future__ import annotations

import bisect
import functools
import json
from collections.abc import Iterable, Mapping
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

__all__ = [
    "WorkingCalendar",
    "add_days",
    "add_months",
    "add_weeks",
    "add_years",
    "birthday",
    "last_weekday_of_month",
]

# No real calendar has years without a working day; a search that runs this far
# means the closures make every day non-working, so stop rather than loop forever.
_MAX_SEARCH_DAYS = 3 * 366

_ONE_DAY = timedelta(days=1)
_OBSERVED_SUFFIX = " (observed)"


# The holidays package's England & Wales bank holidays for 1900-2100, written out by scripts/build_bank_holidays.py:
# asking the package itself costs about 0.1 s of CPU per process, because `country_holidays("GB")` imports all of its
# ~250 country modules first. tests/test_bank_holidays.py proves the file says what the package says for every year.
_BANK_HOLIDAYS_FILE = Path(__file__).with_name("bank_holidays.json")


@functools.cache
def _bank_holiday_file() -> tuple[int, int, dict[int, dict[date, str]]]:
    data = json.loads(_BANK_HOLIDAYS_FILE.read_text(encoding="utf-8"))
    by_year: dict[int, dict[date, str]] = {}
    for day, name in data["days"].items():
        d = date.fromisoformat(day)
        by_year.setdefault(d.year, {})[d] = name
    return data["first_year"], data["last_year"], by_year


@functools.cache
def _bank_holidays(year: int) -> Mapping[date, str]:
    """England & Wales bank holidays for one year, built on first use and kept for the process."""
    first, last, by_year = _bank_holiday_file()
    if first <= year <= last:
        return MappingProxyType(by_year.get(year, {}))
    import holidays

    # A fresh per-year object, frozen into a plain mapping: a HolidayBase silently
    # adds whole years to itself whenever it is asked about a date outside them.
    table = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return MappingProxyType(dict(table))


def _check_date(d: object) -> date:
    # datetime is a subclass of date but never equals one, so it would miss every
    # holiday/closure lookup and leak datetimes into results.
    if not isinstance(d, date) or isinstance(d, datetime):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    return d


def _check_count(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int number of working days, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"number of working days must be >= 0, got {n}")
    return n


def _describe_holiday(names: str) -> str:
    # The holidays package labels substitute days "Boxing Day (observed)" and joins
    # several names on one day with "; "; reword both for people reading a letter.
    parts = []
    for name in names.split("; "):
        if name.endswith(_OBSERVED_SUFFIX):
            name = f"substitute day for {name[: -len(_OBSERVED_SUFFIX)]}"
        parts.append(name)
    return " and ".join(parts)


class _WorkingDayTable:
    """The working days of a span of years as sorted ordinals, so counting N working days is one bisect and an
    index (O(log n)) instead of a day-by-day walk. Built once per process for each set of closure days, and
    widened (rebuilt) when a date outside the span is asked about."""

    def __init__(self, closures: frozenset[date]) -> None:
        self.closures = closures
        self.first_year = self.last_year = 0
        self.days: list[int] = []
        self.working: set[int] = set()

    def cover(self, d: date) -> None:
        # A margin of a year each side: adding or subtracting up to ~250 working days stays inside the table.
        lo, hi = d.year - 1, d.year + 1
        if self.days and self.first_year <= lo and hi <= self.last_year:
            return
        lo, hi = (min(lo, self.first_year), max(hi, self.last_year)) if self.days else (lo, hi)
        lo, hi = max(lo, MINYEAR), min(hi, MAXYEAR)
        days = []
        day, end = date(lo, 1, 1), date(hi, 12, 31)
        while day <= end:
            if day.weekday() < 5 and day not in self.closures and _bank_holidays(day.year).get(day) is None:
                days.append(day.toordinal())
            day += _ONE_DAY
        self.first_year, self.last_year, self.days, self.working = lo, hi, days, set(days)


@functools.cache
def _table(closures: frozenset[date]) -> _WorkingDayTable:
    return _WorkingDayTable(closures)


class WorkingCalendar:
    """Monday to Friday, minus England & Wales bank holidays, minus the given closure days."""

    def __init__(self, closures: Iterable[date] = ()) -> None:
        self._closures = frozenset(_check_date(d) for d in closures)
        self._days = _table(self._closures)

    @property
    def closures(self) -> frozenset[date]:
        return self._closures

    def bank_holiday_name(self, d: date) -> str | None:
        """The holidays package's name for d if it is a bank holiday (on any weekday), else None."""
        return _bank_holidays(_check_date(d).year).get(d)

    def is_working_day(self, d: date) -> bool:
        _check_date(d)
        self._days.cover(d)
        return d.toordinal() in self._days.working

    def non_working_reason(self, d: date) -> str | None:
        _check_date(d)
        weekday = d.weekday()
        if weekday == 5:
            return "a Saturday"
        if weekday == 6:
            return "a Sunday"
        name = self.bank_holiday_name(d)
        if name is not None:
            return f"a bank holiday ({_describe_holiday(name)})"
        if d in self._closures:
            return "a closure day"
        return None

    def _step(self, d: date, direction: int) -> date:
        """First working day strictly after (direction=1) or before (direction=-1) d."""
        step = _ONE_DAY * direction
        candidate = d
        for _ in range(_MAX_SEARCH_DAYS):
            candidate += step
            if self.is_working_day(candidate):
                return candidate
        way = "after" if direction > 0 else "before"
        from ..errors import CalendarError

        raise CalendarError(
            f"There is no working day within {_MAX_SEARCH_DAYS} days {way} {d.isoformat()}: the closure days in the "
            "policy profile or the configuration file cover all of them. Check the closures lists."
        )

    def next_working_day(self, d: date) -> date:
        return self._step(_check_date(d), 1)

    def previous_working_day(self, d: date) -> date:
        return self._step(_check_date(d), -1)

    def on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self._step(d, 1)

    def on_or_before(self, d: date) -> date:
        return d if self.is_working_day(d) else self._step(d, -1)

    def add_working_days(self, d: date, n: int) -> date:
        """'Within n working days of d': the first counted day is the first working day after d."""
        _check_date(d)
        if _check_count(n) == 0:
            # "The same working day": d itself, or the next working day if d is not one.
            return self.on_or_after(d)
        table = self._days
        table.cover(d)
        index = bisect.bisect_right(table.days, d.toordinal()) + n - 1  # days[index]: the n-th after d
        while index >= len(table.days):
            # Far ahead (or every day closed): widen the table a year at a time, then walk as before.
            if table.last_year >= MAXYEAR or table.last_year - d.year > _MAX_SEARCH_DAYS // 365 + n // 200:
                return self._walk(d, n, 1)
            table.cover(date(table.last_year + 1, 1, 1))
            index = bisect.bisect_right(table.days, d.toordinal()) + n - 1
        if table.days[index] - d.toordinal() > _MAX_SEARCH_DAYS:
            # Years of closure days may lie in between: the day-by-day walk decides, so the table never finds a day
            # the walk (next_working_day) would refuse to look for.
            return self._walk(d, n, 1)
        return date.fromordinal(table.days[index])

    def subtract_working_days(self, d: date, n: int) -> date:
        """'n working days before d': the first counted day is the first working day before d."""
        _check_date(d)
        if _check_count(n) == 0:
            return self.on_or_before(d)
        table = self._days
        table.cover(d)
        index = bisect.bisect_left(table.days, d.toordinal()) - n  # days[index]: the n-th before d
        while index < 0:
            if table.first_year <= MINYEAR or d.year - table.first_year > _MAX_SEARCH_DAYS // 365 + n // 200:
                return self._walk(d, n, -1)
            table.cover(date(table.first_year - 1, 12, 31))
            index = bisect.bisect_left(table.days, d.toordinal()) - n
        if d.toordinal() - table.days[index] > _MAX_SEARCH_DAYS:
            return self._walk(d, n, -1)
        return date.fromordinal(table.days[index])

    def _walk(self, d: date, n: int, direction: int) -> date:
        """n working days on (1) or back (-1) one at a time: slow, but it refuses years without a working day."""
        for _ in range(n):
            d = self._step(d, direction)
        return d

    def skipped(self, d: date, direction: int) -> list[tuple[date, str]]:
        """Every non-working day from d (included) to the working day it moves to, with why each is not one.

        direction=-1 walks back (a calendar deadline brought forward), +1 walks on ("the same working day").
        Empty when d is a working day.
        """
        _check_date(d)
        out: list[tuple[date, str]] = []
        for _ in range(_MAX_SEARCH_DAYS):
            reason = self.non_working_reason(d)
            if reason is None:
                return out
            out.append((d, reason))
            d += _ONE_DAY * direction
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {out[0][0].isoformat()}")

    def moved_text(self, d: date, direction: int) -> str | None:
        """The contract's `moved`: "2027-01-02 is a Saturday; 2027-01-01 is a bank holiday (New Year's Day)".

        The original date first, then every other day skipped that is not simply the rest of a weekend (bank
        holidays and closure days), as the contract's examples do ("2027-02-14 is a Sunday" skips Saturday 13th
        without naming it). None when d is a working day.
        """
        days = self.skipped(d, direction)
        named = days[:1] + [(day, why) for day, why in days[1:] if day.weekday() < 5]
        return "; ".join(f"{day.isoformat()} is {why}" for day, why in named) or None

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start, up to and including end (0 if end <= start)."""
        _check_date(start)
        _check_date(end)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count


def add_months(d: date, n: int) -> date:
    """Calendar months; the day is clamped to the end of a shorter month (30 Nov + 3 = 28 Feb)."""
    return _check_date(d) + relativedelta(months=n)


def add_weeks(d: date, n: int) -> date:
    return _check_date(d) + timedelta(weeks=n)


def add_days(d: date, n: int) -> date:
    return _check_date(d) + timedelta(days=n)


def add_years(d: date, n: int) -> date:
    """Calendar years; 29 February becomes 28 February in a non-leap year."""
    return _check_date(d) + relativedelta(years=n)


def birthday(d: date, years: int) -> date:
    """The date of the given birthday: someone born on 29 February has it on 1 March in a non-leap year."""
    _check_date(d)
    if d.month == 2 and d.day == 29:
        try:
            return date(d.year + years, 2, 29)
        except ValueError:
            return date(d.year + years, 3, 1)
    return d + relativedelta(years=years)


def last_weekday_of_month(year: int, month: int, weekday: int) -> date:
    """Last given weekday (0=Monday .. 6=Sunday) of the month, e.g. last Thursday is weekday 3."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    last_day = date(year, month, 1) + relativedelta(day=31)  # relativedelta clamps day=31 to month end
    return last_day - timedelta(days=(last_day.weekday() - weekday) % 7)

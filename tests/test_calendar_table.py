"""The precomputed working-day table gives exactly the results of counting day by day (property tests)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from cin_docs.calendar import WorkingCalendar

DATES = st.dates(min_value=date(1995, 1, 1), max_value=date(2095, 12, 31))
CLOSURES = st.frozensets(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), max_size=20)
_BANK = holidays.country_holidays("GB", subdiv="ENG", years=range(1993, 2099))


def working(d: date, closures) -> bool:
    return d.weekday() < 5 and d not in _BANK and d not in closures


def walk(d: date, n: int, step: int, closures) -> date:
    """The definition in timescales.md, one day at a time (n = 0: the same working day)."""
    if n == 0:
        while not working(d, closures):
            d += timedelta(days=step)
        return d
    for _ in range(n):
        d += timedelta(days=step)
        while not working(d, closures):
            d += timedelta(days=step)
    return d


@settings(max_examples=120, deadline=None)
@given(DATES, st.integers(min_value=0, max_value=400), CLOSURES)
def test_adding_working_days_matches_counting(d, n, closures):
    assert WorkingCalendar(closures).add_working_days(d, n) == walk(d, n, 1, closures)


@settings(max_examples=120, deadline=None)
@given(DATES, st.integers(min_value=0, max_value=400), CLOSURES)
def test_subtracting_working_days_matches_counting(d, n, closures):
    assert WorkingCalendar(closures).subtract_working_days(d, n) == walk(d, n, -1, closures)


@settings(max_examples=120, deadline=None)
@given(DATES, CLOSURES)
def test_is_working_day_matches_the_definition(d, closures):
    assert WorkingCalendar(closures).is_working_day(d) == working(d, closures)


def test_a_date_far_from_the_first_one_asked_widens_the_table():
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2026, 11, 20), 10) == date(2026, 12, 4)
    assert cal.add_working_days(date(2090, 12, 22), 3) == walk(date(2090, 12, 22), 3, 1, frozenset())
    assert cal.subtract_working_days(date(2000, 1, 4), 2) == walk(date(2000, 1, 4), 2, -1, frozenset())

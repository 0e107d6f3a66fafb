from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cin_docs.calendar import (
    WorkingCalendar,
    add_days,
    add_months,
    add_weeks,
    add_years,
    last_weekday_of_month,
)

CAL = WorkingCalendar()

dates = st.dates(min_value=date(1995, 1, 1), max_value=date(2095, 12, 31))
counts = st.integers(min_value=0, max_value=60)
positive_counts = st.integers(min_value=1, max_value=60)
properties = settings(max_examples=200, deadline=None)


# --- hand-worked examples -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Fri -> Mon
        (date(2026, 11, 20), 10, date(2026, 12, 4)),
        # Platinum Jubilee: Thu 2 June (moved Spring Bank Holiday) and Fri 3 June 2022.
        (date(2022, 6, 1), 1, date(2022, 6, 6)),
        # State Funeral of Queen Elizabeth II, Mon 19 September 2022.
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        # Coronation of Charles III, Mon 8 May 2023 (the week after May Day).
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
        (date(2023, 4, 28), 2, date(2023, 5, 3)),  # over May Day, Mon 1 May 2023
        # Christmas 2026: 25th Fri, 26th/27th weekend, 28th Boxing Day substitute.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day 2027 is a Friday
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 22), 5, date(2027, 3, 31)),
        # Zero working days: the same working day, or the next one.
        (date(2026, 11, 20), 0, date(2026, 11, 20)),
        (date(2026, 11, 21), 0, date(2026, 11, 23)),  # Saturday
        (date(2026, 12, 25), 0, date(2026, 12, 29)),
        # Starting on a non-working day: the first counted day is the next working day.
        (date(2026, 11, 21), 1, date(2026, 11, 23)),
        (date(2026, 11, 22), 2, date(2026, 11, 24)),
    ],
)
def test_add_working_days_examples(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 23), 1, date(2026, 11, 20)),  # Mon -> Fri
        (date(2026, 12, 29), 1, date(2026, 12, 24)),  # back over Christmas 2026
        (date(2022, 6, 6), 1, date(2022, 6, 1)),  # back over the Platinum Jubilee
        (date(2027, 3, 30), 2, date(2027, 3, 24)),  # back over Easter 2027
        (date(2026, 11, 20), 0, date(2026, 11, 20)),
        (date(2026, 11, 22), 0, date(2026, 11, 20)),  # Sunday -> Friday
        (date(2026, 11, 22), 1, date(2026, 11, 20)),
    ],
)
def test_subtract_working_days_examples(start, n, expected):
    assert CAL.subtract_working_days(start, n) == expected


def test_closure_days_are_skipped():
    # Say the office shuts on Tue 29 and Wed 30 December 2026 as well.
    cal = WorkingCalendar(closures=[date(2026, 12, 29), date(2026, 12, 30)])
    assert not cal.is_working_day(date(2026, 12, 29))
    assert cal.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 31)
    assert cal.subtract_working_days(date(2026, 12, 31), 1) == date(2026, 12, 24)
    assert cal.working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 1
    assert CAL.is_working_day(date(2026, 12, 29))  # other calendars are unaffected


def test_closures_that_close_everything_raise():
    start = date(2026, 1, 1)
    every_day = [start + timedelta(days=i) for i in range(4 * 366)]
    cal = WorkingCalendar(closures=every_day)
    with pytest.raises(ValueError, match="no working day"):
        cal.next_working_day(start)


def test_negative_counts_are_rejected():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 11, 20), -1)
    with pytest.raises(ValueError):
        CAL.subtract_working_days(date(2026, 11, 20), -1)


def test_datetimes_are_rejected():
    with pytest.raises(TypeError):
        CAL.add_working_days(datetime(2026, 11, 20, 9, 0), 1)


def test_one_off_bank_holidays_are_not_working_days():
    for d in (date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8), date(2026, 12, 28)):
        assert not CAL.is_working_day(d), d


def test_next_and_previous_are_strict():
    friday = date(2026, 11, 20)
    assert CAL.next_working_day(friday) == date(2026, 11, 23)
    assert CAL.previous_working_day(friday) == date(2026, 11, 19)
    assert CAL.on_or_after(friday) == friday
    assert CAL.on_or_before(friday) == friday
    assert CAL.on_or_after(date(2026, 11, 21)) == date(2026, 11, 23)
    assert CAL.on_or_before(date(2026, 11, 21)) == friday


def test_working_days_between_examples():
    assert CAL.working_days_between(date(2026, 11, 20), date(2026, 12, 4)) == 10
    assert CAL.working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert CAL.working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert CAL.working_days_between(date(2026, 12, 4), date(2026, 11, 20)) == 0


@pytest.mark.parametrize(
    ("d", "reason"),
    [
        (date(2026, 11, 20), None),
        (date(2026, 11, 21), "a Saturday"),
        (date(2026, 11, 22), "a Sunday"),
        (date(2026, 12, 25), "a bank holiday (Christmas Day)"),
        (date(2026, 12, 26), "a Saturday"),  # Boxing Day, but the weekend wins
        (date(2026, 12, 28), "a bank holiday (substitute day for Boxing Day)"),
        (date(2027, 3, 26), "a bank holiday (Good Friday)"),
        (date(2023, 5, 8), "a bank holiday (Coronation of Charles III)"),
    ],
)
def test_non_working_reason(d, reason):
    assert CAL.non_working_reason(d) == reason


def test_non_working_reason_for_closure_day():
    cal = WorkingCalendar(closures=[date(2026, 11, 19), date(2026, 11, 21), date(2026, 12, 25)])
    assert cal.non_working_reason(date(2026, 11, 19)) == "a closure day"
    assert cal.non_working_reason(date(2026, 11, 21)) == "a Saturday"
    assert cal.non_working_reason(date(2026, 12, 25)) == "a bank holiday (Christmas Day)"


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 20), 6, date(2027, 5, 20)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months(d, n, expected):
    assert add_months(d, n) == expected


def test_add_years_weeks_days():
    assert add_years(date(2008, 2, 29), 18) == date(2026, 2, 28)  # 29 Feb birthday, 18th
    assert add_years(date(2024, 2, 29), 18) == date(2042, 2, 28)
    assert add_years(date(2008, 2, 29), 20) == date(2028, 2, 29)
    assert add_weeks(date(2026, 11, 20), 6) == date(2027, 1, 1)
    assert add_days(date(2026, 12, 31), 1) == date(2027, 1, 1)


def test_last_weekday_of_month():
    last_thursday_dec_2025 = last_weekday_of_month(2025, 12, 3)
    assert last_thursday_dec_2025 == date(2025, 12, 25)
    assert not CAL.is_working_day(last_thursday_dec_2025)
    assert last_weekday_of_month(2026, 11, 3) == date(2026, 11, 26)
    assert last_weekday_of_month(2026, 2, 5) == date(2026, 2, 28)  # a Saturday on the last day
    assert last_weekday_of_month(2026, 2, 6) == date(2026, 2, 22)
    with pytest.raises(ValueError):
        last_weekday_of_month(2026, 2, 7)


# --- properties -----------------------------------------------------------------------


@properties
@given(dates, positive_counts)
def test_add_lands_on_a_later_working_day(d, n):
    result = CAL.add_working_days(d, n)
    assert result > d
    assert CAL.is_working_day(result)


@properties
@given(dates, counts)
def test_subtract_lands_on_a_working_day(d, n):
    result = CAL.subtract_working_days(d, n)
    assert CAL.is_working_day(result)
    assert result < d if n >= 1 else result <= d


@properties
@given(dates, counts)
def test_add_then_subtract_round_trips_from_a_working_day(d, n):
    d = CAL.on_or_after(d)
    assert CAL.subtract_working_days(CAL.add_working_days(d, n), n) == d
    assert CAL.add_working_days(CAL.subtract_working_days(d, n), n) == d


# With n = 0 from a non-working day, add(d, 0) already moves to the next working day, so
# adding m more lands one working day past add(d, m); the law only holds for n >= 1.
@properties
@given(dates, positive_counts, counts)
def test_adding_composes(d, n, m):
    assert CAL.add_working_days(CAL.add_working_days(d, n), m) == CAL.add_working_days(d, n + m)


@properties
@given(dates, positive_counts)
def test_working_days_between_inverts_add(d, n):
    assert CAL.working_days_between(d, CAL.add_working_days(d, n)) == n


# Likewise for n = 0 the inverse law needs d to be a working day: from a Saturday,
# add(d, 0) is Monday, which is one working day after d.
@properties
@given(dates)
def test_working_days_between_zero(d):
    expected = 0 if CAL.is_working_day(d) else 1
    assert CAL.working_days_between(d, CAL.add_working_days(d, 0)) == expected


@properties
@given(dates, st.integers(min_value=-60, max_value=60))
def test_add_months_stays_in_target_month(d, n):
    result = add_months(d, n)
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    assert (result.year, result.month) == (year, month0 + 1)
    assert result.day <= d.day


@properties
@given(dates)
def test_on_or_before_and_after_are_nearby_working_days(d):
    after, before = CAL.on_or_after(d), CAL.on_or_before(d)
    assert CAL.is_working_day(after) and CAL.is_working_day(before)
    assert d <= after <= d + timedelta(days=10)
    assert d - timedelta(days=10) <= before <= d
    assert (after == d) == (before == d) == CAL.is_working_day(d)

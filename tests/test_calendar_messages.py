"""The calendar's refusals and words: what a caller is told when a date or a count is wrong, and how a non-working
day is described in a letter (test_calendar.py covers the arithmetic)."""

from __future__ import annotations

import datetime as dt

import pytest

from cin_docs.calendar import (
    WorkingCalendar,
    _describe_holiday,
    add_days,
    add_months,
    last_weekday_of_month,
)

MONDAY = dt.date(2026, 11, 16)


@pytest.mark.parametrize(
    ("count", "error", "message"),
    [
        (True, TypeError, "expected an int number of working days, got bool"),
        (2.0, TypeError, "expected an int number of working days, got float"),
        ("3", TypeError, "expected an int number of working days, got str"),
        (-1, ValueError, "number of working days must be >= 0, got -1"),
    ],
)
def test_a_count_must_be_a_whole_number_of_days(count, error, message):
    calendar = WorkingCalendar()
    for method in (calendar.add_working_days, calendar.subtract_working_days):
        with pytest.raises(error) as err:
            method(MONDAY, count)
        assert str(err.value) == message


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (dt.datetime(2026, 11, 16, 9, 30), "datetime"),
        ("2026-11-16", "str"),
        (None, "NoneType"),
    ],
)
def test_a_date_must_be_a_date(value, name):
    for call in (
        lambda: WorkingCalendar([value]),
        lambda: WorkingCalendar().is_working_day(value),
        lambda: add_months(value, 1),
        lambda: add_days(value, 1),
    ):
        with pytest.raises(TypeError) as err:
            call()
        assert str(err.value) == f"expected a datetime.date, got {name}"


def test_zero_and_valid_counts_are_accepted():
    calendar = WorkingCalendar()
    assert calendar.add_working_days(MONDAY, 0) == MONDAY
    assert calendar.subtract_working_days(MONDAY, 0) == MONDAY


def test_closing_every_day_is_reported_in_words():
    # The search gives up after three years either way; close every day for more than that.
    closed = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(7 * 366)]
    calendar = WorkingCalendar(closed)
    with pytest.raises(ValueError) as after:
        calendar.next_working_day(dt.date(2026, 6, 1))
    assert str(after.value).startswith("There is no working day within ")
    assert (
        " days after 2026-06-01: the closure days in the policy profile or the configuration file cover all of "
        "them. Check the closures lists." in str(after.value)
    )
    with pytest.raises(ValueError) as before:
        calendar.previous_working_day(dt.date(2026, 6, 1))
    assert " days before 2026-06-01: the closure days" in str(before.value)


def test_holiday_names_are_reworded_for_letters():
    assert _describe_holiday("Christmas Day") == "Christmas Day"
    assert _describe_holiday("Boxing Day (observed)") == "substitute day for Boxing Day"
    assert _describe_holiday("Christmas Day; Boxing Day (observed)") == (
        "Christmas Day and substitute day for Boxing Day"
    )
    assert WorkingCalendar().non_working_reason(dt.date(2026, 12, 28)) == (
        "a bank holiday (substitute day for Boxing Day)"
    )


@pytest.mark.parametrize(
    ("year", "month", "weekday", "expected"),
    [
        (2026, 11, 3, dt.date(2026, 11, 26)),  # last Thursday
        (2026, 11, 0, dt.date(2026, 11, 30)),  # last Monday is the last day
        (2026, 2, 6, dt.date(2026, 2, 22)),  # last Sunday of February
        (2024, 2, 3, dt.date(2024, 2, 29)),  # leap day
        (2026, 12, 4, dt.date(2026, 12, 25)),  # last Friday, whatever the holiday
    ],
)
def test_last_weekday_of_month(year, month, weekday, expected):
    assert last_weekday_of_month(year, month, weekday) == expected


@pytest.mark.parametrize("weekday", [-1, 7])
def test_last_weekday_of_month_needs_a_weekday(weekday):
    with pytest.raises(ValueError) as err:
        last_weekday_of_month(2026, 11, weekday)
    assert str(err.value) == f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}"

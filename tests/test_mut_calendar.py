"""Working-day arithmetic the mutation run (make mutation) showed no test held, each date worked by hand.

England & Wales bank holidays used below (holidays package, checked against gov.uk):
2026: Fri 25 Dec, Sat 26 Dec with its substitute Mon 28 Dec; 31 Aug (Late Summer).
2027: Fri 1 Jan; Good Friday 26 Mar, Easter Monday 29 Mar; Sat 25 / Sun 26 Dec with substitutes Mon 27, Tue 28 Dec.
2028: Sat 1 Jan with its substitute Mon 3 Jan; Good Friday 14 Apr, Easter Monday 17 Apr; Mon 25, Tue 26 Dec.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
import pytest

from cin_docs import calendar
from cin_docs.calendar import WorkingCalendar, birthday, last_weekday_of_month
from cin_docs.errors import CalendarError


@pytest.fixture(autouse=True)
def fresh_process():
    """Every test starts as a fresh `cin-docs` process does: no working-day table or bank-holiday year built yet.

    The calendar keeps what it has worked out for the life of the process; a test run that has already asked about
    the same years would otherwise never build (or widen) the table, and a mistake there would go unseen."""
    for value in vars(calendar).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


# --- hand-worked dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Thu 23 Dec 2027 + 1: Fri 24 Dec.
        (date(2027, 12, 23), 1, date(2027, 12, 24)),
        # Thu 23 Dec 2027 + 2: Fri 24 (1); Sat 25, Sun 26; Mon 27, Tue 28 substitutes; Wed 29 (2).
        (date(2027, 12, 23), 2, date(2027, 12, 29)),
        # Fri 24 Dec 2027 + 5: 29 (1), 30 (2), 31 (3); Sat 1, Sun 2 Jan; Mon 3 substitute; Tue 4 (4), Wed 5 Jan 2028 (5).
        (date(2027, 12, 24), 5, date(2028, 1, 5)),
        # Thu 13 Apr 2028 + 1: Good Friday 14, weekend 15-16, Easter Monday 17, so Tue 18 Apr.
        (date(2028, 4, 13), 1, date(2028, 4, 18)),
        # Leap year: Mon 28 Feb 2028 + 1 is Tue 29 Feb; + 2 is Wed 1 Mar.
        (date(2028, 2, 28), 1, date(2028, 2, 29)),
        (date(2028, 2, 28), 2, date(2028, 3, 1)),
        # Month end on a bank holiday: Fri 28 Aug 2026 + 1: weekend, Mon 31 Aug (Late Summer), so Tue 1 Sep.
        (date(2026, 8, 28), 1, date(2026, 9, 1)),
        # From a Saturday, 0 working days: "the same working day" is the Monday.
        (date(2027, 3, 27), 0, date(2027, 3, 30)),  # Sat 27 Mar 2027; Mon 29 is Easter Monday, so Tue 30 Mar
    ],
)
def test_adding_working_days_by_hand(start, n, expected):
    assert WorkingCalendar().add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Tue 4 Jan 2028 - 1: Mon 3 substitute, Sun 2, Sat 1, so Fri 31 Dec 2027.
        (date(2028, 1, 4), 1, date(2027, 12, 31)),
        # Tue 4 Jan 2028 - 5: 31 (1), 30 (2), 29 (3); Tue 28, Mon 27 substitutes; weekend; Fri 24 (4), Thu 23 Dec (5).
        (date(2028, 1, 4), 5, date(2027, 12, 23)),
        # Tue 18 Apr 2028 - 1: Easter Monday 17, weekend, Good Friday 14, so Thu 13 Apr.
        (date(2028, 4, 18), 1, date(2028, 4, 13)),
        # Wed 1 Mar 2028 - 1 is Tue 29 Feb (leap year).
        (date(2028, 3, 1), 1, date(2028, 2, 29)),
        # From Sunday 26 Dec 2027, 0 working days: back to Fri 24 Dec.
        (date(2027, 12, 26), 0, date(2027, 12, 24)),
    ],
)
def test_subtracting_working_days_by_hand(start, n, expected):
    assert WorkingCalendar().subtract_working_days(start, n) == expected


def test_working_days_between_by_hand():
    cal = WorkingCalendar()
    # After Fri 24 Dec 2027 up to and including Wed 5 Jan 2028: 29, 30, 31 Dec, 4, 5 Jan = 5.
    assert cal.working_days_between(date(2027, 12, 24), date(2028, 1, 5)) == 5
    # After Mon 28 Feb 2028 up to Fri 3 Mar: 29 Feb, 1, 2, 3 Mar = 4 (a leap day is a working day).
    assert cal.working_days_between(date(2028, 2, 28), date(2028, 3, 3)) == 4
    assert cal.working_days_between(date(2028, 3, 3), date(2028, 2, 28)) == 0  # end before start


def test_next_and_previous_working_day_by_hand():
    cal = WorkingCalendar()
    # Thu 24 Dec 2026: Fri 25 Christmas, weekend, Mon 28 substitute for Boxing Day, so Tue 29.
    assert cal.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    # Tue 29 Dec 2026 back: Mon 28, Sun 27, Sat 26, Fri 25 all off, so Thu 24.
    assert cal.previous_working_day(date(2026, 12, 29)) == date(2026, 12, 24)


# --- a fresh calendar asked about years in any order ------------------------------------------------------------

_BANK = holidays.country_holidays("GB", subdiv="ENG", years=range(2018, 2036))


def _walk(d: date, n: int, step: int, closures=frozenset()) -> date:
    """The definition in timescales.md, one day at a time, with the bank holidays straight from the package."""

    def working(day: date) -> bool:
        return day.weekday() < 5 and day not in _BANK and day not in closures

    for _ in range(n):
        d += timedelta(days=step)
        while not working(d):
            d += timedelta(days=step)
    return d


def test_a_fresh_calendar_asked_about_years_out_of_order_counts_like_a_day_by_day_walk():
    # The first question builds the table around 2027; later ones reach before it, far after it, and across it
    # by more working days than a year holds, so the table has to widen each way and keep what it had.
    cal = WorkingCalendar()
    questions = [
        (date(2027, 6, 15), 10),
        (date(2024, 3, 1), 5),  # before the table: it must widen back
        (date(2027, 6, 15), -10),  # the years already known must still be there
        (date(2026, 6, 30), 400),  # beyond the table's end: widen forward a year at a time
        (date(2027, 1, 15), -300),  # back past 1 January of the first year in the table
        (date(2031, 11, 20), 30),
        (date(2021, 2, 10), -260),
    ]
    for start, n in questions:
        if n >= 0:
            assert cal.add_working_days(start, n) == _walk(start, n, 1), (start, n)
        else:
            assert cal.subtract_working_days(start, -n) == _walk(start, -n, -1), (start, n)
    # 2024 was asked about after 2027: it is in the table, working days and bank holidays alike.
    assert cal.is_working_day(date(2024, 3, 1))  # a Friday
    assert not cal.is_working_day(date(2024, 3, 29))  # Good Friday 2024
    assert cal.working_days_between(date(2024, 2, 23), date(2024, 3, 1)) == 5  # Mon 26 Feb to Fri 1 Mar


def test_a_fresh_calendar_first_asked_about_a_date_sees_that_years_days():
    cal = WorkingCalendar()
    assert cal.is_working_day(date(2027, 1, 4))  # Monday 4 January 2027, the first working day of the year
    assert cal.is_working_day(date(2027, 12, 31))  # Friday 31 December 2027
    assert not cal.is_working_day(date(2027, 12, 28))  # Boxing Day substitute
    cal = WorkingCalendar()
    assert cal.is_working_day(date(2028, 12, 29))  # a Friday, the first question of a new calendar


def test_a_fresh_calendar_with_closures_counts_them_from_the_first_question():
    # Office closed Wed 29 to Fri 31 Dec 2027: from Thu 23 Dec, 2 working days are Fri 24 and Tue 4 Jan 2028.
    cal = WorkingCalendar([date(2027, 12, 29), date(2027, 12, 30), date(2027, 12, 31)])
    assert cal.add_working_days(date(2027, 12, 23), 2) == date(2028, 1, 4)
    assert cal.non_working_reason(date(2027, 12, 30)) == "a closure day"
    assert WorkingCalendar().add_working_days(date(2027, 12, 23), 2) == date(2027, 12, 29)  # others unaffected


def test_an_office_open_one_day_a_year_still_counts_beyond_the_table():
    # Every day of 2026-2033 closed except 1 June (a working weekday each year from 2026 to 2033, except Sat 1 June
    # 2030 and Sun 1 June 2031). From 1 January 2026, the open days are 1 Jun 2026, 2027, 2028, 2029, 2032: the
    # fifth lies beyond what the table will widen to, so the count walks on day by day and still finds it.
    start, end = date(2026, 1, 1), date(2033, 12, 31)
    closures = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    closures = [d for d in closures if (d.month, d.day) != (6, 1)]
    cal = WorkingCalendar(closures)
    assert cal.add_working_days(start, 4) == date(2029, 6, 1)
    assert cal.add_working_days(start, 5) == date(2032, 6, 1)


def test_an_office_open_one_day_a_year_still_counts_back_beyond_the_table():
    # The same office counted back from Saturday 31 December 2033: 1 June 2033, 2032, 2029, 2028, 2027.
    start, end = date(2026, 1, 1), date(2033, 12, 31)
    closures = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    cal = WorkingCalendar([d for d in closures if (d.month, d.day) != (6, 1)])
    assert cal.subtract_working_days(end, 5) == date(2027, 6, 1)


@pytest.mark.parametrize(("start", "n"), [(date(2027, 1, 15), 300), (date(2028, 2, 29), 520)])
def test_a_fresh_calendar_counting_back_further_than_the_year_before_widens_back(start, n):
    # Fri 15 Jan 2027: 2026 has 253 working days and 1-14 Jan 2027 has 9, so 300 back reaches into 2025.
    assert WorkingCalendar().subtract_working_days(start, n) == _walk(start, n, -1)


def test_closures_covering_every_day_give_a_message_not_a_hang():
    start = date(2026, 1, 1)
    cal = WorkingCalendar([start + timedelta(days=i) for i in range(8 * 366)])
    expected = "There is no working day within 1098 days after 2026-01-01: the closure days in the policy profile"
    with pytest.raises(CalendarError) as info:
        cal.add_working_days(start, 1)
    assert str(info.value).startswith(expected)
    with pytest.raises(CalendarError) as info:
        cal.next_working_day(start)
    assert str(info.value).startswith(expected)
    with pytest.raises(ValueError, match=r"^no working day within 1098 days of 2026-01-01$"):
        cal.skipped(start, 1)


def test_closures_covering_every_day_before_a_date_give_a_message_too():
    end = date(2033, 12, 31)
    cal = WorkingCalendar([end - timedelta(days=i) for i in range(8 * 366)])
    with pytest.raises(CalendarError, match=r"^There is no working day within 1098 days before 2033-12-31: "):
        cal.subtract_working_days(end, 1)


@pytest.mark.parametrize("years_closed", [3, 4])
def test_the_table_and_the_day_by_day_walk_agree_on_how_long_a_closure_can_be(years_closed):
    # Closed every day of 2026-2028 (1096 days): from Wed 31 Dec 2025 the next working day is Tue 2 Jan 2029 (Mon 1
    # Jan is New Year's Day), 1098 days on: exactly the walk's limit, so both give it. Closed through 2029 as well,
    # the next one is Wed 2 Jan 2030, 1463 days on: both refuse with the same message (the table used to find it).
    closed_until = date(2026 + years_closed - 1, 12, 31)
    days = (closed_until - date(2026, 1, 1)).days + 1
    cal = WorkingCalendar([date(2026, 1, 1) + timedelta(days=i) for i in range(days)])
    before, after = date(2025, 12, 31), {3: date(2029, 1, 2), 4: date(2030, 1, 2)}[years_closed]
    if years_closed == 3:
        assert cal.next_working_day(before) == cal.add_working_days(before, 1) == after
        assert cal.add_working_days(before, 2) == after + timedelta(days=1)
        assert cal.previous_working_day(after) == cal.subtract_working_days(after, 1) == before
        assert cal.subtract_working_days(after + timedelta(days=1), 2) == before
        return
    for count in (1, 2):
        with pytest.raises(CalendarError, match=r"^There is no working day within 1098 days after 2025-12-31: "):
            cal.add_working_days(before, count)
        with pytest.raises(CalendarError, match=r"^There is no working day within 1098 days before 2030-01-02: "):
            cal.subtract_working_days(after, count)
    with pytest.raises(CalendarError):
        cal.next_working_day(before)
    # A count that starts beyond the gap is not affected by it.
    assert cal.add_working_days(after, 1) == date(2030, 1, 3)


# --- refusals -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"), [(datetime(2026, 11, 20, 9, 0), "datetime"), ("2026-11-20", "str"), (None, "NoneType")]
)
def test_a_value_that_is_not_a_date_is_refused_by_its_type(value, name):
    with pytest.raises(TypeError, match=rf"^expected a datetime\.date, got {name}$"):
        WorkingCalendar().add_working_days(value, 1)


@pytest.mark.parametrize(("n", "name"), [(True, "bool"), ("3", "str"), (2.0, "float")])
def test_a_count_that_is_not_a_whole_number_is_refused(n, name):
    with pytest.raises(TypeError, match=rf"^expected an int number of working days, got {name}$"):
        WorkingCalendar().add_working_days(date(2026, 11, 20), n)


def test_a_negative_count_is_refused_with_the_number():
    with pytest.raises(ValueError, match=r"^number of working days must be >= 0, got -2$"):
        WorkingCalendar().subtract_working_days(date(2026, 11, 20), -2)


# --- birthdays and month ends -----------------------------------------------------------------------------------


def test_a_29_february_birthday_is_29_february_in_a_leap_year_and_1_march_otherwise():
    born = date(2016, 2, 29)
    assert birthday(born, 12) == date(2028, 2, 29)  # 2028 is a leap year
    assert birthday(born, 10) == date(2026, 3, 1)  # 2026 is not
    assert birthday(born, 18) == date(2034, 3, 1)  # 18th birthday, 2034 not a leap year
    assert birthday(date(2010, 3, 1), 18) == date(2028, 3, 1)


@pytest.mark.parametrize(
    ("year", "month", "weekday", "expected"),
    [
        (2028, 2, 1, date(2028, 2, 29)),  # February 2028 ends on Tuesday the 29th
        (2027, 2, 0, date(2027, 2, 22)),  # 28 Feb 2027 is a Sunday: last Monday is the 22nd
        (2026, 12, 3, date(2026, 12, 31)),  # 31 Dec 2026 is a Thursday
        (2026, 11, 6, date(2026, 11, 29)),  # 30 Nov 2026 is a Monday: last Sunday is the 29th
    ],
)
def test_last_weekday_of_month_by_hand(year, month, weekday, expected):
    assert last_weekday_of_month(year, month, weekday) == expected

"""The bank-holiday file cin-docs reads (cin_docs/calendar/bank_holidays.json) says exactly what the `holidays`
package says for England & Wales, year by year; years outside the file still come from the package."""

from __future__ import annotations

from datetime import date

import holidays

from cin_docs import calendar
from cin_docs.calendar import WorkingCalendar


def test_the_file_matches_the_holidays_package_for_every_year_it_covers():
    first, last, by_year = calendar._bank_holiday_file()
    assert (first, last) == (1900, 2100)
    for year in range(first, last + 1):
        expected = dict(holidays.country_holidays("GB", subdiv="ENG", years=year))
        assert dict(calendar._bank_holidays(year)) == expected, (
            f"{year}: cin_docs/calendar/bank_holidays.json is out of date with the installed holidays package; "
            "run scripts/build_bank_holidays.py"
        )


def test_one_off_bank_holidays_and_substitute_days_are_in_the_file():
    cal = WorkingCalendar()
    assert cal.bank_holiday_name(date(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"
    assert cal.non_working_reason(date(2023, 5, 8)) == "a bank holiday (Coronation of Charles III)"
    assert cal.non_working_reason(date(2021, 12, 28)) == "a bank holiday (substitute day for Boxing Day)"
    assert not cal.is_working_day(date(2026, 12, 28))


def test_years_outside_the_file_come_from_the_holidays_package():
    for year in (1899, 2101):
        assert calendar._bank_holidays(year) == dict(holidays.country_holidays("GB", subdiv="ENG", years=year))
    assert WorkingCalendar().bank_holiday_name(date(1899, 12, 25)) == "Christmas Day"
    assert WorkingCalendar().bank_holiday_name(date(1899, 4, 3)) == "Easter Monday"


def test_working_out_a_deadline_does_not_import_the_holidays_package():
    import subprocess
    import sys

    code = (
        "import sys, datetime as dt\n"
        "from cin_docs.calendar import WorkingCalendar\n"
        "WorkingCalendar().add_working_days(dt.date(2026, 12, 21), 10)\n"
        "print('holidays' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

"""The next visit to the child: counted from the latest visit at which the child was seen, and still to do.

Hillingdon: "At least once every 3 weeks". The visit a deadline counts from cannot also be the visit that meets it,
so after a visit the next one is open (or overdue), never met; and the latest visit is the latest by date, not the
last one written in the file.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from cin_docs import api

D = dt.date.fromisoformat


def next_visit(tmp_path, visits: list[dict], as_of: str, **extra):
    data = {
        "case_id": "VIS-1",
        "policy": "hillingdon",
        "child": {"first_name": "Test", "last_name": "Child"},
        "plan": {"start": "2026-11-02"},
        "visits": visits,
        **extra,
    }
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = [d for d in api.due_dates(api.load(path), D(as_of)) if d.rule == "next_visit"]
    assert len(found) == 1, found
    return found[0]


# Listed out of date order on purpose: the latest (1 December) is in the middle.
VISITS = [{"date": "2026-11-10"}, {"date": "2026-12-01"}, {"date": "2026-11-20"}]


@pytest.mark.parametrize(
    ("as_of", "from_", "due", "status"),
    [
        # Held today: it counts, and the next visit is 3 weeks on, still to do.
        ("2026-12-01", "visits[1]", "2026-12-22", "open"),
        ("2026-12-22", "visits[1]", "2026-12-22", "open"),  # due today is not yet overdue
        ("2026-12-23", "visits[1]", "2026-12-22", "overdue"),
        # Before 1 December the latest held visit is 20 November (listed last).
        ("2026-11-30", "visits[2]", "2026-12-11", "open"),
        ("2026-11-15", "visits[0]", "2026-12-01", "open"),
    ],
)
def test_counts_from_the_latest_seen_visit_and_is_never_met_by_it(tmp_path, as_of, from_, due, status):
    dl = next_visit(tmp_path, VISITS, as_of)
    assert (dl.from_, dl.due, dl.status, dl.satisfied_on) == (from_, D(due), status, None)


def test_before_any_visit_it_counts_from_the_plan_start(tmp_path):
    dl = next_visit(tmp_path, VISITS, "2026-11-09")
    assert (dl.from_, dl.due, dl.status) == ("plan.start", D("2026-11-23"), "open")


def test_a_visit_where_the_child_was_not_seen_neither_restarts_nor_meets_it(tmp_path):
    visits = [{"date": "2026-11-10"}, {"date": "2026-11-24", "seen": False}]
    dl = next_visit(tmp_path, visits, "2026-12-02")
    assert (dl.from_, dl.due, dl.status, dl.satisfied_on) == ("visits[0]", D("2026-12-01"), "overdue", None)


def test_the_interval_set_in_the_plan_counts_from_the_latest_visit(tmp_path):
    dl = next_visit(tmp_path, VISITS, "2026-12-02", **{"plan": {"start": "2026-11-02", "visit_interval_weeks": 2}})
    assert (dl.from_, dl.due, dl.status, dl.basis) == (
        "visits[1]",
        D("2026-12-15"),
        "open",
        "2 weeks (as set in plan.visit_interval_weeks)",
    )

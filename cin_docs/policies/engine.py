"""The deadline engine: applies a profile's rules to a case and gives every due date, why, and its status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..calendar import WorkingCalendar, add_days, add_months, add_weeks, add_years, last_weekday_of_month
from ..errors import PolicyError
from .profile import WEEKDAYS


@dataclass
class Hit:
    """One occurrence of the event a rule counts from."""

    date: dt.date
    path: str                      # where in the case file it comes from ("meetings[2]", "assessment.completed")
    label: str                     # in words ("the latest review")
    ref: str | None = None         # the item a per-item deadline belongs to
    item: dict | None = None       # that item's data
    escalation: dict | None = None
    time: dt.time | None = None
    offset: list | None = None     # the anchor's own offset alternatives, if any


@dataclass
class Deadline:
    rule: str
    label: str
    due: dt.date
    due_time: dt.time | None
    ref: str | None
    from_: str
    from_date: dt.date
    from_label: str
    basis: str
    moved: str | None
    status: str
    source: str
    kind: str = "deadline"
    satisfied_on: dt.date | None = None
    anchor_time: dt.time | None = field(default=None, repr=False)
    # Office closure days a working-day count stepped over (m23): the explanation names them.
    closures_skipped: tuple = field(default=(), repr=False)

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "label": self.label,
            "due": self.due.isoformat(),
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "ref": self.ref,
            "from": self.from_,
            "from_date": self.from_date.isoformat(),
            "basis": self.basis,
            "moved": self.moved,
            "status": self.status,
            "source": self.source,
        }

    def explanation(self) -> str:
        """In words: '10 working days after the plan decision on Monday 2 November 2026'."""
        from ..render.filters import longdate

        when = longdate(self.from_date) + (f" at {self.anchor_time.strftime('%H:%M')}" if self.anchor_time else "")
        if self.basis == "the same working day":
            text = f"the same working day as {self.from_label} on {when}"
        elif self.basis.startswith("the last "):
            text = f"the first panel sitting ({self.basis}) after {self.from_label} on {when}"
        elif self.basis.endswith(" before"):
            text = f"{self.basis} {self.from_label} on {when}"
        else:
            text = f"{self.basis} after {self.from_label} on {when}"
        if self.moved:
            # The JSON keeps the contract's "2027-02-28 is a Sunday"; people read the long date.
            day, _, reason = self.moved.partition(" is ")
            try:
                why = "" if reason in ("a Saturday", "a Sunday") else f", {reason}"  # the long date names the day
                text += f" (brought forward from {longdate(dt.date.fromisoformat(day))}{why})"
            except ValueError:
                text += f" (moved: {self.moved})"
        if self.closures_skipped:
            days = [longdate(c) for c in self.closures_skipped]
            listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
            text += f" (office closure day{'s' if len(days) > 1 else ''} not counted: {listed})"
        return text


def get_path(data: Any, path: str) -> Any:
    """case, 'plan.visit_interval_weeks' -> value or None."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _held(d: dt.date | None, as_of: dt.date) -> bool:
    return d is not None and d <= as_of


class Engine:
    def __init__(self, case: dict, profile: dict, as_of: dt.date, calendar: WorkingCalendar):
        self.case, self.profile, self.as_of, self.cal = case, profile, as_of, calendar
        self.rules = {r["key"]: r for r in profile["rules"]}
        self._done: dict[str, list[Deadline]] = {}
        self._hits: dict[int, Hit] = {}

    # ---- events a rule counts from -------------------------------------------------------------------------
    def _meetings(self, types: Iterable[str] | None = None) -> list[tuple[int, dict]]:
        ms = [(i, m) for i, m in enumerate(self.case.get("meetings", [])) if types is None or m["type"] in types]
        return sorted(ms, key=lambda im: (im[1]["date"], im[1].get("time") or dt.time(0), im[0]))

    def _held_meetings(self, types) -> list[tuple[int, dict]]:
        return [(i, m) for i, m in self._meetings(types) if _held(m["date"], self.as_of)]

    def _meeting_hit(self, i: int, m: dict, anchor: dict, per_item: bool = False) -> Hit:
        # Only per-item rules ("each held meeting") carry a ref; a case-level rule counting from a meeting does not.
        return Hit(m["date"], f"meetings[{i}]", anchor["label"], f"meetings[{i}]" if per_item else None, m,
                   time=m.get("time"))

    def anchor_field(self, a):
        value = get_path(self.case, a["field"])
        return [Hit(value, a["field"], a["label"])] if isinstance(value, dt.date) else []

    def anchor_first_held_meeting(self, a):
        held = self._held_meetings(a["types"])
        return [self._meeting_hit(*held[0], a)] if held else []

    def anchor_latest_held_meeting(self, a):
        held = self._held_meetings(a["types"])
        return [self._meeting_hit(*held[-1], a)] if held else []

    def anchor_each_held_meeting(self, a):
        return [self._meeting_hit(i, m, a, per_item=True) for i, m in self._held_meetings(a["types"])]

    def anchor_each_planned_meeting_with_time(self, a):
        return [self._meeting_hit(i, m, a, per_item=True) for i, m in self._meetings(a["types"])
                if m["date"] > self.as_of and m.get("time")]

    def anchor_plan_start(self, a):
        start = get_path(self.case, "plan.start")
        if start:
            return [Hit(start, "plan.start", a["label"])]
        initial = self._meetings(["initial"])
        if initial:
            i, m = initial[0]
            return [Hit(m["date"], f"meetings[{i}]", a["label"])]
        return []

    def anchor_latest_held_visit(self, a):
        visits = [(v["date"], i) for i, v in enumerate(self.case.get("visits", []))
                  if _held(v["date"], self.as_of) and v.get("seen", True)]
        if not visits:
            return []
        d, i = max(visits)
        return [Hit(d, f"visits[{i}]", a["label"])]

    def anchor_latest_held_list(self, a):
        dates = [(d, i) for i, d in enumerate(get_path(self.case, a["field"]) or []) if _held(d, self.as_of)]
        if not dates:
            return []
        d, i = max(dates)
        return [Hit(d, f"{a['field']}[{i}]", a["label"])]

    def anchor_rule(self, a):
        return [Hit(dl.due, a["rule"], a["label"], dl.ref, self._hits[id(dl)].item, self._hits[id(dl)].escalation,
                    time=dl.due_time)
                for dl in self.deadlines_for(a["rule"])]

    def anchor_each_escalation(self, a):
        return [Hit(e["disagreement"], f"escalations[{i}].disagreement", a["label"], f"escalations[{i}]", e, e)
                for i, e in enumerate(self.case.get("escalations", []))]

    def _stages(self):
        for i, e in enumerate(self.case.get("escalations", [])):
            for j, s in enumerate(e.get("stages", [])):
                yield i, e, j, s

    def anchor_each_stage_started(self, a):
        return [Hit(s["started"], f"escalations[{i}].stages[{j}].started", a["label"],
                    f"escalations[{i}].stages[{j}]", s, e)
                for i, e, j, s in self._stages() if s["stage"] == a["stage"] and _held(s["started"], self.as_of)]

    def anchor_each_stage_resolved(self, a):
        return [Hit(s["resolved"], f"escalations[{i}].stages[{j}].resolved", a["label"],
                    f"escalations[{i}].stages[{j}]", s, e)
                for i, e, j, s in self._stages() if s["stage"] in a["stages"] and _held(s.get("resolved"), self.as_of)]

    # ---- conditions ---------------------------------------------------------------------------------------
    def holds(self, when: dict, hit: Hit | None) -> bool:
        for key, expected in (when or {}).items():
            if key == "field_set":
                ok = get_path(self.case, expected) is not None
            elif key == "no_meeting_on_or_before_anchor":
                ok = not any(m["date"] <= hit.date for _, m in self._meetings([expected]))
            elif key == "stage_unresolved_by_anchor":
                stage = next((s for s in (hit.escalation or {}).get("stages", []) if s["stage"] == expected), None)
                resolved = (stage or {}).get("resolved")
                ok = not (_held(resolved, self.as_of) and resolved <= hit.date)
            elif key.startswith("item."):
                ok = (hit.item or {}).get(key[5:]) == expected
            else:
                ok = get_path(self.case, key) == expected
            if not ok:
                return False
        return True

    # ---- what satisfies a rule ----------------------------------------------------------------------------
    def satisfied_on(self, s: dict | None, hit: Hit) -> dt.date | None:
        if not s:
            return None
        ev = s["event"]
        if ev == "meeting":
            for _, m in self._held_meetings(s["types"]):
                if not s.get("after_anchor") or m["date"] > hit.date or (not s.get("strictly_after") and m["date"] == hit.date):
                    return m["date"]
            return None
        if ev == "nth_meeting":
            held = self._held_meetings(s["types"])
            return held[s["n"] - 1][1]["date"] if len(held) >= s["n"] else None
        if ev == "item_field":
            for name in s.get("fields_") or [s["field"]]:
                d = (hit.item or {}).get(name)
                if _held(d, self.as_of):
                    return d
            return None
        if ev == "field":
            d = get_path(self.case, s["field"])
            return d if isinstance(d, dt.date) and _held(d, self.as_of) else None
        if ev == "visit_after_anchor":
            # Both policies: the child must be seen; a visit where they were not does not count.
            later = [v["date"] for v in self.case.get("visits", [])
                     if hit.date < v["date"] <= self.as_of and v.get("seen", True)]
            return min(later, default=None)
        if ev == "list_after_anchor":
            later = [d for d in get_path(self.case, s["field"]) or [] if hit.date < d <= self.as_of]
            return min(later, default=None)
        if ev == "health_report_received":
            health = {p["name"].casefold() for p in self.case.get("professionals", []) if p.get("agency_type") == "health"}
            got = [r["received"] for r in (hit.item or {}).get("reports_received", [])
                   if r["by"].casefold() in health and _held(r.get("received"), self.as_of)]
            return min(got, default=None)
        if ev == "first_stage_started":
            starts = [st["started"] for st in (hit.escalation or {}).get("stages", []) if _held(st["started"], self.as_of)]
            return min(starts, default=None)
        if ev == "stage_started":
            # A later resolution of the earlier stage also ends the need to escalate (shown as late, not overdue
            # for ever), when the profile says so with `or_stage_resolved`.
            starts = [st["started"] for st in (hit.escalation or {}).get("stages", [])
                      if st["stage"] == s["stage"] and _held(st["started"], self.as_of)]
            starts += [st["resolved"] for st in (hit.escalation or {}).get("stages", [])
                       if st["stage"] == s.get("or_stage_resolved") and _held(st.get("resolved"), self.as_of)]
            return min(starts, default=None)
        raise PolicyError(f"The profile uses an unknown satisfying event '{ev}'.")  # pragma: no cover (validated)

    # ---- arithmetic -----------------------------------------------------------------------------------------
    def pick_offset(self, alternatives: list[dict], hit: Hit) -> dict:
        for alt in alternatives:
            if self.holds(alt.get("when") or {}, hit):
                return alt
        raise PolicyError("No offset of this rule applies to this case; give a default without 'when'.")

    def compute(self, offset: dict, hit: Hit, fact: bool) -> tuple[dt.date, dt.time | None, str, str | None]:
        """(due, due_time, basis, moved) for one offset from one event."""
        cal, d = self.cal, hit.date
        if "working_days" in offset:
            n = offset["working_days"]
            return cal.add_working_days(d, n), None, ("the same working day" if n == 0 else _plural(n, "working day")), None
        if "working_days_before" in offset:
            n = offset["working_days_before"]
            return cal.subtract_working_days(d, n), None, f"{_plural(n, 'working day')} before", None
        if "hours_before" in offset:
            h = offset["hours_before"]
            at = dt.datetime.combine(d, hit.time or dt.time(0)) - dt.timedelta(hours=h)
            due, moved = self._move_back(at.date(), fact)
            return due, at.time(), f"{h} hours before", moved
        if "panel_date" in offset:
            return self._panel_date(offset["panel_date"], d)
        if "weeks_from_field" in offset:
            n = get_path(self.case, offset["weeks_from_field"])
            raw, basis = add_weeks(d, n), f"{_plural(n, 'week')} (as set in {offset['weeks_from_field']})"
        else:
            unit = next(u for u in ("days", "weeks", "months", "years") if u in offset)
            n = offset[unit]
            raw = {"days": add_days, "weeks": add_weeks, "months": add_months, "years": add_years}[unit](d, n)
            basis = _plural(n, unit[:-1])
        due, moved = self._move_back(raw, fact)
        return due, None, basis, moved

    def _move_back(self, raw: dt.date, fact: bool) -> tuple[dt.date, str | None]:
        # A deadline has to be meetable in office hours: calendar-counted deadlines that land on a non-working day
        # move to the previous working day. Facts (birthdays) are dates, never moved.
        if fact or self.cal.is_working_day(raw):
            return raw, None
        return self.cal.on_or_before(raw), f"{raw.isoformat()} is {self.cal.non_working_reason(raw)}"

    def _panel_date(self, spec: dict, eligible: dt.date):
        weekday = WEEKDAYS.index(spec["weekday"])
        k = spec["referral_working_days"]
        year, month = eligible.year, eligible.month
        for _ in range(24):
            sitting = last_weekday_of_month(year, month, weekday)
            actual = self.cal.on_or_before(sitting)
            if self.cal.subtract_working_days(actual, k) >= eligible:
                moved = None if actual == sitting else f"{sitting.isoformat()} is {self.cal.non_working_reason(sitting)}"
                basis = (f"the last {spec['weekday'].capitalize()} of a month, leaving {_plural(k, 'working day')} "
                         "to refer")
                return actual, None, basis, moved
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise PolicyError("No panel date found within two years.")  # pragma: no cover

    # ---- rules --------------------------------------------------------------------------------------------
    def deadlines_for(self, key: str) -> list[Deadline]:
        if key in self._done:
            return self._done[key]
        self._done[key] = []  # guards against a rule that (indirectly) counts from itself
        rule = self.rules[key]
        out: list[Deadline] = []
        for anchor in rule["from_"]:
            hits = getattr(self, f"anchor_{anchor['event']}")(anchor)
            if not hits:
                continue
            hits = [h for h in hits if self.holds(rule.get("when"), h)]
            for hit in hits:
                dl = self.evaluate(rule, anchor, hit)
                self._hits[id(dl)] = hit
                out.append(dl)
            break  # the first event that is present is the one the rule counts from
        self._done[key] = out
        return out

    def evaluate(self, rule: dict, anchor: dict, hit: Hit) -> Deadline:
        """The deadline one rule gives for one occurrence of the event it counts from, with its status."""
        offset = self.pick_offset(anchor.get("offset") or rule["offset"], hit)
        fact = rule["kind"] == "fact"
        due, due_time, basis, moved = self.compute(offset, hit, fact)
        satisfied = None if fact else self.satisfied_on(rule.get("satisfied_by"), hit)
        if fact:
            status = "info"
        elif satisfied is not None:
            status = "met" if satisfied <= due else "late"
        else:
            status = "overdue" if self.as_of > due else "open"
        return Deadline(rule["key"], rule["label"], due, due_time or rule.get("due_time"), hit.ref, hit.path,
                        hit.date, hit.label, basis, moved, status, offset.get("source") or rule["source"],
                        rule["kind"], satisfied, hit.time if "hours_before" in offset else None)

    def all(self) -> list[Deadline]:
        out = [dl for key in self.rules for dl in self.deadlines_for(key)]
        order = {k: i for i, k in enumerate(self.rules)}
        return sorted(out, key=lambda d: (d.due, d.due_time or dt.time(0), order[d.rule], d.ref or ""))


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


ANCHOR_RESOLVERS: dict[str, Callable] = {
    name[len("anchor_"):]: fn for name, fn in vars(Engine).items() if name.startswith("anchor_")
}


def calendar_for(profile: dict, closures: Iterable[dt.date] = ()) -> WorkingCalendar:
    """Working days under a profile: bank holidays, the profile's closure days and the user's."""
    return WorkingCalendar(list(profile.get("closures", [])) + list(closures))


def compute_deadlines(case: dict, profile: dict, as_of: dt.date, closures: Iterable[dt.date] = ()) -> list[Deadline]:
    """Every deadline of `profile` for `case`, soonest first."""
    cal = calendar_for(profile, closures)
    return [_note_closures(d, cal) for d in Engine(case, profile, as_of, cal).all()]


def _note_closures(d: Deadline, cal) -> Deadline:
    """Record the office closure days a working-day count skipped (bank holidays and weekends go without saying)."""
    if "working day" not in d.basis or not cal.closures:
        return d
    low, high = sorted((d.from_date, d.due))
    d.closures_skipped = tuple(c for c in sorted(cal.closures) if low < c < high)
    return d

"""The deadline engine: applies a profile's rules to a case and gives every due date, why, and its status."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..calendar import WorkingCalendar, add_days, add_months, add_weeks, add_years, birthday, last_weekday_of_month
from ..errors import PolicyError
from .profile import WEEKDAYS


@dataclass
class Hit:
    """One occurrence of the event a rule counts from."""

    date: dt.date
    path: str  # where in the case file it comes from ("meetings[2]", "assessment.completed")
    label: str  # in words ("the latest review")
    ref: str | None = None  # the item a per-item deadline belongs to
    item: dict[str, Any] | None = None  # that item's data
    escalation: dict[str, Any] | None = None
    time: dt.time | None = None
    offset: list[dict[str, Any]] | None = None  # the anchor's own offset alternatives, if any


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
    lapse: bool = False  # a past window of a cadence rule that closed before the next event came
    note: str | None = None  # why it is shown as it is (an exception, the 6.3.4 bypass); JSON adds it to basis
    # Office closure days a working-day count stepped over (m23): the explanation names them.
    closures_skipped: tuple[dt.date, ...] = field(default=(), repr=False)

    @property
    def history(self) -> bool:
        """On the record, not work to do: a lapse (a window met late) or a deadline the plan ended without."""
        return self.lapse or self.status == "missed"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label,
            "due": self.due.isoformat(),
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "ref": self.ref,
            "from": self.from_,
            "from_date": self.from_date.isoformat(),
            "basis": f"{self.basis}; {self.note}" if self.note else self.basis,
            "moved": self.moved,
            "status": self.status,
            "source": self.source,
        }

    def explanation(self) -> str:
        """In words: '10 working days after the plan decision on Monday 2 November 2026'."""
        from ..render.filters import longdate

        when = longdate(self.from_date) + (f" at {self.anchor_time.strftime('%H:%M')}" if self.anchor_time else "")
        if self.basis == "on the same day":
            text = f"on the date of {self.from_label} ({when})"
        elif self.basis == "the same working day":
            text = f"the same working day as {self.from_label} on {when}"
        elif self.basis.endswith("birthday"):
            text = f"the {self.basis} of a child born on {longdate(self.from_date)}"
        elif self.basis.startswith("the last "):
            # Sittings whose referral deadline had already gone are skipped (F13): say so.
            text = (
                f"the first panel sitting ({self.basis}) whose referral deadline is on or after "
                f"{self.from_label} on {when}"
            )
        elif self.basis.endswith(" before"):
            text = f"{self.basis} {self.from_label} on {when}"
        else:
            text = f"{self.basis} after {self.from_label} on {when}"
        if self.moved:
            text += f" ({moved_words(self.moved, self.due)})"
        if self.closures_skipped:
            days = [longdate(c) for c in self.closures_skipped]
            listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
            text += f" (office closure day{'s' if len(days) > 1 else ''} not counted: {listed})"
        return text


_WEEKEND = ("a Saturday", "a Sunday")


def moved_words(moved: str, due: dt.date) -> str:
    """The contract's `moved` ("2027-01-02 is a Saturday; 2027-01-01 is a bank holiday (New Year's Day)") in words:
    "brought forward from Saturday 2 January 2027; Friday 1 January 2027 is a bank holiday (New Year's Day)"."""
    from ..render.filters import longdate

    days = []
    for part in moved.split("; "):
        day, _, reason = part.partition(" is ")
        try:
            days.append((dt.date.fromisoformat(day), reason))
        except ValueError:
            return f"moved: {moved}"
    (first, first_why), rest = days[0], days[1:]
    day_off = "" if first_why in _WEEKEND else f", {first_why}"  # the long date already names the day of the week
    if first > due:
        text = f"brought forward from {longdate(first)}{day_off}"
    else:
        text = f"the next working day, as {longdate(first)}{day_off} is not one"
    for d, why in rest:
        text += f"; {longdate(d)} is {why}"
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
    def __init__(
        self, case: dict[str, Any], profile: dict[str, Any], as_of: dt.date, calendar: WorkingCalendar
    ) -> None:
        self.case, self.profile, self.as_of, self.cal = case, profile, as_of, calendar
        self.rules = {r["key"]: r for r in profile["rules"]}
        self._done: dict[str, list[Deadline]] = {}
        self._hits: dict[int, Hit] = {}
        self.plan_end = self._plan_end()

    def _plan_end(self) -> dt.date | None:
        """The earliest of plan.end, closure.date and the 18th birthday (29 February -> 1 March)."""
        ends = [get_path(self.case, p) for p in ("plan.end", "closure.date")]
        dob = get_path(self.case, "child.date_of_birth")
        if isinstance(dob, dt.date):
            ends.append(birthday(dob, 18))
        return min((d for d in ends if isinstance(d, dt.date)), default=None)

    @property
    def plan_ended(self) -> bool:
        return self.plan_end is not None and self.plan_end <= self.as_of

    # ---- events a rule counts from -------------------------------------------------------------------------
    def _meetings(self, types: Iterable[str] | None = None) -> list[tuple[int, dict[str, Any]]]:
        ms = [(i, m) for i, m in enumerate(self.case.get("meetings", [])) if types is None or m["type"] in types]
        return sorted(ms, key=lambda im: (im[1]["date"], im[1].get("time") or dt.time(0), im[0]))

    def _held_meetings(self, types: Iterable[str] | None) -> list[tuple[int, dict[str, Any]]]:
        return [(i, m) for i, m in self._meetings(types) if _held(m["date"], self.as_of)]

    def _meeting_hit(self, i: int, m: dict[str, Any], anchor: dict[str, Any], per_item: bool = False) -> Hit:
        # Only per-item rules ("each held meeting") carry a ref; a case-level rule counting from a meeting does not.
        return Hit(
            m["date"], f"meetings[{i}]", anchor["label"], f"meetings[{i}]" if per_item else None, m, time=m.get("time")
        )

    def anchor_field(self, a: dict[str, Any]) -> list[Hit]:
        value = get_path(self.case, a["field"])
        return [Hit(value, a["field"], a["label"])] if isinstance(value, dt.date) else []

    def anchor_first_meeting(self, a: dict[str, Any]) -> list[Hit]:
        """The first meeting of the types, held or planned (a planned one gives forecast dates)."""
        ms = self._meetings(a["types"])
        return [self._meeting_hit(*ms[0], a)] if ms else []

    def anchor_first_held_meeting(self, a: dict[str, Any]) -> list[Hit]:
        held = self._held_meetings(a["types"])
        return [self._meeting_hit(*held[0], a)] if held else []

    def anchor_latest_held_meeting(self, a: dict[str, Any]) -> list[Hit]:
        held = self._held_meetings(a["types"])
        return [self._meeting_hit(*held[-1], a)] if held else []

    def anchor_each_held_meeting(self, a: dict[str, Any]) -> list[Hit]:
        return [self._meeting_hit(i, m, a, per_item=True) for i, m in self._held_meetings(a["types"])]

    def anchor_each_planned_meeting_with_time(self, a: dict[str, Any]) -> list[Hit]:
        return [
            self._meeting_hit(i, m, a, per_item=True)
            for i, m in self._meetings(a["types"])
            if m["date"] > self.as_of and m.get("time")
        ]

    def anchor_plan_start(self, a: dict[str, Any]) -> list[Hit]:
        """plan.start, else the first meeting of the first of `types` present (default: the initial meeting),
        held or planned."""
        start = get_path(self.case, "plan.start")
        if start:
            return [Hit(start, "plan.start", a["label"])]
        for kind in a.get("types") or ["initial"]:
            found = self._meetings([kind])
            if found:
                i, m = found[0]
                return [Hit(m["date"], f"meetings[{i}]", a["label"])]
        return []

    def anchor_latest_held_visit(self, a: dict[str, Any]) -> list[Hit]:
        visits = [
            (v["date"], i)
            for i, v in enumerate(self.case.get("visits", []))
            if _held(v["date"], self.as_of) and v.get("seen", True)
        ]
        if not visits:
            return []
        d, i = max(visits)
        return [Hit(d, f"visits[{i}]", a["label"])]

    def _held_visits(self, a: dict[str, Any]) -> list[Hit]:
        visits = sorted(
            (v["date"], i)
            for i, v in enumerate(self.case.get("visits", []))
            if _held(v["date"], self.as_of) and v.get("seen", True)
        )
        return [Hit(d, f"visits[{i}]", a["label"]) for d, i in visits]

    def every_held(self, a: dict[str, Any]) -> list[Hit]:
        """Every occurrence a `latest_held_*` anchor chooses among, oldest first (for the record of lapses)."""
        if a["event"] == "latest_held_visit":
            return self._held_visits(a)
        if a["event"] == "latest_held_meeting":
            return [self._meeting_hit(i, m, a) for i, m in self._held_meetings(a["types"])]
        if a["event"] == "latest_held_list":
            dates = sorted((d, i) for i, d in enumerate(get_path(self.case, a["field"]) or []) if _held(d, self.as_of))
            return [Hit(d, f"{a['field']}[{i}]", a["label"]) for d, i in dates]
        return []

    def anchor_latest_held_list(self, a: dict[str, Any]) -> list[Hit]:
        dates = [(d, i) for i, d in enumerate(get_path(self.case, a["field"]) or []) if _held(d, self.as_of)]
        if not dates:
            return []
        d, i = max(dates)
        return [Hit(d, f"{a['field']}[{i}]", a["label"])]

    def anchor_rule(self, a: dict[str, Any]) -> list[Hit]:
        return [
            Hit(
                dl.due,
                a["rule"],
                a["label"],
                dl.ref,
                self._hits[id(dl)].item,
                self._hits[id(dl)].escalation,
                time=dl.due_time,
            )
            for dl in self.deadlines_for(a["rule"])
            if not dl.lapse
        ]  # the current window, not the record

    def anchor_each_escalation(self, a: dict[str, Any]) -> list[Hit]:
        return [
            Hit(e["disagreement"], f"escalations[{i}].disagreement", a["label"], f"escalations[{i}]", e, e)
            for i, e in enumerate(self.case.get("escalations", []))
        ]

    def _stages(self) -> Iterator[tuple[int, dict[str, Any], int, dict[str, Any]]]:
        for i, e in enumerate(self.case.get("escalations", [])):
            for j, s in enumerate(e.get("stages", [])):
                yield i, e, j, s

    def anchor_each_stage_started(self, a: dict[str, Any]) -> list[Hit]:
        return [
            Hit(
                s["started"], f"escalations[{i}].stages[{j}].started", a["label"], f"escalations[{i}].stages[{j}]", s, e
            )
            for i, e, j, s in self._stages()
            if s["stage"] == a["stage"] and _held(s["started"], self.as_of)
        ]

    def anchor_each_stage_resolved(self, a: dict[str, Any]) -> list[Hit]:
        return [
            Hit(
                s["resolved"],
                f"escalations[{i}].stages[{j}].resolved",
                a["label"],
                f"escalations[{i}].stages[{j}]",
                s,
                e,
            )
            for i, e, j, s in self._stages()
            if s["stage"] in a["stages"] and _held(s.get("resolved"), self.as_of)
        ]

    # ---- conditions ---------------------------------------------------------------------------------------
    def holds(self, when: dict[str, Any] | None, hit: Hit) -> bool:
        for key, expected in (when or {}).items():
            if key == "field_set":
                ok = get_path(self.case, expected) is not None
            elif key == "field_unset":
                ok = get_path(self.case, expected) is None
            elif key == "invites_agency_type":
                ok = self._invites(hit, expected)
            elif key == "no_meeting_on_or_before_anchor":
                ok = not any(m["date"] <= hit.date for _, m in self._meetings([expected]))
            elif key == "stage_unresolved_by_anchor":
                stage = next((s for s in (hit.escalation or {}).get("stages", []) if s["stage"] == expected), None)
                resolved = (stage or {}).get("resolved")
                ok = not (resolved is not None and _held(resolved, self.as_of) and resolved <= hit.date)
            elif key.startswith("item."):
                ok = (hit.item or {}).get(key[5:]) == expected
            else:
                ok = get_path(self.case, key) == expected
            if not ok:
                return False
        return True

    def _invites(self, hit: Hit | None, agency_type: str) -> bool:
        """Whether the meeting invites someone of this agency type (or, when it lists nobody, one is on the case)."""
        of_type = {
            p["name"].casefold() for p in self.case.get("professionals", []) if p.get("agency_type") == agency_type
        }
        invitees = (hit.item or {}).get("invitees") if hit else None
        if not invitees:
            return bool(of_type)
        return any(name.casefold() in of_type for name in invitees)

    def unless(self, unless: dict[str, Any] | None, hit: Hit) -> bool:
        """A rule's `unless:` leaves it out when all of its conditions hold."""
        return bool(unless) and self.holds(unless, hit)

    # ---- what satisfies a rule ----------------------------------------------------------------------------
    def satisfied_on(self, s: dict[str, Any] | None, hit: Hit) -> dt.date | None:
        if not s:
            return None
        ev = s["event"]
        if ev == "meeting":
            for _, m in self._held_meetings(s["types"]):
                if (
                    not s.get("after_anchor")
                    or m["date"] > hit.date
                    or (not s.get("strictly_after") and m["date"] == hit.date)
                ):
                    held_on: dt.date = m["date"]
                    return held_on
            return None
        if ev == "nth_meeting":
            held = self._held_meetings(s["types"])
            return held[s["n"] - 1][1]["date"] if len(held) >= s["n"] else None
        if ev == "item_field":
            for name in s.get("fields_") or [s["field"]]:
                d: dt.date | None = (hit.item or {}).get(name)
                if _held(d, self.as_of):
                    return d
            return None
        if ev == "field":
            d = get_path(self.case, s["field"])
            return d if isinstance(d, dt.date) and _held(d, self.as_of) else None
        if ev == "visit_after_anchor":
            # Both policies: the child must be seen; a visit where they were not does not count.
            later = [
                v["date"]
                for v in self.case.get("visits", [])
                if hit.date < v["date"] <= self.as_of and v.get("seen", True)
            ]
            return min(later, default=None)
        if ev == "list_after_anchor":
            later = [d for d in get_path(self.case, s["field"]) or [] if hit.date < d <= self.as_of]
            return min(later, default=None)
        if ev == "health_report_received":
            health = {
                p["name"].casefold() for p in self.case.get("professionals", []) if p.get("agency_type") == "health"
            }
            got = [
                r["received"]
                for r in (hit.item or {}).get("reports_received", [])
                if r["by"].casefold() in health and _held(r.get("received"), self.as_of)
            ]
            return min(got, default=None)
        if ev == "first_stage_started":
            # `min_stage`: at immediate risk only escalation to managers (stage 2 or later) meets the duty (6.3.1).
            starts = [
                st["started"]
                for st in (hit.escalation or {}).get("stages", [])
                if st["stage"] >= s.get("min_stage", 1) and _held(st["started"], self.as_of)
            ]
            return min(starts, default=None)
        if ev == "plan_end":
            return self.plan_end if self.plan_ended else None
        if ev == "visit_before_due":
            # A visit in the `months` before the due date (which is the anchor: a rule counted from a rule's due).
            since = add_months(hit.date, -s["months"])
            seen = [
                v["date"]
                for v in self.case.get("visits", [])
                if since <= v["date"] <= self.as_of and v.get("seen", True)
            ]
            return min(seen, default=None)
        if ev == "stage_started":
            # A later resolution of the earlier stage also ends the need to escalate (shown as late, not overdue
            # for ever), when the profile says so with `or_stage_resolved`.
            starts = [
                st["started"]
                for st in (hit.escalation or {}).get("stages", [])
                if st["stage"] == s["stage"] and _held(st["started"], self.as_of)
            ]
            starts += [
                st["resolved"]
                for st in (hit.escalation or {}).get("stages", [])
                if st["stage"] == s.get("or_stage_resolved") and _held(st.get("resolved"), self.as_of)
            ]
            return min(starts, default=None)
        raise PolicyError(f"The profile uses an unknown satisfying event '{ev}'.")  # pragma: no cover (validated)

    # ---- arithmetic -----------------------------------------------------------------------------------------
    def pick_offset(self, alternatives: list[dict[str, Any]], hit: Hit) -> dict[str, Any]:
        for alt in alternatives:
            if self.holds(alt.get("when") or {}, hit):
                return alt
        raise PolicyError("No offset of this rule applies to this case; give a default without 'when'.")

    def compute(self, offset: dict[str, Any], hit: Hit, fact: bool) -> tuple[dt.date, dt.time | None, str, str | None]:
        """(due, due_time, basis, moved) for one offset from one event."""
        cal, d = self.cal, hit.date
        if "working_days" in offset:
            n = offset["working_days"]
            if n == 0:
                # "The same working day": the next working day when the event is on a non-working day, and say so.
                return cal.add_working_days(d, 0), None, "the same working day", cal.moved_text(d, 1)
            return cal.add_working_days(d, n), None, _plural(n, "working day"), None
        if "birthday" in offset:
            n = offset["birthday"]
            return birthday(d, n), None, f"{_ordinal(n)} birthday", None
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
            basis = "on the same day" if n == 0 else _plural(n, unit[:-1])
        due, moved = self._move_back(raw, fact)
        return due, None, basis, moved

    def _move_back(self, raw: dt.date, fact: bool) -> tuple[dt.date, str | None]:
        # A deadline has to be meetable in office hours: calendar-counted deadlines that land on a non-working day
        # move to the previous working day. Facts (birthdays) are dates, never moved.
        if fact or self.cal.is_working_day(raw):
            return raw, None
        return self.cal.on_or_before(raw), self.cal.moved_text(raw, -1)

    def _panel_date(self, spec: dict[str, Any], eligible: dt.date) -> tuple[dt.date, dt.time | None, str, str | None]:
        weekday = WEEKDAYS.index(spec["weekday"])
        k = spec["referral_working_days"]
        year, month = eligible.year, eligible.month
        for _ in range(24):
            sitting = last_weekday_of_month(year, month, weekday)
            actual = self.cal.on_or_before(sitting)
            if self.cal.subtract_working_days(actual, k) >= eligible:
                moved = None if actual == sitting else self.cal.moved_text(sitting, -1)
                basis = (
                    f"the last {spec['weekday'].capitalize()} of a month, leaving {_plural(k, 'working day')} to refer"
                )
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
        for j, anchor in enumerate(rule["from_"]):
            hits = getattr(self, f"anchor_{anchor['event']}")(anchor)
            if not hits:
                continue
            hits = [h for h in hits if self.holds(rule.get("when"), h) and not self.unless(rule.get("unless"), h)]
            hits = [h for h in hits if self.item_within_plan(rule, anchor, h)]
            if rule.get("history") and j == 0 and len(hits) == 1:
                out.extend(self._lapses(rule))
            for hit in hits:
                dl = self.evaluate(rule, anchor, hit)
                self._hits[id(dl)] = hit
                out.append(dl)
            break  # the first event that is present is the one the rule counts from
        if rule.get("plan_end") == "stop":
            out = [dl for dl in out if self._before_plan_end(dl)]
        self._done[key] = out
        return out

    def item_within_plan(self, rule: dict[str, Any], anchor: dict[str, Any], hit: Hit) -> bool:
        """Per-item rules (`plan_end: items`): items on or before the plan end still count, even when due after."""
        return not (
            rule.get("plan_end") == "items"
            and self.plan_end
            and anchor["event"].startswith("each_")
            and hit.date > self.plan_end
        )

    def _before_plan_end(self, dl: Deadline) -> bool:
        """Cadence and plan-start rules: nothing due after the plan end; unmet ones due on or before it, once the
        plan has ended, are `missed` (a lapse on the record, not work to do)."""
        if self.plan_end is None:
            return True
        if dl.due > self.plan_end:
            return False
        if self.plan_ended and dl.status in ("open", "overdue"):
            dl.status = "missed"
        return True

    def _lapses(self, rule: dict[str, Any]) -> list[Deadline]:
        """The record of a cadence rule: every past window that closed before the event that ended it came.

        The chain is the rule's base event (the first later anchor present: plan start, the initial meeting) and
        then every occurrence of its first anchor (each held visit or meeting) after it. Each link whose next event
        came after the window's due date is a `late` deadline whose ref is that event. The last link is the window
        the rule counts from now (evaluated by the caller), not part of the record.
        """
        anchors = rule["from_"]
        first = anchors[0]
        chain: list[tuple[dict[str, Any], Hit]] = []
        for later in anchors[1:]:
            base = getattr(self, f"anchor_{later['event']}")(later)
            if base:
                chain.append((later, base[0]))
                break
        since = chain[0][1].date if chain else None
        chain += [(first, h) for h in self.every_held(first) if since is None or h.date > since]
        out = []
        for (anchor, hit), (_, nxt) in zip(chain, chain[1:]):
            if not (self.holds(rule.get("when"), hit) and not self.unless(rule.get("unless"), hit)):
                continue
            dl = self.evaluate(rule, anchor, hit)
            if dl.status == "late" and dl.satisfied_on == nxt.date:
                dl.ref, dl.lapse = nxt.path, True
                out.append(dl)
        return out

    def evaluate(self, rule: dict[str, Any], anchor: dict[str, Any], hit: Hit) -> Deadline:
        """The deadline one rule gives for one occurrence of the event it counts from, with its status."""
        offset = self.pick_offset(anchor.get("offset") or rule["offset"], hit)
        fact = rule["kind"] == "fact"
        due, due_time, basis, moved = self.compute(offset, hit, fact)
        note = offset.get("note")
        satisfier = offset.get("satisfied_by") or rule.get("satisfied_by")
        satisfied = None if fact else self.satisfied_on(satisfier, hit)
        label, source = rule["label"], offset.get("source") or rule["source"]
        exception = next((e for e in rule.get("exceptions") or [] if self.holds(e["when"], hit)), None)
        if fact:
            status = "info"
        elif exception:
            # Not this authority's deadline, or not a target for this plan: shown, never chased.
            status, source = "info", exception["source"]
            label = exception.get("label") or label
            note = self._fill(exception["note"], due)
        elif rule["kind"] == "target":
            # A target is never overdue or late: met if the plan ended by then, passed once it is behind as_of.
            status = "met" if satisfied is not None and satisfied <= due else "passed" if self.as_of > due else "open"
        elif satisfied is not None:
            status = "met" if satisfied <= due else "late"
        else:
            status = "overdue" if self.as_of > due else "open"
        return Deadline(
            rule["key"],
            label,
            due,
            due_time or rule.get("due_time"),
            hit.ref,
            hit.path,
            hit.date,
            hit.label,
            basis,
            moved,
            status,
            source,
            rule["kind"],
            satisfied,
            hit.time if "hours_before" in offset else None,
            note=note,
        )

    def _fill(self, note: str, due: dt.date) -> str:
        """An exception's note with {due} and {case.path} filled in ("no reason recorded" when a field is empty)."""
        from ..render.filters import longdate

        def value(m: re.Match[str]) -> str:
            if m.group(1) == "due":
                return longdate(due)
            found = get_path(self.case, m.group(1))
            text = "" if found is None else str(found).strip()
            return text or "no reason recorded"  # a reason of only spaces is no reason, not "()"

        return re.sub(r"\{([a-z_.]+)\}", value, note)

    def all(self) -> list[Deadline]:
        out = [dl for key in self.rules for dl in self.deadlines_for(key)]
        order = {k: i for i, k in enumerate(self.rules)}
        return sorted(out, key=lambda d: (d.due, d.due_time or dt.time(0), order[d.rule], d.ref or ""))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


ANCHOR_RESOLVERS: dict[str, Callable[..., list[Hit]]] = {
    name[len("anchor_") :]: fn for name, fn in vars(Engine).items() if name.startswith("anchor_")
}


def calendar_for(profile: dict[str, Any], closures: Iterable[dt.date] = ()) -> WorkingCalendar:
    """Working days under a profile: bank holidays, the profile's closure days and the user's."""
    return WorkingCalendar(list(profile.get("closures", [])) + list(closures))


def compute_deadlines(
    case: dict[str, Any], profile: dict[str, Any], as_of: dt.date, closures: Iterable[dt.date] = ()
) -> list[Deadline]:
    """Every deadline of `profile` for `case`, soonest first."""
    cal = calendar_for(profile, closures)
    return [_note_closures(d, cal) for d in Engine(case, profile, as_of, cal).all()]


def _note_closures(d: Deadline, cal: WorkingCalendar) -> Deadline:
    """Record the office closure days a working-day count skipped (bank holidays and weekends go without saying)."""
    if "working day" not in d.basis or not cal.closures:
        return d
    low, high = sorted((d.from_date, d.due))
    d.closures_skipped = tuple(c for c in sorted(cal.closures) if low < c < high)
    return d

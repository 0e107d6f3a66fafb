"""The CIN panel summary report: the case put to the panel, what it is asked to decide, and the decisions section."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import api
from ..calendar import add_months
from ..models import case as model
from ..policies.engine import Deadline, Hit
from ..render.filters import NOT_RECORDED, longdate, time
from ..render.filters import dob as dob_text
from . import Built, Options, Output
from .common import VIEW_FORMATS, base_context, complete, deadline_context, find, meeting_index, require

TITLE = "CIN Panel Summary Report"
#: Meetings that make up the plan's history (a family network meeting is the family's own, not a plan review).
HISTORY_TYPES = ("initial", "review", "cin", "transfer_in", "panel")
#: Rows of blank decision lines to complete at the panel (fewer when the policy's outcomes are listed to tick, so
#: the decisions form stays on one page).
BLANK_DECISION_ROWS = 6
BLANK_DECISION_ROWS_WITH_OPTIONS = 3
STATUS_WORDS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "achieved": "Achieved",
    "partly_achieved": "Partly achieved",
    "not_achieved": "Not achieved",
}


def build(case: api.Case, options: Options, *, panel_date: dt.date | None = None) -> Built:
    """One summary report; `panel_date` (a panel pack's date) overrides the date found in the case and profile."""
    ctx = summary_context(case, options, panel_date=panel_date)
    warnings = readiness_warnings(case, ctx["panel"]["date"], options.as_of) + ctx["panel"]["presenter_warnings"]
    future = future_referral(case, options.as_of)
    if future:
        warnings.append(future)
    # The report is for the panel members and the professionals presenting: no family reader.
    names = [p["name"] for p in ctx["panel"]["presenters"] if p["name"]]
    return Built([Output(ctx, [], addressed_to=names, reader="professional")], warnings)


def future_referral(case: api.Case, as_of: dt.date) -> str | None:
    """A referral dated after the as-of date has not happened yet, so the engine cannot judge it (review m12)."""
    referred = (case.data.get("panel") or {}).get("referred")
    if referred is None or referred <= as_of:
        return None
    return (
        f"The referral to the panel is dated {longdate(referred)}, after {longdate(as_of)} (the date this is "
        "worked out as of): a referral cannot be dated in the future, so whether it is in time cannot be checked. "
        "Correct panel.referred, or give the date the referral was made with --as-of."
    )


def readiness_warnings(case: api.Case, panel_date: dt.date | None, as_of: dt.date) -> list[str]:
    """A plan brought to panel before the policy's minimum (Hillingdon: 8 months) gets a warning, not a refusal."""
    minimum = (case.profile.get("panel") or {}).get("minimum_months")
    if not minimum:
        return []
    plan = case.data.get("plan") or {}
    start = plan.get("start") or next(
        iter(sorted(m["date"] for m in case.data.get("meetings", []) if m["type"] == "initial")), None
    )
    on = panel_date or as_of
    if start is None or start > on:
        return []
    months = months_open(start, on)
    if months >= minimum:
        return []
    reached = add_months(start, minimum)
    when = f"the panel on {longdate(on)}" if panel_date else longdate(on)
    message = (
        f"The plan started on {longdate(start)}, so it will have been open {_months_words(months)} by {when}: "
        f"the {case.profile['label']} policy brings a plan to the panel once it has run {minimum} months "
        f"({longdate(reached)})."
    )
    source = case.profile["panel"].get("minimum_months_source")
    return [message + (f' Policy: "{source}"' if source else "")]


def summary_context(case: api.Case, options: Options, *, panel_date: dt.date | None = None) -> dict:
    data = case.data
    require(data, "panel summary report", "panel")
    as_of = options.as_of
    deadlines = api.due_dates(case, as_of)
    ctx = base_context(case, "panel-summary", TITLE, as_of)
    panel_data = complete(model.Panel, data["panel"])
    profile_panel = case.profile.get("panel") or {}

    sitting = resolve_panel_date(case, options, deadlines, override=panel_date)
    referral = (
        deadline_for_panel_date(case, "panel_referral", sitting["date"], as_of)
        if panel_date is not None
        else find(deadlines, "panel_referral")
    )
    identification = find(deadlines, "panel_identification")
    eligible = find(deadlines, "panel_eligible")
    upload = _upload(case, sitting, deadlines, as_of)

    presenters, presenter_warnings = _presenters(case, panel_data, ctx)
    presenter = " and ".join(p["text"] for p in presenters)
    ctx["panel"] = {
        "name": profile_panel.get("name") or case.profile["meeting_labels"].get("panel") or "CIN panel",
        "chair": sitting["chair"] or profile_panel.get("chair") or "to be confirmed",
        "schedule": profile_panel.get("schedule"),
        "membership": profile_panel.get("membership"),
        "date": sitting["date"],
        "date_text": longdate(sitting["date"]) if sitting["date"] else "to be set",
        "time_text": sitting["time_text"],
        "presenter": presenter,
        "presenters": presenters,
        "presenters_source": profile_panel.get("presenters_source"),
        "presenter_warnings": presenter_warnings,
        "referred": panel_data["referred"],
        "identified": panel_data["identified"],
        "reasons": panel_data["reasons"],
        "presenting_issues": panel_data["presenting_issues"],
        "progress": panel_data["progress"],
        "barriers": panel_data["barriers"],
        "asked_to_decide": panel_data["asked_to_decide"],
    }
    ctx["panel_rows"] = _panel_rows(ctx["panel"], sitting, referral, identification, eligible)
    ctx["plan_info"] = _plan_info(case, as_of, deadlines, sitting["date"])
    ctx["child_rows"] = _child_rows(ctx, ctx["plan_info"])
    ctx["history"], ctx["history_summary"] = _history(case, as_of)
    ctx["actions"] = [
        {
            "action": a["action"],
            "owner": a.get("owner") or NOT_RECORDED,
            "agency": a.get("agency"),
            "due": longdate(a["due"]) if isinstance(a.get("due"), dt.date) else (a.get("due") or NOT_RECORDED),
            "status": STATUS_WORDS[a.get("status") or "not_started"],
        }
        for a in (data.get("plan") or {}).get("actions", [])
    ]
    ctx["child_views"], ctx["family_views"] = _views(case, ctx["child"], as_of)
    ctx["family_expectations"] = (data.get("plan") or {}).get("family_expectations")
    ctx["timescales"] = [_timescale_row(d) for d in (identification, eligible, referral, upload["deadline"]) if d]
    decisions = panel_data["decisions"]
    blank_rows = BLANK_DECISION_ROWS_WITH_OPTIONS if profile_panel.get("outcomes") else BLANK_DECISION_ROWS
    ctx["decisions"] = {
        "blank": not decisions,
        "rows": (
            [{"number": i, "text": text} for i, text in enumerate(decisions, 1)]
            if decisions
            else [{"number": i, "text": ""} for i in range(1, blank_rows + 1)]
        ),
        "recorded": panel_data["decisions_recorded"],
        "recorded_text": longdate(panel_data["decisions_recorded"]) if panel_data["decisions_recorded"] else None,
        "upload_text": upload["text"],
        "upload_source": upload["source"],
        "options": list(profile_panel.get("outcomes") or []),
        "options_source": profile_panel.get("outcomes_source"),
    }
    return ctx


# ---- panel date, referral and upload deadlines ---------------------------------------------------------------


def deadline_for_panel_date(
    case: api.Case, rule_key: str, panel_date: dt.date | None, as_of: dt.date, *, item: dict | None = None
) -> Deadline | None:
    """The profile's rule `rule_key` counted from a given panel date instead of the one the engine found.

    A panel pack is for a date business support chooses; its referral deadline is the profile's offset from that
    date (e.g. 7 working days before), worked out by the engine's own arithmetic and status rules.
    """
    rule = next((r for r in case.profile["rules"] if r["key"] == rule_key), None)
    if rule is None or panel_date is None:
        return None
    engine = api.engine(case, as_of)
    anchor = rule["from_"][0]
    hit = Hit(panel_date, "panel date", anchor["label"], item=item)
    if not engine.holds(rule.get("when"), hit):
        return None
    return engine.evaluate(rule, anchor, hit)


def computed_panel_date(case: api.Case, options: Options, deadlines: list[Deadline]) -> dt.date | None:
    """The panel date the case file and the policy give, without a pack's date."""
    return resolve_panel_date(case, options, deadlines)["date"]


def resolve_panel_date(
    case: api.Case, options: Options, deadlines: list[Deadline], *, override: dt.date | None = None
) -> dict:
    """When the panel sits: the pack's date; else the policy's computed date (Hertfordshire: the last Thursday);
    else the case file's panel.date; else its panel meeting; else not yet set."""
    profile_panel = case.profile.get("panel") or {}
    sitting: dict[str, Any] = {"date": None, "source": "to be set", "time_text": None, "chair": None, "meeting": None}
    standard_time = (
        f"{time(profile_panel['start'])} to {time(profile_panel['end'])}"
        if profile_panel.get("start") and profile_panel.get("end")
        else None
    )
    meeting = _panel_meeting(case, options)
    engine_date = find(deadlines, "panel_date")
    if override is not None:
        sitting.update(date=override, source="the date of this panel pack")
    elif engine_date is not None:
        sitting.update(date=engine_date.due, source=f"worked out from the policy: {engine_date.explanation()}")
    elif (case.data.get("panel") or {}).get("date"):
        sitting.update(date=case.data["panel"]["date"], source="as set in the case file")
    elif meeting is not None:
        sitting.update(date=meeting[1]["date"], source="the panel meeting in the case file")
    if meeting is not None and meeting[1]["date"] == sitting["date"]:
        i, m = meeting
        sitting["meeting"] = meeting
        sitting["chair"] = m.get("chair")
        if m.get("time"):
            sitting["time_text"] = time(m["time"]) + (f" to {time(m['end_time'])}" if m.get("end_time") else "")
    if sitting["time_text"] is None and sitting["date"] is not None:
        sitting["time_text"] = standard_time
    return sitting


def _panel_meeting(case: api.Case, options: Options) -> tuple[int, dict] | None:
    meetings = case.data.get("meetings", [])
    if not any(m["type"] == "panel" for m in meetings):
        return None
    i = meeting_index(case, options.meeting, options.as_of, types=("panel",))
    return i, meetings[i]


def _upload(case: api.Case, sitting: dict, deadlines: list[Deadline], as_of: dt.date) -> dict:
    """When the decisions must be on the case record: the engine's deadline for a held panel meeting, else the
    profile rule's offset in words (counted from the panel date when it is known)."""
    rule = next((r for r in case.profile["rules"] if r["key"] == "panel_decisions_upload"), None)
    if rule is None:
        return {
            "deadline": None,
            "source": None,
            "text": f"The {case.profile['label']} policy sets no timescale for recording the panel's decisions.",
        }
    meeting = sitting["meeting"]
    held = find(deadlines, "panel_decisions_upload", f"meetings[{meeting[0]}]") if meeting else None
    if held is not None:
        return {
            "deadline": held,
            "source": held.source,
            "text": f"By {longdate(held.due)} ({held.explanation()}){_status_note(held)}.",
        }
    item = meeting[1] if meeting else None
    counted = deadline_for_panel_date(case, "panel_decisions_upload", sitting["date"], as_of, item=item)
    basis = counted.basis if counted else _basis_in_words(case, rule, as_of)
    rule_text = f"within {basis} of the panel date"
    if counted is None:
        return {"deadline": None, "source": rule["source"], "text": f"{rule_text[0].upper()}{rule_text[1:]}."}
    return {
        "deadline": None,
        "source": counted.source,
        "text": f"{rule_text[0].upper()}{rule_text[1:]}: by {longdate(counted.due)} for a panel on "
        f"{longdate(sitting['date'])}" + (f" (moved: {counted.moved})" if counted.moved else "") + ".",
    }


def _basis_in_words(case: api.Case, rule: dict, as_of: dt.date) -> str:
    # The basis ("5 days") does not depend on the date counted from; let the engine word it.
    engine = api.engine(case, as_of)
    hit = Hit(as_of, "panel date", rule["from_"][0]["label"])
    return engine.compute(engine.pick_offset(rule["from_"][0].get("offset") or rule["offset"], hit), hit, False)[2]


def _status_note(d: Deadline) -> str:
    if d.status == "met":
        return f"; done on {longdate(d.satisfied_on)}"
    if d.status == "late":
        return f"; done late, on {longdate(d.satisfied_on)}"
    if d.status == "overdue":
        return "; OVERDUE"
    return ""


def _timescale_row(d: Deadline) -> dict:
    status = {
        "met": f"Met on {longdate(d.satisfied_on)}" if d.satisfied_on else "Met",
        "late": f"Done late, on {longdate(d.satisfied_on)}",
        "overdue": "Overdue",
        "open": "Open",
        "info": "Date",
    }[d.status]
    return {**deadline_context(d), "due_text": longdate(d.due), "status_text": status}


# ---- the report's sections --------------------------------------------------------------------------------------


def _presenter(panel: dict, ctx: dict) -> str:
    # 000: "A summary report ... should be brought to the panel by the allocated social worker (if the social worker
    # is absent then the responsible manager should attend to present the case)".
    if panel["presenter"]:
        return panel["presenter"] + (f", {panel['presenter_role']}" if panel["presenter_role"] else "")
    sw = ctx["social_worker"]
    if sw:
        return f"{sw['name']}, {sw['role'] or 'Social Worker'} (allocated social worker)"
    return "to be confirmed"


def _presenters(case: api.Case, panel: dict, ctx: dict) -> tuple[list[dict], list[str]]:
    """Who presents: the profile's presenters (Hertfordshire 3.7: "The team manager and the allocated case worker
    will present the case"), each found among the case's workers; else the one presenter (Hillingdon)."""
    roles = (case.profile.get("panel") or {}).get("presenters") or []
    if not roles:
        text = _presenter(panel, ctx)
        name = panel["presenter"] or (ctx["social_worker"] or {}).get("name")
        return [{"role": None, "name": name, "text": text}], []
    out, warnings = [], []
    for role in roles:
        folded = role.casefold()
        who = (ctx["team_manager"] or ctx["line_manager"]) if "manager" in folded else ctx["social_worker"]
        if who:
            out.append({"role": role, "name": who["name"], "text": f"{who['name']} ({role.lower()})"})
        else:
            key = "team_manager" if "manager" in folded else "social_worker"
            out.append({"role": role, "name": None, "text": f"{role.lower()}: to be confirmed"})
            warnings.append(
                f"The {case.profile['label']} policy says the {role.lower()} presents the case at the "
                f"panel, but the case file names none ({key})."
            )
    named = {p["name"].casefold() for p in out if p["name"]}
    if panel["presenter"] and panel["presenter"].casefold() not in named:
        out.append(
            {
                "role": panel["presenter_role"],
                "name": panel["presenter"],
                "text": panel["presenter"] + (f" ({panel['presenter_role']})" if panel["presenter_role"] else ""),
            }
        )
    return out, warnings


def _panel_rows(panel: dict, sitting: dict, referral, identification, eligible) -> list[dict]:
    rows = [
        {"label": "Panel", "value": panel["name"]},
        {"label": "Chair", "value": panel["chair"]},
        *(
            [{"label": "Membership", "value": panel["membership"][:1].upper() + panel["membership"][1:]}]
            if panel.get("membership")
            else []
        ),
        {"label": "Panel date", "value": panel["date_text"]},
        {"label": "Time", "value": sitting["time_text"] or "to be confirmed"},
        {"label": "Presented by", "value": panel["presenter"]},
    ]
    if identification is not None:
        rows.append(
            {
                "label": "Identified for panel",
                "value": (longdate(panel["identified"]) if panel["identified"] else NOT_RECORDED)
                + f" (due by {longdate(identification.due)})",
            }
        )
    elif panel["identified"]:
        rows.append({"label": "Identified for panel", "value": longdate(panel["identified"])})
    if eligible is not None:
        rows.append({"label": "Open for 1 year on", "value": longdate(eligible.due)})
    rows.append(
        {"label": "Referred to panel", "value": longdate(panel["referred"]) if panel["referred"] else NOT_RECORDED}
    )
    if referral is not None:
        late = {"late": " – referred late", "overdue": " – OVERDUE: not referred"}.get(referral.status, "")
        rows.append(
            {
                "label": "Referral deadline",
                "value": f"{longdate(referral.due)} ({referral.basis} {referral.from_label}){late}",
            }
        )
    return rows


def months_open(start: dt.date, on: dt.date) -> int:
    """Whole calendar months from `start` to `on` (31 January to 28 February is one month)."""
    n = 0
    while add_months(start, n + 1) <= on:
        n += 1
    return n


def _months_words(n: int) -> str:
    return "less than a month" if n == 0 else f"{n} month{'s' if n != 1 else ''}"


def _plan_info(case: api.Case, as_of: dt.date, deadlines: list[Deadline], panel_date: dt.date | None) -> dict:
    plan = case.data.get("plan") or {}
    start = plan.get("start")
    initial = sorted(m["date"] for m in case.data.get("meetings", []) if m["type"] == "initial")
    start_note = None
    if start is None and initial:
        start, start_note = initial[0], "the date of the initial meeting"
    if start is None:
        open_text = NOT_RECORDED
    elif start > as_of:
        open_text = "not started yet"
    else:
        open_text = f"{_months_words(months_open(start, as_of))} (as of {longdate(as_of)})"
        if panel_date is not None and panel_date > as_of and not plan.get("end"):
            open_text += f"; {_months_words(months_open(start, panel_date))} by the panel date"
    expected_end = find(deadlines, "plan_end_expected")
    return {
        "start": start,
        "start_note": start_note,
        "open_text": open_text,
        "months": months_open(start, as_of) if start and start <= as_of else None,
        "legal_basis": plan.get("legal_basis"),
        "why_in_need": plan.get("why_in_need"),
        "expected_end": expected_end.due if expected_end else None,
        "ended": plan.get("end"),
    }


def _child_rows(ctx: dict, plan: dict) -> list[dict]:
    child = ctx["child"]
    dob = dob_text(child["date_of_birth"]) if child["date_of_birth"] else NOT_RECORDED
    if child["age"] is not None:
        dob += f" (aged {child['age']})"
    start = longdate(plan["start"]) if plan["start"] else NOT_RECORDED
    if plan["start_note"]:
        start += f" ({plan['start_note']})"
    rows = [
        {
            "label": "Child",
            "value": child["full_name"] + (f" (known as {child['preferred_name']})" if child["preferred_name"] else ""),
        },
        {"label": "Case ID", "value": ctx["case_id"]},
        {"label": "Date of birth", "value": dob},
        {"label": "Legal basis", "value": plan["legal_basis"] or NOT_RECORDED},
        {"label": "Plan started", "value": start},
        {"label": "Open for", "value": plan["open_text"]},
    ]
    if plan["ended"]:
        rows.append({"label": "Plan ended", "value": longdate(plan["ended"])})
    elif plan["expected_end"]:
        rows.append({"label": "Expected to end (target)", "value": longdate(plan["expected_end"])})
    for key, label in (("social_worker", "Social worker"), ("team_manager", "Team manager")):
        w = ctx[key]
        rows.append(
            {"label": label, "value": f"{w['name']}" + (f", {w['team']}" if w["team"] else "") if w else NOT_RECORDED}
        )
    return rows


def _outcome_words(profile: dict, outcome: str | None) -> str:
    """The first clause of the policy's own wording of a review outcome."""
    if not outcome:
        return "–"
    text = profile["review_outcomes"].get(outcome, outcome)
    return re.split(r"[:;,]", text, maxsplit=1)[0].strip()


def _history(case: api.Case, as_of: dt.date) -> tuple[list[dict], str]:
    labels = case.profile["meeting_labels"]
    held = sorted(
        (m["date"], i, m)
        for i, m in enumerate(case.data.get("meetings", []))
        if m["type"] in HISTORY_TYPES and m["date"] <= as_of
    )
    rows = [
        {
            "date": longdate(d),
            "meeting": labels.get(m["type"], m["type"]),
            "chair": m.get("chair") or "–",
            "outcome": "; ".join(_outcome_words(case.profile, k) for k in model.outcome_keys(m)) or "–",
            "decisions": _join_decisions(m.get("decisions") or []),
        }
        for d, _, m in held
    ]
    reviews = [d for d, _, m in held if m["type"] == "review"]
    if not held:
        summary = "No meetings under the plan have been held yet."
    else:
        summary = (
            f"{len(reviews)} review{'s' if len(reviews) != 1 else ''} held, the latest on {longdate(reviews[-1])}"
            if reviews
            else "No reviews held yet"
        ) + f"; {len(held)} meeting{'s' if len(held) != 1 else ''} in all since the plan began."
    return rows, summary


def _join_decisions(decisions: list[str]) -> str:
    """Decisions joined with "; " without doubling a full stop ("... s17(10)(a).; Priya ..." in review m9)."""
    parts = [d.strip().rstrip(".;").strip() for d in decisions if d and d.strip()]
    return "; ".join(parts) + "." if parts else "–"


def _views(case: api.Case, child: dict, as_of: dt.date) -> tuple[list[dict], list[dict]]:
    data = case.data
    labels = case.profile["meeting_labels"]
    held = sorted((m["date"], i, m) for i, m in enumerate(data.get("meetings", [])) if m["date"] <= as_of)
    child_views, family_views = [], []
    own = data["child"].get("views") or {}
    if own.get("in_own_words"):
        how = VIEW_FORMATS.get(own.get("format") or "other", "recorded")
        when = f", {longdate(own['recorded_on'])}" if own.get("recorded_on") else ""
        child_views.append({"source": f"In {child['known_as']}'s own words ({how}{when})", "text": own["in_own_words"]})
    latest_child = next(((d, m) for d, _, m in reversed(held) if m.get("child_views")), None)
    if latest_child:
        d, m = latest_child
        child_views.append(
            {"source": f"At the {labels.get(m['type'], m['type'])} on {longdate(d)}", "text": m["child_views"]}
        )
    if not child_views and (data.get("plan") or {}).get("child_views"):
        child_views.append({"source": "In the plan", "text": data["plan"]["child_views"]})
    latest_family = next(((d, m) for d, _, m in reversed(held) if m.get("family_views")), None)
    if latest_family:
        d, m = latest_family
        family_views.append(
            {"source": f"At the {labels.get(m['type'], m['type'])} on {longdate(d)}", "text": m["family_views"]}
        )
    if (data.get("plan") or {}).get("family_views"):
        family_views.append({"source": "In the plan", "text": data["plan"]["family_views"]})
    return child_views, family_views

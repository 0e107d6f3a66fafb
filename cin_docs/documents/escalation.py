"""The escalation monitoring form (Hertfordshire Appendix A): one escalation, its checklist, managers and timeline."""

from __future__ import annotations

from .. import api
from ..errors import RenderError
from ..models import case as model
from ..policies.engine import Deadline
from ..render.filters import longdate
from . import Built, Options, Output
from .common import base_context, complete, deadline_context, require

TITLE = "Escalation Protocol – Monitoring Form"

# Appendix A's checklist, in its order and words; the keys are the case file's escalations[].checklist fields and,
# prefixed with "checklist_", the names of the PDF form's check boxes.
CHECKLIST = (
    ("consulted_manager", "Have you consulted a supervisor/manager, to seek advice about resolving your concern?"),
    ("lowest_level", "Have you made clear initial attempts to resolve the problem at the lowest possible level?"),
    ("manager_raised", "Did the supervisor/manager raise the concerns with their equivalent in the other agency?"),
    (
        "senior_manager",
        "If this did not resolve the concerns, has the Senior Manager or Named/Designated Safeguarding "
        "representatives attempt to resolve the professional differences through discussion?",
    ),
    (
        "independent_chair",
        "If this did not resolve the professional differences, are you seeking resolution by the Independent Chair "
        "of the HSCB?",
    ),
)

STATUS_WORDS = {"met": "Met", "late": "Late", "overdue": "Overdue", "open": "Open", "info": "Date"}


def build(case: api.Case, options: Options) -> Built:
    protocol = case.profile.get("escalation")
    if not protocol:
        # api.load already refuses a case with escalations under such a profile; this is the case without any.
        name = case.profile["name"]
        raise RenderError(
            f"The {name} policy has no escalation protocol, so there is no escalation monitoring form under it. "
            "To record an escalation, use a profile that has one, e.g. 'policy: hertfordshire', or your own "
            "profile file that extends it ('extends: hertfordshire')."
        )
    data = case.data
    require(data, "escalation monitoring form", "escalations")
    escalations = data["escalations"]
    index = _escalation_index(escalations, options.escalation)
    escalation = escalations[index]
    as_of = options.as_of

    deadlines = [d for d in api.due_dates(case, as_of) if _belongs_to(d, index)]
    stages = sorted(escalation.get("stages", []), key=lambda s: s["stage"])
    held = [s for s in stages if s["started"] <= as_of]
    reached = max((s["stage"] for s in held), default=None)
    resolved_stage = max(
        (s for s in held if s.get("resolved") and s["resolved"] <= as_of), key=lambda s: s["stage"], default=None
    )
    resolved_on = resolved_stage["resolved"] if resolved_stage else None

    # The same working-day calendar as the deadline engine: the profile's closures and the user's.
    calendar = api.calendar(case)
    working_days = calendar.working_days_between(escalation["disagreement"], resolved_on or as_of)
    if resolved_on:
        time_to_resolve = (
            f"{_days(working_days)} (from the disagreement on {longdate(escalation['disagreement'])} "
            f"to the resolution on {longdate(resolved_on)})"
        )
        resolution_stage = f"Stage {resolved_stage['stage']} (resolved on {longdate(resolved_on)})"
    else:
        time_to_resolve = f"not yet resolved ({_days(working_days)} so far)"
        resolution_stage = (
            f"Not yet resolved: the escalation has reached stage {reached}"
            if reached
            else "Not yet resolved: no stage has started"
        )

    raise_deadline = next((d for d in deadlines if d.rule == "escalation_raise"), None)
    ctx = base_context(case, "escalation", TITLE, as_of)
    ctx["protocol"] = {
        # The board that owns the protocol, named as in Appendix A's heading; a profile may name it itself.
        "board": protocol.get("board") or f"{case.profile['label']} Safeguarding Children Board",
        "name": protocol["name"],
        "document": case.profile["document"],
        "form_from_stage": protocol["monitoring_form_from_stage"],
    }
    ctx["family"] = [{"name": m["name"], "relationship": m["relationship"]} for m in data.get("family", [])]
    order = sorted(range(len(escalations)), key=lambda i: (escalations[i]["disagreement"], i))
    raised_by = escalation.get("raised_by") or {}
    ctx["escalation"] = {
        "index": index,
        "count": len(escalations),
        # "Escalation 1 of 2 (raised Thursday 12 November 2026)": numbered in date order, as a reader counts them.
        "number": order.index(index) + 1,
        "raised_on": raised_by.get("date") or escalation["disagreement"],
        "disagreement": escalation["disagreement"],
        "immediate_risk": escalation["immediate_risk"],
        "raised_by": complete(model.ManagerSignature, escalation.get("raised_by")),
        "reason": escalation.get("reason"),
        "agency_views": [complete(model.AgencyView, v) for v in escalation.get("agency_views", [])],
        "agreed_outcomes": escalation.get("agreed_outcomes"),
        "stage_reached": reached,
        "resolved": resolved_on is not None,
        "resolved_on": resolved_on,
        "resolution_stage": resolved_stage["stage"] if resolved_stage else None,
        "working_days": working_days,
        "stages": [_as_of_stage(s, as_of) for s in held],
    }
    ctx["managers"] = {
        role: complete(model.ManagerSignature, escalation.get(f"{role}_manager"))
        or {"name": None, "designation": None, "agency": None, "date": None}
        for role in ("referring", "receiving")
    }
    checklist = escalation.get("checklist") or {}
    ctx["checklist"] = [
        {"key": key, "question": question, "checked": bool(checklist.get(key))} for key, question in CHECKLIST
    ]
    # What the form's boxes are pre-filled with (empty: to be completed by hand or in the PDF).
    ctx["form"] = {
        "resolution_stage": resolution_stage,
        "time_to_resolve": time_to_resolve,
        "effectiveness": escalation.get("effectiveness") or "",
    }
    # 6.3.1: shown at the top, with the same-working-day deadline when the profile has the rule.
    ctx["immediate_risk"] = (
        {"raise": _timeline_entry(raise_deadline, escalation, as_of) if raise_deadline else None}
        if escalation["immediate_risk"]
        else None
    )
    ctx["timeline"] = [_timeline_entry(d, escalation, as_of) for d in deadlines]
    ctx["bypass"] = (
        {"text": protocol.get("bypass"), "recorded": complete(model.Bypass, escalation.get("bypass"))}
        if escalation["immediate_risk"] and protocol.get("bypass")
        else None
    )
    copy_stages = [s["stage"] for s in protocol.get("stages", []) if s.get("copy_to")]
    copy_needed = bool(reached and copy_stages and reached >= min(copy_stages))
    ctx["board_copy"] = {
        "needed": copy_needed,
        "date": escalation.get("board_manager_copied"),
        "who": next((s["copy_to"] for s in protocol.get("stages", []) if s.get("copy_to")), None),
        "stages": copy_stages,
    }
    ctx["actors"] = _actors(protocol, reached, ctx["board_copy"])

    warnings = []
    if copy_needed and not escalation.get("board_manager_copied"):
        warnings.append(
            f"Escalation {index} has reached stage {reached}: {ctx['board_copy']['who']} should be copied "
            "in (record the date as board_manager_copied)."
        )
    if escalation["immediate_risk"] and protocol.get("bypass") and not escalation.get("bypass"):
        warnings.append(
            f"Escalation {index} is an immediate risk: record whether the referring agency decided to "
            "bypass the stages and consult a senior officer (bypass: decided, date, senior_officer)."
        )
    form_from = protocol["monitoring_form_from_stage"]
    if (reached or 0) < form_from:
        warnings.append(
            f"Escalation {index} (disagreement on {longdate(escalation['disagreement'])}) has "
            + (f"only reached stage {reached}" if reached else "not reached any stage yet")
            + f"; the {case.profile['label']} policy asks for the monitoring form from stage {form_from} "
            "(Appendix A). The form was still produced."
        )
    # A multi-agency form: for the managers who sign it (professionals only).
    managers = [
        m["name"]
        for m in (escalation.get("referring_manager"), escalation.get("receiving_manager"), escalation.get("raised_by"))
        if m and m.get("name")
    ]
    return Built([Output(ctx, _name_parts(escalations, index), addressed_to=managers, reader="professional")], warnings)


def _actors(protocol: dict, reached: int | None, board_copy: dict) -> list[dict]:
    """Who acts at each stage, per agency, from the profile (Hertfordshire 6.3.6-6.3.9), one row per agency and a
    "Copy to" row where the policy asks for one; the stage reached is marked."""
    rows = []
    for s in sorted(protocol.get("stages", []), key=lambda s: s["stage"]):
        current = s["stage"] == reached
        stage = f"Stage {s['stage']}" + (" (reached)" if current else "")
        for n, actor in enumerate(s.get("actors", [])):
            rows.append(
                {"stage": stage if n == 0 else "", "agency": actor["agency"], "who": actor["who"], "current": current}
            )
        if s.get("copy_to"):
            who = s["copy_to"]
            if current and board_copy["date"]:
                who += f": copied on {longdate(board_copy['date'])}"
            elif current and board_copy["needed"]:
                who += ": not recorded as copied"
            rows.append(
                {"stage": "" if s.get("actors") else stage, "agency": "Copy to", "who": who, "current": current}
            )
    return rows


def _escalation_index(escalations: list[dict], wanted: int | None) -> int:
    """--escalation N, else the latest by disagreement date (the later entry in the file on a tie)."""
    if wanted is None:
        return max(range(len(escalations)), key=lambda i: (escalations[i]["disagreement"], i))
    if 0 <= wanted < len(escalations):
        return wanted
    listing = "; ".join(f"{i}: disagreement on {longdate(e['disagreement'])}" for i, e in enumerate(escalations))
    raise RenderError(
        f"There is no escalation number {wanted}: the case file's escalations are numbered 0 to "
        f"{len(escalations) - 1} ({listing}). Choose one with --escalation."
    )


def _belongs_to(d: Deadline, index: int) -> bool:
    head = f"escalations[{index}]"
    return d.ref is not None and (d.ref == head or d.ref.startswith(head + "."))


def _timeline_entry(d: Deadline, escalation: dict, as_of) -> dict:
    entry = deadline_context(d)
    if d.rule == "escalation_confirm":
        # The engine's ref names the resolved stage's item (escalations[i].stages[j]); say which stage it was.
        j = int(d.ref.rsplit("[", 1)[1].rstrip("]"))
        entry["label"] = f"{d.label} (stage {escalation['stages'][j]['stage']})"
    done = longdate(d.satisfied_on) if d.satisfied_on else None
    entry["status_text"] = {"met": f"Met on {done}", "late": f"Late: done on {done}"}.get(
        d.status, STATUS_WORDS.get(d.status, d.status)
    )
    if d.status == "open" and d.due == as_of:
        entry["status_text"] = "Open: due today"
    return entry


def _as_of_stage(stage: dict, as_of) -> dict:
    """A stage as it stood on the as-of date: a response, resolution or confirmation dated later has not happened."""
    out = complete(model.Stage, stage)
    for key in ("responded", "resolved", "confirmed"):
        if out[key] is not None and out[key] > as_of:
            out[key] = None
    return out


def _days(n: int) -> str:
    return f"{n} working day" + ("" if n == 1 else "s")


def _name_parts(escalations: list[dict], index: int) -> list[str]:
    date = escalations[index]["disagreement"].isoformat()
    same_day = sum(1 for e in escalations if e["disagreement"].isoformat() == date)
    return [date] if same_day == 1 else [date, f"no{index}"]

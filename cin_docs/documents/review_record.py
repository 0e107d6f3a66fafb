"""The record of one held CIN meeting or review: who came, progress on every action, the outcome, the next dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import api
from ..calendar import add_months
from ..checks import disclosure
from ..errors import RenderError
from ..models import case as model
from ..policies.engine import Deadline
from ..render.filters import NOT_RECORDED, longdate
from . import KINDS, Built, Options, Output, recipients
from .common import (
    RATING_WORDS,
    base_context,
    complete,
    deadline_context,
    find,
    history_context,
    meeting_index,
    people,
    require,
)

#: The meetings a record is made for (Hillingdon "The Initial CIN Meeting and Reviews"; Hertfordshire 2.2 and 2.5).
RECORD_TYPES = ("initial", "review", "cin")

RATING_LABELS: dict[str | None, str] = {**RATING_WORDS, None: "Not reviewed"}

#: Short names for the four review outcomes; the policy's own wording comes from the profile's review_outcomes.
OUTCOME_LABELS = {
    "no_longer_in_need": "No longer a Child in Need",
    "continue": "Continues as a Child in Need at the same level",
    "more_complex": "Needs are more complex",
    "significant_harm": "Risk of significant harm",
}

#: What the "agency" column says for people who are not from an agency.
GROUP_AGENCY = {"family": "Family", "network": "Family network", "child": "Family"}

STATUS_LABELS = {
    "met": "Met",
    "late": "Late",
    "open": "Open",
    "overdue": "Overdue",
    "info": "Date to note",
    "missed": "Missed",
    "passed": "Passed (a target)",
}

#: Case-level dates the record shows, whichever of them the profile has (Hillingdon and Hertfordshire differ).
CASE_RULES = (
    "next_review",
    "next_cin_meeting",
    "manager_review",
    "second_review_check",
    "independent_chair",
    "panel_identification",
    "panel_eligible",
    "panel_date",
    "panel_referral",
    "plan_end_expected",
)

#: The plan-duration milestones (8/9/12/15 months after the plan start) that are flagged at a meeting.
FLAG_RULES = (
    "panel_identification",
    "manager_review",
    "second_review_check",
    "panel_eligible",
    "independent_chair",
    "plan_end_expected",
)
#: A milestone is flagged when it falls on or before this many months after the meeting (the quarterly cycle of
#: Hillingdon's reviews), or before the next review was due when the meeting was held if that is later (Hertfordshire
#: reviews six-monthly after the first): this meeting is the last chance to prepare before that review.
FLAG_WINDOW_MONTHS = 3


def build(case: api.Case, options: Options) -> Built:
    data = case.data
    labels = case.profile["meeting_labels"]
    _refuse_other_meeting_types(case, options.meeting)
    if options.meeting is None and not any(
        m["type"] in RECORD_TYPES and m["date"] <= options.as_of for m in data.get("meetings", [])
    ):
        raise RenderError(
            f"A review record is made only for a held meeting of these kinds: {_kinds(labels)}. This case file "
            f"has none dated on or before {longdate(options.as_of)}. Add the meeting under meetings, or give a "
            "later --as-of if it has taken place."
        )
    index = meeting_index(case, options.meeting, options.as_of, held=True, types=RECORD_TYPES)
    meeting = complete(model.Meeting, data["meetings"][index])
    if meeting["date"] > options.as_of:
        raise RenderError(
            f"Meeting {index} ({labels[meeting['type']]} on {longdate(meeting['date'])}) has not been held yet: it is "
            f"after {longdate(options.as_of)}, the date the record is made as of, so it is a planned meeting. A "
            "record can only be made for a meeting that has taken place. Choose a held meeting with --meeting, or "
            "give the date the meeting was held or later with --as-of."
        )
    require(data, "review record", "plan.actions")

    everyone = people(case)
    ctx = base_context(case, "review-record", "", options.as_of)
    label = labels[meeting["type"]]
    ctx["doc"] = {**ctx["doc"], "title": f"Record of the {label}", "kind_title": KINDS["review-record"].title}
    warnings: list[str] = []

    ctx["meeting"] = _meeting_context(case, index, meeting, everyone)
    ctx["progress"] = _progress_context(data, meeting, index, warnings)
    ctx["outcome"] = _outcome_context(case, meeting, index, everyone, warnings)
    deadlines = api.due_dates(case, options.as_of)
    ctx["deadlines"] = _deadlines_context(case, index, meeting, deadlines, options.as_of)
    # The next review as it stood when this meeting was held (the engine as of the meeting date), for the flags.
    review_at_meeting = find(api.due_dates(case, meeting["date"]), "next_review")
    ctx["flags"] = _flags_context(deadlines, meeting["date"], review_at_meeting)
    ctx["sign_off"] = meeting["signed_off"]
    ctx["chairing"] = _chairing_context(case, index, meeting, everyone, warnings)
    ctx["second_review"] = _second_review_context(case, index, ctx["meeting"], meeting, warnings)
    ctx["strategy"] = _strategy_context(case, index, meeting, ctx["progress"], warnings)
    ctx["signatures"] = _signatures_context(case, meeting, ctx["meeting"])
    team_manager = data.get("team_manager") or data.get("line_manager")
    ctx["unresolved_to"] = team_manager["name"] if team_manager else None
    ctx["distribution"] = []
    if meeting["type"] == "review" and not meeting["equality_diversity"]:
        warnings.append(
            f"Meeting {index} ({label}) does not record how equality and diversity were considered "
            "(equality_diversity): the record says 'not recorded'."
        )
    # Last: who gets the full record depends on what it shows (disclosure.context_text).
    ctx["distribution"], addressed = recipients.record_distribution(
        case, meeting, ctx["child"], disclosure.context_text(ctx)
    )
    # Addressed to its distribution list (without anyone who gets the redacted copy instead); no single reader.
    return Built([Output(ctx, [meeting["date"].isoformat()], addressed_to=addressed, reader=None)], warnings)


def _refuse_other_meeting_types(case, ref: str | None) -> None:
    """A clear message when --meeting names a meeting that exists but is not one a record is made for."""
    if ref is None:
        return
    meetings = case.data.get("meetings", [])
    ref = str(ref).strip()
    if ref.isdigit():
        chosen = [int(ref)] if int(ref) < len(meetings) else []
    else:
        try:
            wanted = dt.date.fromisoformat(ref)
        except ValueError:
            return  # meeting_index explains the accepted forms
        chosen = [i for i, m in enumerate(meetings) if m["date"] == wanted]
    if chosen and all(meetings[i]["type"] not in RECORD_TYPES for i in chosen):
        labels = case.profile["meeting_labels"]
        kinds = ", ".join(f"meeting {i} is a {labels[meetings[i]['type']]}" for i in chosen)
        raise RenderError(
            f"--meeting {ref}: {kinds}. A review record is made only for these meetings: {_kinds(labels)}."
        )


def _kinds(labels: dict) -> str:
    names = [labels[t] for t in RECORD_TYPES]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _person(everyone: dict, name: str | None) -> dict | None:
    """A name as written in the case file, with the role and agency the case file gives that person."""
    if not name:
        return None
    found = everyone.get(name.casefold())
    if not found:
        return {"name": name, "role": None, "agency": None}
    agency = found.get("agency") or GROUP_AGENCY.get(found["group"])
    return {"name": found["name"], "role": found.get("relationship"), "agency": agency}


def _meeting_context(case, index: int, meeting: dict, everyone: dict) -> dict:
    labels = case.profile["meeting_labels"]
    review_number = None
    if meeting["type"] == "review":
        reviews = sorted(
            (m["date"], m.get("time") or dt.time(0), i)
            for i, m in enumerate(case.data["meetings"])
            if m["type"] == "review"
        )
        review_number = [i for _, _, i in reviews].index(index) + 1
    type_label = {"initial": "Initial meeting", "review": f"Review {review_number}", "cin": "Child in Need meeting"}[
        meeting["type"]
    ]
    remote = meeting["remote"]
    remote_text = None
    if remote:
        how = {"phone": "By phone", "video": "By video call", "phone_or_video": "By phone or video call"}[remote["how"]]
        remote_text = f"{how}: {remote['details']}" if remote["details"] else how
    reports = []
    for report in meeting["reports_received"]:
        who = _person(everyone, report["by"])
        reports.append(
            {**who, "received": report["received"], "summary": report["summary"], "shared": report["shared"]}
        )
    return {
        "index": index,
        "type": meeting["type"],
        "label": labels[meeting["type"]],
        "type_label": type_label,
        "review_number": review_number,
        "date": meeting["date"],
        "time": meeting["time"],
        "end_time": meeting["end_time"],
        "venue": meeting["venue"],
        "remote_text": remote_text,
        "chair": _person(everyone, meeting["chair"]),
        "purpose": meeting["purpose"],
        "attendees": [_person(everyone, n) for n in meeting["attendees"]],
        "apologies": [_person(everyone, n) for n in meeting["apologies"]],
        "reports": reports,
        "child_seen": meeting["child_seen"],
        "child_seen_alone": meeting["child_seen_alone"],
        "child_views": meeting["child_views"],
        "family_views": meeting["family_views"],
        "plan_updates": meeting["plan_updates"],
        "discussion": meeting["discussion"],
        "significant_events": meeting["significant_events"],
        "disagreements": meeting["disagreements"],
        "unresolved": meeting["unresolved"],
        "equality_diversity": meeting["equality_diversity"],
        "decisions": meeting["decisions"],
    }


def _progress_context(data: dict, meeting: dict, index: int, warnings: list[str]) -> dict:
    """One row per plan action, in plan order; an action with no progress entry at this meeting is 'not reviewed'."""
    by_action = {p["action"]: p for p in meeting["progress"]}
    rows = []
    for n, action in enumerate(data["plan"]["actions"], start=1):
        action = complete(model.Action, action)
        entry = by_action.get(action["id"]) if action["id"] else None
        rating = entry["rating"] if entry else None
        rows.append(
            {
                "ref": action["id"] or str(n),
                "action": action["action"],
                "owner": action["owner"],
                "agency": action["agency"],
                "due": action["due"],
                "rating": rating or "not_reviewed",
                "rating_label": RATING_LABELS[rating],
                "evidence": entry["evidence"] if entry else None,
            }
        )
    known = {a.get("id") for a in data["plan"]["actions"]}
    for entry in meeting["progress"]:
        if entry["action"] not in known:
            warnings.append(
                f"Meeting {index} records progress for action '{entry['action']}', which is not an "
                "action id in plan.actions: it is left out of the record."
            )
    counts: list[dict[str, Any]] = [
        {"label": RATING_LABELS[r], "count": sum(1 for row in rows if row["rating_label"] == RATING_LABELS[r])}
        for r in ("achieved", "partly_achieved", "not_achieved", None)
    ]
    summary = (
        f"{len(rows)} action{'s' if len(rows) != 1 else ''} in the plan: "
        + ", ".join(f"{c['count']} {c['label'].lower()}" for c in counts)
        + "."
    )
    return {"rows": rows, "counts": counts, "summary": summary, "initial": meeting["type"] == "initial"}


def _outcome_context(case, meeting: dict, index: int, everyone: dict, warnings: list[str]) -> dict:
    wording = case.profile["review_outcomes"]
    keys = model.outcome_keys(meeting)
    detail = meeting["outcome_detail"] or {"lead_professional": None, "next_steps": None}
    options = [
        {"key": key, "label": OUTCOME_LABELS[key], "text": text, "chosen": key in keys} for key, text in wording.items()
    ]
    label = case.profile["meeting_labels"][meeting["type"]]
    if not keys:
        warnings.append(
            f"Meeting {index} ({label}) has no outcome recorded: the record shows the outcome as "
            f"'{NOT_RECORDED}'. Add one of {', '.join(wording)} as the meeting's 'outcome'."
        )
    elif "no_longer_in_need" in keys:
        if not detail["lead_professional"]:
            warnings.append(
                f"Meeting {index} decided the child is no longer in need but names no lead professional "
                "(outcome_detail.lead_professional)."
            )
        if not detail["next_steps"]:
            warnings.append(
                f"Meeting {index} decided the child is no longer in need but does not say what the next "
                "steps are (outcome_detail.next_steps), e.g. step-down to Early Help or closure."
            )
    chosen = [{"key": k, "label": OUTCOME_LABELS[k], "text": wording.get(k, OUTCOME_LABELS[k])} for k in keys]
    return {
        "recorded": bool(keys),
        "keys": keys,
        "chosen": chosen,
        "label": " and ".join(c["label"] for c in chosen) if chosen else NOT_RECORDED,
        "lead_professional": _person(everyone, detail["lead_professional"]),
        "next_steps": detail["next_steps"],
        "detail_required": "no_longer_in_need" in keys,
        # A lead professional belongs to a step-down or closure; "not recorded" under "continue" only confuses.
        "show_lead_professional": "no_longer_in_need" in keys or bool(detail["lead_professional"]),
        "others": [o for o in options if not o["chosen"]],
    }


def _signatures_context(case, meeting: dict, meeting_ctx: dict) -> dict:
    """Hertfordshire 2.2/2.5: the record is signed off by the chair and the family (one row each, blank to sign)."""
    rules = case.profile["review_record"]
    chair, family = "chair" in rules["sign_off"], "family" in rules["sign_off"]
    rows = []
    if chair:
        signed = meeting["chair_signed_off"]
        name = signed["name"] if signed else (meeting_ctx["chair"]["name"] if meeting_ctx["chair"] else "")
        rows.append({"who": "Chair", "name": name, "date": signed["date"] if signed else None})
    if family:
        signed = meeting["family_signed_off"]
        if signed:
            rows += [
                {"who": "Family", "name": s["name"] + (f", {s['role']}" if s["role"] else ""), "date": s["date"]}
                for s in signed
            ]
        else:
            to_sign = [m["name"] for m in case.data.get("family", []) if m.get("parental_responsibility")]
            rows += [{"who": "Family", "name": n, "date": None} for n in to_sign or [""]]
    return {"chair": chair, "family": family, "source": rules.get("sign_off_source"), "rows": rows}


def _chairing_context(case, index: int, meeting: dict, everyone: dict, warnings: list[str]) -> dict | None:
    """Hillingdon L47: the line manager chairs the initial meeting, a delegation is explained, the review chair agreed."""
    rules = case.profile["review_record"]
    if meeting["type"] != "initial" or rules.get("initial_chair") != "line_manager":
        return None
    manager = case.data.get("line_manager") or case.data.get("team_manager")
    chair = meeting["chair"]
    by_manager = bool(chair and manager and chair.casefold() == manager["name"].casefold())
    reason = meeting["chair_delegated_reason"]
    if chair and manager and not by_manager and not reason:
        warnings.append(
            f"Meeting {index} (initial meeting) was chaired by {chair}, not the line manager "
            f"({manager['name']}): record why the chair was delegated (chair_delegated_reason)."
        )
    if not meeting["reviews_chair"]:
        warnings.append(
            f"Meeting {index} (initial meeting) does not record who was agreed to chair the review "
            "meetings (reviews_chair)."
        )
    return {
        "chair": _person(everyone, chair),
        "manager": manager["name"] if manager else None,
        "by_manager": by_manager,
        "reason": reason,
        "reviews_chair": _person(everyone, meeting["reviews_chair"]),
        "source": rules.get("initial_chair_source"),
    }


def _second_review_context(case, index: int, meeting_ctx: dict, meeting: dict, warnings: list[str]) -> dict | None:
    """Hertfordshire 2.5: the second review (9 months) decides whether the plan will cease by 15 months."""
    rules = case.profile["review_record"]
    if not rules.get("second_review_decision") or meeting_ctx["review_number"] != 2:
        return None
    decision = meeting["second_review_decision"]
    if decision is None:
        warnings.append(
            f"Meeting {index} is the second review: record whether the plan is expected to cease by 15 "
            "months (second_review_decision.will_cease_by_15_months) and, if not, the date the team "
            "manager asked for an independent chair."
        )
    elif not decision["will_cease_by_15_months"] and not decision.get("independent_chair_requested"):
        warnings.append(
            f"Meeting {index}: the plan is not expected to cease by 15 months, but no date is recorded "
            "for the team manager's request for a Child Protection Conference Chair or Independent "
            "Reviewing Officer (second_review_decision.independent_chair_requested)."
        )
    return {"decision": complete(model.SecondReviewDecision, decision), "source": rules.get("second_review_source")}


def _strategy_context(case, index: int, meeting: dict, progress: dict, warnings: list[str]) -> dict | None:
    """Hertfordshire 2.5/2.7: with limited or no progress a strategy discussion must always be considered."""
    rules = case.profile["review_record"]
    if not rules.get("strategy_discussion"):
        return None
    ratings = [r["rating"] for r in progress["rows"] if r["rating"] != "not_reviewed"]
    limited = (
        meeting["type"] != "initial" and bool(ratings) and ("not_achieved" in ratings or "achieved" not in ratings)
    )
    recorded = meeting["strategy_discussion"]
    if not limited and recorded is None:
        return None
    if limited and recorded is None:
        warnings.append(
            f"Meeting {index}: progress on the plan is limited (actions not achieved or only partly "
            "achieved), so a strategy discussion must be considered: record it under "
            "strategy_discussion (considered: yes/no, rationale)."
        )
    return {
        "limited": limited,
        "recorded": complete(model.StrategyDiscussion, recorded),
        "source": rules.get("strategy_discussion_source"),
    }


def _row(d: Deadline) -> dict:
    row = deadline_context(d)
    row["status_label"] = STATUS_LABELS[d.status]
    return row


def _deadlines_context(case, index: int, meeting: dict, deadlines: list[Deadline], as_of: dt.date) -> dict:
    labels = case.profile["meeting_labels"]
    ref = f"meetings[{index}]"
    # Later meetings change the case-level dates (they count from the latest meeting), so say which one they use.
    later = sorted(
        (m["date"], m.get("time") or dt.time(0), i)
        for i, m in enumerate(case.data["meetings"])
        if m["type"] in RECORD_TYPES and m["date"] > meeting["date"]
    )
    later_held = [{"label": labels[case.data["meetings"][i]["type"]], "date": d} for d, _, i in later if d <= as_of]
    next_meeting = None
    if later:
        d, _, i = later[0]
        m = case.data["meetings"][i]
        next_meeting = {"label": labels[m["type"]], "date": d, "time": m.get("time"), "held": d <= as_of}
    next_review = find(deadlines, "next_review")
    return {
        "as_of": as_of,
        "meeting": [_row(d) for d in deadlines if d.ref == ref and not d.history],
        "case": [_row(d) for d in deadlines if d.rule in CASE_RULES and d.ref is None and not d.history],
        "history": history_context(deadlines),
        "next_review": _row(next_review) if next_review else None,
        "later_held": later_held,
        "next_meeting": next_meeting,
    }


def _flags_context(deadlines: list[Deadline], meeting_date: dt.date, review_at_meeting: Deadline | None) -> dict:
    """Plan-duration milestones not yet met that fall before the review that must act on them (or have passed)."""
    three_months = add_months(meeting_date, FLAG_WINDOW_MONTHS)
    window_end = max(three_months, review_at_meeting.due) if review_at_meeting else three_months
    checked = [d for d in deadlines if d.rule in FLAG_RULES and d.ref is None]
    raised = []
    for d in checked:
        if d.status in ("open", "overdue", "info") and d.due <= window_end:
            row = _row(d)
            row["passed"] = d.due <= meeting_date
            raised.append(row)
    return {
        "window_end": window_end,
        "months": FLAG_WINDOW_MONTHS,
        "next_review_due": review_at_meeting.due if review_at_meeting else None,
        "checked": [d.label for d in checked],
        "raised": raised,
    }

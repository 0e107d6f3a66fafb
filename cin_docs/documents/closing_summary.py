"""The closing summary: why the plan ended, the work done against each need and outcome, everyone's views, what next.

Hillingdon (000, "Closing a CIN plan"): "the work undertaken and areas addressed should be recorded in a closing
summary. This should give the reasons for the end of the plan and include the views of the professionals involved,
and the views, wishes and feelings of the child / young person and their parent / carers"; the decision is made with
the Social Work Team Manager and the relevant Early Help Manager. Hertfordshire 2.8 lists when a plan ceases.
"""

from __future__ import annotations

import datetime as dt

from .. import api
from ..calendar import add_months
from ..census import meaning
from ..checks import disclosure
from ..errors import RenderError
from ..models import case as model
from ..render.filters import NOT_RECORDED, longdate
from . import Built, Options, Output, recipients
from .common import ACTION_STATUS_LABELS, RATING_WORDS, VIEW_FORMATS, base_context, complete, deadline_context, people

TITLE = "Closing Summary"

ACTION_STATUS = ACTION_STATUS_LABELS
RATING = RATING_WORDS
NEXT_STEPS = {
    "step_down_early_help": "Step-down to Early Help",
    "universal_services": "Universal services only: no further targeted services are needed",
    "transfer": "Transfer to another authority or service",
    "other": "Other next steps",
}
OUTCOME_WORDS = {
    "no_longer_in_need": "No longer a Child in Need",
    "continue": "Continue at the same level",
    "more_complex": "Needs are more complex",
    "significant_harm": "Risk of significant harm",
}
#: Deadline statuses that are lapses, kept on the record (the engine's `late`, and `missed` where it has it).
LAPSES = ("late", "missed")
#: Groups of people on the distribution list who are family (the document then goes to a family reader too).
FAMILY_GROUPS = ("family", "network", "child")


def build(case: api.Case, options: Options) -> Built:
    data = case.data
    closure = data.get("closure")
    if not closure:
        raise RenderError(
            "The closing summary is made when a plan ends, and this case file has no closure. Add a 'closure' "
            "section with the date the case closed and the census reason, e.g. closure: {date: 2026-11-20, reason: "
            "RC7}, with the views and next steps (see README, 'Closing a case'), and run the command again."
        )
    closure = complete(model.Closure, closure)
    as_of = options.as_of
    warnings: list[str] = []
    everyone = people(case)
    ctx = base_context(case, "closing-summary", TITLE, as_of)
    rules = case.profile["closing_summary"]

    plan = complete(model.Plan, data.get("plan") or {})
    start = plan["start"] or next(
        iter(
            sorted(
                m["date"] for m in data.get("meetings", []) if m["type"] == "initial" and m["date"] <= closure["date"]
            )
        ),
        None,
    )
    end = plan["end"] or closure["date"]
    # What the closure section leaves out is taken from the record of the meeting that decided the plan ends (its
    # reports, the child's and family's views, the next steps), and the document says where it came from.
    last = _deciding_meeting(case, closure["date"])
    from_meeting = None
    if last is not None:
        from_meeting = f"{case.profile['meeting_labels'][last['type']]} on {longdate(last['date'])}"
    detail = (last or {}).get("outcome_detail") or {}
    ctx["closure"] = {
        "date": closure["date"],
        "reason_code": closure["reason"],
        "reason_text": meaning("closure_reason", closure["reason"]),
        "summary": closure["summary"],
        "next_steps": NEXT_STEPS.get(closure["next_steps"]) if closure["next_steps"] else None,
        "next_steps_detail": closure["next_steps_detail"] or detail.get("next_steps"),
        "next_steps_from": from_meeting if not closure["next_steps_detail"] and detail.get("next_steps") else None,
        "lead_professional": _person(everyone, closure["lead_professional"] or detail.get("lead_professional")),
    }
    ctx["plan_dates"] = {
        "start": start,
        "end": end,
        "ended_by_closure": plan["end"] is None,
        "length": length_words(start, end) if start and end >= start else None,
        "legal_basis": plan["legal_basis"],
        "why_in_need": plan["why_in_need"],
    }
    ctx["needs"] = plan["needs"]
    ctx["work"] = _work(data, plan, as_of)
    ctx["meetings"] = _meetings(case, closure["date"])
    ctx["professionals_views"] = [
        {**_person(everyone, v["by"]), "view": v["view"]} for v in closure["professionals_views"]
    ]
    ctx["views_from"] = {"professionals": None, "child": None, "family": None}
    if not ctx["professionals_views"] and last and last.get("reports_received"):
        ctx["professionals_views"] = [
            {**_person(everyone, r["by"]), "view": r["summary"]} for r in last["reports_received"] if r.get("summary")
        ]
        ctx["views_from"]["professionals"] = f"their written reports to the {from_meeting}"
    ctx["child_views"] = _child_views(closure["child_views"])
    if ctx["child_views"] is None and last and last.get("child_views"):
        ctx["child_views"] = {
            "in_own_words": last["child_views"],
            "format": None,
            "format_words": None,
            "recorded_on": None,
            "advocate": None,
        }
        ctx["views_from"]["child"] = f"the record of the {from_meeting}"
    ctx["family_views"] = [{**_person(everyone, v["by"]), "view": v["view"]} for v in closure["family_views"]]
    if not ctx["family_views"] and last and last.get("family_views"):
        ctx["family_views"] = [{"name": "The family", "role": None, "agency": None, "view": last["family_views"]}]
        ctx["views_from"]["family"] = f"the record of the {from_meeting}"
    ctx["agreement"] = {
        "team_manager": closure["agreed_by_team_manager"],
        "early_help_manager": closure["agreed_by_early_help_manager"],
        "early_help_required": rules["early_help_manager"],
        "source": rules.get("source"),
    }
    ctx["lapses"] = [
        deadline_context(d) for d in sorted(api.due_dates(case, as_of), key=lambda d: d.due) if d.status in LAPSES
    ]
    ctx["distribution"] = _distribution(case, everyone, ctx["child"])
    _warn(case, closure, ctx, warnings)
    # The disclosure rules (documents/recipients.py): nobody marked do not send, redacted copies where needed.
    own_list = bool((data.get("plan") or {}).get("distribution"))
    ctx["distribution"], names = recipients.apply_rules(
        case, ctx["distribution"], disclosure.context_text(ctx), own_list
    )
    groups = {(everyone.get(n.casefold()) or {}).get("group") for n in names}
    reader = "family" if groups & set(FAMILY_GROUPS) else "professional"
    return Built([Output(ctx, [closure["date"].isoformat()], addressed_to=names, reader=reader)], warnings)


def length_words(start: dt.date, end: dt.date) -> str:
    """How long the plan ran, in whole months and days ("1 year, 2 months and 3 days")."""
    months = 0
    while add_months(start, months + 1) <= end:
        months += 1
    days = (end - add_months(start, months)).days
    years, months = divmod(months, 12)
    parts = [
        f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((years, "year"), (months, "month"), (days, "day")) if n
    ]
    if not parts:
        return "less than a day"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _deciding_meeting(case: api.Case, closed: dt.date) -> dict | None:
    """The latest held initial/review/CIN meeting on or before the closure, preferring one that decided the child
    is no longer in need."""
    held = sorted(
        (m for m in case.data.get("meetings", []) if m["type"] in ("initial", "review", "cin") and m["date"] <= closed),
        key=lambda m: (m["date"], m.get("time") or dt.time(0)),
    )
    deciding = [m for m in held if "no_longer_in_need" in model.outcome_keys(m)]
    return (deciding or held or [None])[-1]


def _person(everyone: dict, name: str | None) -> dict | None:
    if not name:
        return None
    found = everyone.get(name.casefold())
    if not found:
        return {"name": name, "role": None, "agency": None}
    return {"name": found["name"], "role": found.get("relationship"), "agency": found.get("agency")}


def _work(data: dict, plan: dict, as_of: dt.date) -> dict:
    """Each outcome with its actions and their final status (and the last rating a meeting gave, if any)."""
    held = sorted(
        (m for m in data.get("meetings", []) if m["date"] <= as_of and m.get("progress")), key=lambda m: m["date"]
    )
    last_rating: dict[str, tuple[str, dt.date]] = {}
    for m in held:
        for p in m["progress"]:
            last_rating[p["action"]] = (RATING[p["rating"]], m["date"])
    rows = []
    for n, a in enumerate(plan["actions"], start=1):
        a = complete(model.Action, a)
        rating = last_rating.get(a["id"]) if a["id"] else None
        rows.append(
            {
                "ref": a["id"] or str(n),
                "action": a["action"],
                "owner": a["owner"],
                "agency": a["agency"],
                "outcome": a["outcome"],
                "status": ACTION_STATUS[a["status"]],
                "last_rating": f"{rating[0]} ({longdate(rating[1])})" if rating else None,
            }
        )
    outcomes = [
        {
            "id": o["id"],
            "outcome": o["outcome"],
            "bee": o["bee"],
            "actions": [r for r in rows if r["outcome"] == o["id"]],
        }
        for o in plan["outcomes"]
    ]
    ids = {o["id"] for o in plan["outcomes"]}
    other = [r for r in rows if r["outcome"] not in ids]
    achieved = sum(1 for r in rows if r["status"] == "Achieved")
    summary = (
        f"{achieved} of {len(rows)} action{'s' if len(rows) != 1 else ''} achieved."
        if rows
        else "The plan recorded no actions."
    )
    return {"outcomes": outcomes, "other": other, "summary": summary, "any": bool(rows)}


def _meetings(case: api.Case, until: dt.date) -> list[dict]:
    labels = case.profile["meeting_labels"]
    held = sorted(
        (m for m in case.data.get("meetings", []) if m["date"] <= until),
        key=lambda m: (m["date"], m.get("time") or dt.time(0)),
    )
    return [
        {
            "date": m["date"],
            "label": labels.get(m["type"], m["type"]),
            "chair": m.get("chair"),
            "outcome": " and ".join(OUTCOME_WORDS[k] for k in model.outcome_keys(m)) or None,
        }
        for m in held
    ]


def _child_views(views: dict | None) -> dict | None:
    if not views or not views.get("in_own_words"):
        return None
    views = complete(model.ChildViews, views)
    return {**views, "format_words": VIEW_FORMATS.get(views["format"] or "other")}


def _distribution(case: api.Case, everyone: dict, child: dict) -> list[dict]:
    """The plan's own distribution list when it has one; else the parents with parental responsibility, the child,
    the professionals and the case's workers (the plan's participants, 000: "participants who were part of the
    Child in Need plan")."""
    data = case.data
    out: list[dict] = []
    seen: set[str] = set()

    def add(name: str, note: str | None = None) -> None:
        if name.casefold() in seen:
            return
        seen.add(name.casefold())
        person = _person(everyone, name)
        out.append({**person, "note": note})

    listed = (data.get("plan") or {}).get("distribution") or []
    if listed:
        # Entries are free text ("Danielle Hartwell (mother)"): the person is the longest case-file name it starts with.
        for entry in listed:
            folded = entry.casefold()
            match = max((key for key in everyone if folded.startswith(key)), key=len, default=None)
            if match is None:
                out.append({"name": entry, "role": None, "agency": None, "note": "on the plan's distribution list"})
                continue
            person = _person(everyone, everyone[match]["name"])
            rest = entry[len(match) :].strip()
            # Keep a note in brackets ("a child-friendly version, ..."), not one that repeats the role or agency.
            note = rest[1:-1] if rest.startswith("(") and rest.endswith(")") else ""
            if note.casefold() in ((person["role"] or "").casefold(), (person["agency"] or "").casefold()):
                note = ""
            if person["name"].casefold() not in seen:
                seen.add(person["name"].casefold())
                out.append({**person, "note": note or "on the plan's distribution list"})
        return out
    for member in data.get("family", []):
        if member.get("parental_responsibility"):
            add(member["name"], "parent with parental responsibility")
    age = child["age"]
    add(
        child["full_name"],
        "a copy depending on age and understanding" if age is None or age < 12 else f"aged {age}: their own copy",
    )
    seen.update(n.casefold() for n in (child["first_name"], child["preferred_name"]) if n)
    for prof in data.get("professionals", []):
        add(prof["name"], "professional involved in the plan")
    for key in ("social_worker", "team_manager"):
        if data.get(key):
            add(data[key]["name"], "for the case record")
    return out


def _warn(case: api.Case, closure: dict, ctx: dict, warnings: list[str]) -> None:
    missing = []
    if not closure["summary"]:
        missing.append("the reasons for ending the plan and the work done (closure.summary)")
    if not ctx["professionals_views"]:
        missing.append("the professionals' views (closure.professionals_views)")
    if not ctx["child_views"]:
        missing.append("the child's views in their own words (closure.child_views.in_own_words)")
    if not ctx["family_views"]:
        missing.append("the parents' or carers' views (closure.family_views)")
    if not closure["next_steps"] and not ctx["closure"]["next_steps_detail"]:
        missing.append("what happens next (closure.next_steps)")
    if not closure["agreed_by_team_manager"]:
        missing.append("the team manager's agreement (closure.agreed_by_team_manager)")
    if ctx["agreement"]["early_help_required"] and not closure["agreed_by_early_help_manager"]:
        missing.append("the Early Help manager's agreement (closure.agreed_by_early_help_manager)")
    if missing:
        warnings.append(f"The closing summary does not record {'; '.join(missing)}: it says '{NOT_RECORDED}' there.")
    if closure["next_steps"] == "step_down_early_help" and not ctx["closure"]["lead_professional"]:
        warnings.append("The plan steps down to Early Help but names no lead professional (closure.lead_professional).")

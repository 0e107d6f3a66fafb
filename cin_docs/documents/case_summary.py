"""The case summary (case report) shared with a receiving authority: who, why in need, the plan, history, deadlines."""

from __future__ import annotations

import datetime as dt

from .. import api
from ..models import case as model
from . import Built, Options, Output, recipients
from .common import ACTION_STATUS_LABELS, base_context, complete, deadline_context, history_context, require, worker
from .transfer_letter import RISK_AREAS

TITLE = "Case summary"

ACTION_STATUS = ACTION_STATUS_LABELS
OUTCOME = {
    "no_longer_in_need": "No longer a child in need",
    "continue": "Continue at the same level",
    "more_complex": "Needs are more complex",
    "significant_harm": "Risk of significant harm",
}
# Deadlines that still need someone to act; met and late ones are history, shown as the meetings list.
CURRENT = ("overdue", "open")


def build(case: api.Case, options: Options) -> Built:
    # Written for the receiving authority (the transfer pack encloses it); shared with professionals only.
    return Built(
        [
            Output(
                summary_context(case, options.as_of),
                addressed_to=recipients.receiving_authority(case),
                reader="professional",
            )
        ]
    )


def summary_context(case: api.Case, as_of: dt.date) -> dict:
    data = case.data
    require(data, "case summary", "social_worker")
    ctx = base_context(case, "case-summary", TITLE, as_of)
    plan = complete(model.Plan, data.get("plan"))
    labels = case.profile["meeting_labels"]
    outcome_text = {o["id"]: o["outcome"] for o in (plan or {}).get("outcomes", [])}
    actions = [
        {
            "action": a["action"],
            "owner": a["owner"],
            "agency": a["agency"],
            "due": a["due"] if isinstance(a["due"], dt.date) else None,
            "open_ended": a["due"] if isinstance(a["due"], str) else None,
            "outcome": outcome_text.get(a["outcome"]) if a["outcome"] else None,
            "status": ACTION_STATUS[a["status"]],
        }
        for a in (plan or {}).get("actions", [])
    ]
    meetings = sorted(data.get("meetings", []), key=lambda m: (m["date"], m.get("time") or dt.time(0)))
    history = [
        {
            "date": m["date"],
            "label": labels[m["type"]],
            "held": m["date"] <= as_of,
            "chair": m.get("chair"),
            "outcome": "; ".join(OUTCOME.get(k, k) for k in model.outcome_keys(m)) or None,
        }
        for m in meetings
    ]
    visits = sorted((v for v in data.get("visits", []) if v["date"] <= as_of), key=lambda v: v["date"])
    seen_alone = [v["date"] for v in visits if v.get("seen_alone")]
    plan_risks = (plan or {}).get("risks") or {}
    views = (data["child"].get("views") or {}).get("in_own_words") or (plan or {}).get("child_views")
    ctx.update(
        {
            "family": [complete(model.FamilyMember, m) for m in data.get("family", [])],
            "network": [complete(model.FamilyMember, m) for m in data.get("network", [])],
            "professionals": [complete(model.Professional, p) for p in data.get("professionals", [])],
            "manager": worker(data.get("team_manager") or data.get("line_manager")),
            "assessment": complete(model.Assessment, data.get("assessment") or {}),
            "plan": plan,
            "actions": actions,
            "risks": [{"area": label, "detail": plan_risks[key]} for key, label in RISK_AREAS if plan_risks.get(key)],
            "child_views": views,
            "family_views": (plan or {}).get("family_views"),
            "history": history,
            "visits": {
                "count": len(visits),
                "latest": visits[-1]["date"] if visits else None,
                "latest_seen_alone": seen_alone[-1] if seen_alone else None,
            },
            "deadlines": [
                deadline_context(d)
                for d in sorted(api.due_dates(case, as_of), key=lambda d: d.due)
                if d.status in CURRENT
            ],
            "deadline_history": history_context(api.due_dates(case, as_of)),
        }
    )
    return ctx

"""The transfer-out notification letter to the receiving authority's children's social care (000 last section)."""

from __future__ import annotations

import datetime as dt

from .. import api
from ..models import case as model
from . import Built, Options, Output, recipients
from .common import base_context, complete, deadline_context, find, require, worker

TITLE = "Child in Need transfer notification"

RISK_AREAS = (
    ("domestic_abuse", "Domestic abuse"),
    ("substance_misuse", "Substance misuse"),
    ("parental_mental_health", "Parental mental ill-health"),
    ("other", "Other risks"),
)

# Hillingdon: "urgent consideration ... as to the impact of the move for the child in respect of their
# vulnerability, for example, through changes in the protective factors, increased risk with known perpetrators
# or whether they might be subject to trafficking or modern slavery".
IMPACT_AREAS = (
    ("protective_factors", "Changes in protective factors"),
    ("known_perpetrators", "Increased risk from known perpetrators"),
    ("trafficking_modern_slavery", "Trafficking or modern slavery"),
)


def build(case: api.Case, options: Options) -> Built:
    """The letter on its own (`cin-docs render transfer-letter`): it lists the documents a transfer pack encloses."""
    return Built(
        [
            Output(
                letter_context(case, options.as_of, standard_enclosures(case, options.as_of)),
                addressed_to=recipients.receiving_authority(case),
                reader="professional",
            )
        ]
    )


def standard_enclosures(case: api.Case, as_of: dt.date) -> list[dict]:
    """What `cin-docs pack transfer` generates for this case (the pack passes what it actually contains)."""
    data = case.data
    out = [{"title": "Transfer checklist", "how": "enclosed"}, {"title": "Case summary", "how": "enclosed"}]
    if data.get("plan"):
        out.append({"title": "Child in Need plan", "how": "enclosed"})
    if any(m["type"] in ("initial", "review", "cin") and m["date"] <= as_of for m in data.get("meetings", [])):
        out.append({"title": "Record of the latest Child in Need review", "how": "enclosed"})
    return out


def transfer_context(data: dict) -> dict:
    """The case file's transfer section with every optional field present."""
    return complete(model.Transfer, data["transfer"])


def transfer_meeting(case: api.Case, deadlines) -> dict:
    """The receiving authority's first CIN meeting deadline (the engine's `transfer_in_meeting`), or why not."""
    d = find(deadlines, "transfer_in_meeting")
    if d is not None:
        return {**deadline_context(d), "available": True, "reason": None}
    if not any(rule["key"] == "transfer_in_meeting" for rule in case.profile["rules"]):
        reason = (
            f"The {case.profile['label']} policy, under which this letter was produced, sets no timescale for "
            "the receiving authority's first Child in Need meeting, so this letter cannot give a deadline "
            "for it."
        )
    else:
        reason = (
            "The date the family became resident in your area is not yet recorded, so this letter cannot "
            "give the date by which the first Child in Need meeting should be held; it counts from that date."
        )
    return {
        "available": False,
        "reason": reason,
        "rule": "transfer_in_meeting",
        "label": None,
        "due": None,
        "due_time": None,
        "ref": None,
        "status": None,
        "basis": None,
        "moved": None,
        "explanation": None,
        "source": None,
        "satisfied_on": None,
    }


def our_manager(data: dict) -> dict | None:
    return worker(data.get("team_manager") or data.get("line_manager"))


def contacts(common: dict, transfer: dict, data: dict) -> list[dict]:
    """Both authorities' social workers and managers, as table rows."""
    ours, theirs = common["authority"]["name"], transfer["receiving_authority"]["name"]

    def row(authority: str, role: str, person: dict | None) -> dict:
        person = person or {}
        return {
            "authority": authority,
            "role": person.get("role") or role,
            "name": person.get("name"),
            "phone": person.get("phone"),
            "email": person.get("email"),
        }

    return [
        row(ours, "Social Worker", common["social_worker"]),
        row(ours, "Team Manager", our_manager(data)),
        row(theirs, "Social Worker", transfer["receiving_social_worker"]),
        row(theirs, "Team Manager", transfer["receiving_manager"]),
    ]


def risks(data: dict, transfer: dict) -> list[dict]:
    """The risks written for the receiving authority (transfer.risks), else the plan's risk areas."""
    if transfer.get("risks"):
        return [{"area": "Risks for the receiving authority", "detail": transfer["risks"]}]
    plan_risks = (data.get("plan") or {}).get("risks") or {}
    return [{"area": label, "detail": plan_risks[key]} for key, label in RISK_AREAS if plan_risks.get(key)]


def impact(transfer: dict) -> list[dict]:
    recorded = transfer.get("impact") or {}
    return [{"area": label, "detail": recorded.get(key)} for key, label in IMPACT_AREAS]


def household(data: dict) -> tuple[list[dict], list[dict]]:
    """(family living with the child, who move with them; others with parental responsibility)."""
    family = [complete(model.FamilyMember, m) for m in data.get("family", [])]
    living = [
        {"name": m["name"], "relationship": m["relationship"], "parental_responsibility": m["parental_responsibility"]}
        for m in family
        if m["lives_with_child"]
    ]
    # The receiving authority must know who is not to be sent anything, and why (the reason is for professionals).
    others = [
        {
            "name": m["name"],
            "relationship": m["relationship"],
            "address_lines": m["address_lines"],
            "do_not_send": (m["do_not_send"] or {}).get("reason"),
        }
        for m in family
        if not m["lives_with_child"] and m["parental_responsibility"]
    ]
    return living, others


#: Authority names that read as a common noun and take "the" in a sentence ("a plan with the London Borough of
#: Hillingdon"), unlike "Hertfordshire County Council".
ARTICLE_NAMES = (
    "london borough",
    "royal borough",
    "metropolitan borough",
    "borough",
    "city of",
    "county of",
    "council of",
)


def with_article(name: str) -> str:
    return f"the {name}" if name.casefold().startswith(ARTICLE_NAMES) else name


def addressee_lines(receiving: dict) -> list[str]:
    """The receiving authority's address block: team (or Children's Social Care), authority, address; no line twice."""
    lines = [receiving.get("team") or "Children's Social Care", receiving["name"]] + list(
        receiving.get("address_lines") or []
    )
    out: list[str] = []
    for line in lines:
        if line.casefold() not in {seen.casefold() for seen in out}:
            out.append(line)
    return out


def letter_context(case: api.Case, as_of: dt.date, enclosures: list[dict]) -> dict:
    """Everything the letter shows; `enclosures` are the other parts of the pack ({title, how})."""
    data = case.data
    require(data, "transfer notification letter", "transfer", "transfer.receiving_authority", "social_worker")
    deadlines = api.due_dates(case, as_of)
    ctx = base_context(case, "transfer-letter", TITLE, as_of)
    transfer = transfer_context(data)
    living, others = household(data)
    plan = data.get("plan") or {}
    planned = sorted((m for m in data.get("meetings", []) if m["type"] == "transfer_in"), key=lambda m: m["date"])
    ctx.update(
        {
            "transfer": transfer,
            "household": living,
            "other_parents": others,
            "in_need": {
                "legal_basis": plan.get("legal_basis"),
                "why": plan.get("why_in_need"),
                "plan_start": plan.get("start"),
            },
            "risks": risks(data, transfer),
            "impact": impact(transfer),
            "first_meeting": transfer_meeting(case, deadlines),
            "transfer_in_meeting": (
                {"date": planned[-1]["date"], "time": planned[-1].get("time"), "venue": planned[-1].get("venue")}
                if planned
                else None
            ),
            "enclosures": list(enclosures),
            "contacts": contacts(ctx, transfer, data),
            "manager": our_manager(data),
            # m14: a letter sent after the move says the family has moved, not "is moving".
            "moved": bool(transfer["move_date"] and transfer["move_date"] <= as_of),
            "our_authority": with_article(ctx["authority"]["name"]),
            "addressee": addressee_lines(transfer["receiving_authority"]),
        }
    )
    return ctx

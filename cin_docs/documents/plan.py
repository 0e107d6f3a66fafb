"""The SMART Child in Need plan: one document per case, checked by cin_docs.smart before it is produced."""

from __future__ import annotations

import re

from .. import api, smart
from ..checks import disclosure
from ..errors import RenderError
from ..models import case as model
from ..policies.engine import Deadline
from ..render.filters import longdate
from . import Built, Options, Output, recipients
from .common import (
    ACTION_STATUS_LABELS,
    base_context,
    complete,
    deadline_context,
    find,
    history_context,
    people,
    require,
)

TITLE = "Child in Need Plan"

# Section 17(10) of the Children Act 1989, as quoted in Hertfordshire §1.1; {name} is the child's possessive/name.
LEGAL_BASIS = {
    "s17(10)(a)": (
        "Section 17(10)(a) of the Children Act 1989",
        "{name} is unlikely to achieve or maintain, or to have the opportunity of achieving or maintaining, "
        "a reasonable standard of health or development without the provision of services by the local "
        "authority.",
    ),
    "s17(10)(b)": (
        "Section 17(10)(b) of the Children Act 1989",
        "{possessive} health or development is likely to be significantly impaired, or further impaired, "
        "without the provision of services by the local authority.",
    ),
    "s17(10)(c)": ("Section 17(10)(c) of the Children Act 1989", "{name} is disabled."),
}

# Which child protection procedures the plan must name. Kept here, not in the profiles, because it is wording of this
# one document. Hillingdon: "Any child protection or safeguarding issues which arise during the course of working
# with a Child in Need must be responded to in line with the London Safeguarding Children Procedures."
# Hertfordshire §2.3: the plan should "require that the Hertfordshire Safeguarding Children Board Child Protection
# Procedures must be followed if there are concerns about a risk of significant harm to the child".
CP_PROCEDURES = {
    "hillingdon": "London Safeguarding Children Procedures",
    "hertfordshire": "Hertfordshire Safeguarding Children Board (HSCB) Child Protection Procedures",
}
CP_PROCEDURES_DEFAULT = "local safeguarding children partnership's child protection procedures"

# Hertfordshire §2.3: "it may be necessary to seek funding approval from the Hertfordshire Access to Resources Panel".
FUNDING_PANEL = {"hertfordshire": "Hertfordshire Access to Resources Panel (H.A.R.P)"}
FUNDING_PANEL_DEFAULT = "the authority's resource (funding) panel"

RISK_LABELS = (
    ("domestic_abuse", "Domestic abuse"),
    ("substance_misuse", "Substance misuse"),
    ("parental_mental_health", "Parental mental ill-health"),
    ("other", "Other risks"),
)

STATUS_LABELS = ACTION_STATUS_LABELS

VIEW_FORMATS = {
    "talking": "spoken",
    "writing": "in writing",
    "drawing": "with a drawing",
    "advocate": "through an advocate",
    "other": "in another format",
}

# The engine's deadlines that are review points of a plan (the ones the profile has), in the engine's order.
REVIEW_RULES = (
    "next_review",
    "next_cin_meeting",
    "second_review_check",
    "manager_review",
    "independent_chair",
    "plan_end_expected",
)

FINDING_FIELDS = {
    "owner": "person responsible",
    "due": "due date",
    "measure": "measure",
    "outcome": "outcome served",
    "action": "wording",
    "bee": "6 Bees outcome",
}
FINDING_SECTIONS = {
    "child_views": "Child's views",
    "family_views": "Family's views",
    "contingency": "Contingency plan",
    "review_judgement": "How progress will be judged",
    "outcomes": "Outcomes",
    "actions": "Actions",
}


def build(case: api.Case, options: Options) -> Built:
    data = case.data
    if data["support"] == "nrpf" and not data.get("plan"):
        # m16: Hillingdon 000 L37 "Children who are found to be in need purely due to the risk of destitution, will
        # not be subject to a CIN plan"; Hertfordshire section 4 has its own NRPF review process.
        raise RenderError(
            "This is a No Recourse to Public Funds case (support: nrpf) with no Child in Need plan, and none is "
            "needed: a child in need only because of the risk of destitution is not subject to a CIN plan, but is "
            "monitored through the NRPF visits and reviews ('cin-docs due-dates' lists them). If the child also has "
            "other needs, change 'support' to 'cin' and add the plan."
        )
    require(data, "Child in Need plan", "plan")
    deadlines = api.due_dates(case, options.as_of)
    findings = smart.check_plan(data, case.profile, deadlines, case.line_of)
    errors = smart.errors(findings)
    if errors and not options.allow_unsmart:
        raise RenderError(
            f"The Child in Need plan was not produced: the SMART check found {smart.summary(findings)[:-1]}:\n"
            + "\n".join(f"  - {f.location}: {f.message}" for f in errors)
            + "\nCorrect the plan in the case file ('cin-docs check' lists every finding), or produce the plan as it "
            "is with --allow-unsmart (the problems are then listed in the plan's SMART check section)."
        )
    warnings = [f"SMART check {f.level}: {f.location}: {f.message}" for f in findings if f.level == smart.WARNING]
    if errors:
        many = len(errors) != 1
        warnings = (
            [
                f"The plan was produced with {len(errors)} SMART check error{'s' if many else ''} because of "
                f"--allow-unsmart; {'they are' if many else 'it is'} listed in the plan."
            ]
            + [f"SMART check error: {f.location}: {f.message}" for f in errors]
            + warnings
        )

    ctx = base_context(case, "plan", TITLE, options.as_of)
    known_as = ctx["child"]["known_as"]
    plan = complete(model.Plan, data["plan"])
    start, end = smart.plan_window(data, case.profile, deadlines)
    everyone = people(case)
    six_bees = case.profile.get("plan_outcomes") == "six_bees"
    policy = case.profile["name"]

    outcomes = [
        {
            "id": o["id"],
            "outcome": o["outcome"],
            "bee": o["bee"],
            "actions": [
                a.get("id") or str(i + 1) for i, a in enumerate(plan["actions"]) if a.get("outcome") == o["id"]
            ],
        }
        for o in plan["outcomes"]
    ]
    ctx.update(
        {
            "plan": {
                "start": start,
                "last_meeting": _last_meeting(case, options),
                "legal_basis": _legal_basis(plan["legal_basis"], known_as),
                "why_in_need": plan["why_in_need"],
                "needs": plan["needs"],
                "risks": [{"label": label, "text": (plan["risks"] or {}).get(key)} for key, label in RISK_LABELS],
                "child_views": plan["child_views"],
                "child_own_words": _own_words(data),
                "family_views": plan["family_views"],
                "family_expectations": plan["family_expectations"],
                "outcomes": outcomes,
                "actions": [_action(i, a, plan["outcomes"], everyone) for i, a in enumerate(plan["actions"])],
                "roles": plan["roles"],
                "contingency": plan["contingency"],
                "review_judgement": plan["review_judgement"],
                "resources": plan["resources"],
                "funding_panel": plan["funding_panel"],
                "care_proceedings": plan["care_proceedings"],
                "signed_off": plan["signed_off"],
                "distribution": [],  # below, once the rest of the plan is known
            },
            "six_bees": six_bees,
            "bees": list(model.SIX_BEES) if six_bees else [],
            "visits": _visits(find(deadlines, "next_visit"), case.profile),
            "review": {
                "points": _review_points(deadlines),
                "history": history_context(deadlines),
                "next_review": _deadline_or_none(find(deadlines, "next_review")),
                "plan_end": _deadline_or_none(end),
            },
            "child_protection": {
                "procedures": CP_PROCEDURES.get(policy, CP_PROCEDURES_DEFAULT),
                "named": policy in CP_PROCEDURES,
            },
            "funding_panel_name": FUNDING_PANEL.get(policy, FUNDING_PANEL_DEFAULT),
            "smart": {
                "findings": [
                    {
                        "level": f.level,
                        "label": "Error" if f.level == smart.ERROR else "Warning",
                        "where": _finding_where(f.path, plan),
                        "path": f.path,
                        "message": f.message,
                    }
                    for f in findings
                ],
                "summary": smart.summary(findings),
                "errors": len(errors),
                "produced_anyway": bool(errors),
            },
        }
    )
    ctx["plan"]["distribution"], addressed, unknown = recipients.plan_distribution(
        case, plan, known_as, disclosure.context_text(ctx)
    )
    warnings += [
        f"plan.distribution[{i}] names nobody in the case file, so the disclosure check cannot tell who "
        "it is: write the person's name as it is in the case file."
        for i in unknown
    ]
    return Built([Output(ctx, [], addressed_to=addressed, reader=None)], warnings)


def _legal_basis(code: str | None, known_as: str) -> dict | None:
    if code is None:
        return None
    law, words = LEGAL_BASIS[code]
    return {"code": code, "law": law, "words": words.format(name=known_as, possessive=f"{known_as}'s")}


def _own_words(data: dict) -> dict | None:
    views = complete(model.ChildViews, (data["child"] or {}).get("views"))
    if not views or not views["in_own_words"]:
        return None
    return {**views, "format_words": VIEW_FORMATS.get(views["format"]) if views["format"] else None}


def _last_meeting(case, options: Options) -> dict | None:
    """The latest held planning or review meeting: the one this version of the plan comes from."""
    held = [
        (m["date"], i, m)
        for i, m in enumerate(case.data.get("meetings", []))
        if m["type"] in ("initial", "review", "cin", "transfer_in") and m["date"] <= options.as_of
    ]
    if not held:
        return None
    date, _, meeting = max(held, key=lambda t: (t[0], t[1]))
    return {"label": case.profile["meeting_labels"][meeting["type"]], "date": date}


def _action(i: int, action: dict, outcomes: list[dict], everyone: dict) -> dict:
    owner = action.get("owner")
    person = everyone.get(owner.casefold()) if owner else None
    agency = action.get("agency") or (person and (person.get("agency") or person.get("relationship")))
    due = action.get("due")
    open_ended = isinstance(due, str)
    outcome = next((o for o in outcomes if o["id"] == action.get("outcome")), None)
    return {
        "ref": action.get("id") or str(i + 1),
        "action": action["action"],
        "owner": owner,
        "agency": agency,
        "due": None if open_ended else due,
        "due_note": f"{due} (no date set)" if open_ended else None,
        "measure": action.get("measure"),
        "outcome": outcome["id"] if outcome else None,
        "outcome_text": outcome["outcome"] if outcome else None,
        "status": STATUS_LABELS[action.get("status") or "not_started"],
    }


def _visits(d: Deadline | None, profile: dict) -> dict | None:
    """Visit frequency in words, from the engine's next_visit basis ("3 weeks", "6 weeks (as set in ...)")."""
    if d is None:
        return None
    match = re.match(r"(\d+) (\w+)", d.basis)
    if match is None:  # a profile with an unusual offset: show the engine's words as they are
        every = d.basis
    else:
        n, unit = int(match.group(1)), match.group(2)
        every = f"every {unit.rstrip('s')}" if n == 1 else f"every {n} {unit}"
    return {
        "frequency": f"at least {every}",
        "set_by": "as agreed in this plan" if "as set in" in d.basis else f"the {profile['label']} policy's standard",
        "next_due": d.due,
        "from_label": d.from_label,
        "from_date": d.from_date,
        "moved": d.moved,
        "status": d.status,
        "source": d.source,
        # m22: a next visit whose date has passed says so ("OVERDUE: it was due by ..."), as the deadlines do.
        "overdue": d.status == "overdue",
    }


def _deadline_or_none(d: Deadline | None) -> dict | None:
    return deadline_context(d) if d is not None else None


def _review_points(deadlines: list[Deadline]) -> list[dict]:
    """The review points still ahead (and the plan's next review and end target even when done)."""
    out = []
    for d in deadlines:
        if d.rule not in REVIEW_RULES or d.history:
            continue
        if d.status in ("met", "late") and d.rule not in ("next_review", "plan_end_expected"):
            continue
        note = {
            "overdue": "overdue",
            "passed": "passed: the plan continues",
            "info": "not a target for this plan",
            "met": f"done on {longdate(d.satisfied_on)}",
            "late": f"done late, on {longdate(d.satisfied_on)}",
        }.get(d.status)
        out.append({**deadline_context(d), "note": note})
    return out


def _finding_where(path: str, plan: dict) -> str:
    """'plan.actions[2].due' -> 'Action A3: due date' (the reader's words, beside the path for the case file)."""
    match = re.fullmatch(r"plan\.(actions|outcomes)\[(\d+)\](?:\.(\w+))?", path)
    if match:
        group, index, field = match.group(1), int(match.group(2)), match.group(3)
        item = plan[group][index]
        ref = item.get("id") or str(index + 1)
        where = f"{'Action' if group == 'actions' else 'Outcome'} {ref}"
        return f"{where}: {FINDING_FIELDS.get(field, field)}" if field else where
    parts = path.split(".")
    if len(parts) == 3 and parts[:2] == ["plan", "risks"]:
        return f"Risks: {dict(RISK_LABELS).get(parts[2], parts[2]).lower()}"
    if len(parts) == 2 and parts[0] == "plan" and parts[1] in FINDING_SECTIONS:
        return FINDING_SECTIONS[parts[1]]
    return "The plan" if path == "plan" else path

"""The SMART check of a Child in Need plan: pure rules over the case data, the policy profile and the deadlines."""

# Both policies ask for SMART plans. Hillingdon ("The Initial CIN Meeting and Reviews"): "Actions must be challenged
# to ensure that they are SMART ... All actions must have identified people responsible for them" and "the social work
# practitioner must check that all actions have allocated responsibilities and actions by dates". Hertfordshire
# (§2.3): the plan should "include specific, realistic timescales and deadlines, avoiding/limiting 'ongoing' and
# 'continuing' actions" and identify "who is responsible for which action and the time-scale involved".
#
# Errors are what makes an action or outcome not SMART at all (nobody responsible, no date, no measure, an outcome
# nothing works towards); they stop `cin-docs render plan` unless the user passes --allow-unsmart. Warnings are what
# a manager would question but can be right (an agency as owner while a name is awaited, a measure that sounds
# vague). Messages describe the rule, never the case's own words (children's data stays out of logs).

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# "A person in the case file" means what the case model means by it for meeting invitees.
from .models.case import SIX_BEES, _people_names
from .models.fields import DueDate
from .policies.engine import Deadline

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: how serious, where in the case file ("plan.actions[2].due"), and the rule it breaks.

    `where` says the same for a person reading their own file: the action's own ID and the line
    ("plan.actions[8].measure (action A9, line 245)"); it is the path alone when neither is known.
    """

    level: str
    path: str
    message: str
    where: str = ""

    @property
    def location(self) -> str:
        return self.where or self.path

    def __str__(self) -> str:
        return f"{self.level}: {self.location}: {self.message}"


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_tuple(path: str) -> tuple[str | int, ...]:
    """'plan.actions[8].measure' -> ('plan', 'actions', 8, 'measure')."""
    return tuple(int(index) if index else name for name, index in _PATH_PART.findall(path))


def locate(
    findings: list[Finding],
    case_data: dict[str, Any],
    line_of: Callable[[tuple[Any, ...]], int | None] | None = None,
) -> list[Finding]:
    """Each finding with the action's (or outcome's) own ID and the line in the file, as `where`."""
    out = []
    plan = case_data.get("plan") or {}
    for f in findings:
        parts = path_tuple(f.path)
        notes = []
        if len(parts) >= 3 and parts[:2] in (("plan", "actions"), ("plan", "outcomes")) and isinstance(parts[2], int):
            items = plan.get(parts[1]) or []
            item_id = items[parts[2]].get("id") if parts[2] < len(items) else None
            kind = "action" if parts[1] == "actions" else "outcome"
            notes.append(f"{kind} {item_id}" if item_id else f"{kind} {parts[2] + 1} in the list")
        line = line_of(parts) if line_of is not None else None
        if line:
            notes.append(f"line {line}")
        out.append(Finding(f.level, f.path, f.message, f"{f.path} ({', '.join(notes)})" if notes else ""))
    return out


# Owners that are placeholders, not people: treated like no owner at all.
PLACEHOLDER_OWNERS = frozenset(
    {
        "tbc",
        "tba",
        "tbd",
        "to be confirmed",
        "to be agreed",
        "to be decided",
        "n/a",
        "na",
        "none",
        "unknown",
        "-",
        "?",
        "all",
        "everyone",
        "all agencies",
        "all professionals",
    }
)

# "Ongoing"/"continuing" in an action's own words. Only a warning: Hertfordshire says "avoiding/limiting", so a few
# may be right, and the action still has its own date (an "ongoing" *due date* is an error, below).
OPEN_ENDED_WORDS = re.compile(r"\b(on-?going|continuing)\b", re.IGNORECASE)

# A measure is called vague when it uses a word of direction ("improve", "better") and gives nothing that can be
# counted or seen: no number and no evidence word. Deliberately modest: "Attendance better than 90%" passes (a
# number), "Register shows improvement" passes (an observable record), "Mum's parenting improves" is flagged.
VAGUE_WORDS = re.compile(
    r"\b(improv\w*|better|worse|more|less|increas\w*|decreas\w*|reduc\w*|progress\w*|engag\w*|monitor\w*|"
    r"support\w*|positive\w*|good|well|appropriate\w*|as (?:needed|required|appropriate)|ongoing)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|once|twice|half|all|every|each|"
    r"no|none|zero|daily|weekly|fortnightly|monthly|termly)\b",
    re.IGNORECASE,
)
OBSERVABLE = re.compile(
    r"\b(register\w*|diar(?:y|ies)|record\w*|report\w*|certificate\w*|minutes|letter\w*|log\w*|score\w*|"
    r"rating\w*|chart\w*|test\w*|signed|seen|held|completed|attend\w*|fitted|written|shared|referral\w*|"
    r"appointment\w*|decision\w*|says|said|tells|told|feedback|survey\w*|checklist\w*|assessment\w*)\b",
    re.IGNORECASE,
)

RISKS = (
    ("domestic_abuse", "domestic abuse"),
    ("substance_misuse", "substance misuse"),
    ("parental_mental_health", "parental mental ill-health"),
)


def plan_window(
    case_data: dict[str, Any], profile: dict[str, Any], deadlines: list[Deadline]
) -> tuple[dt.date | None, Deadline | None]:
    """(plan start, the engine's `plan_end_expected` deadline), each None when the case file cannot give it.

    The start is the date `plan_end_expected` counts from when the profile counts it from the plan start (both built-in
    profiles do: plan.start, else the initial meeting), so the check uses the engine's reading, not its own.
    """
    end = next((d for d in deadlines if d.rule == "plan_end_expected"), None)
    rule = next((r for r in profile.get("rules", []) if r["key"] == "plan_end_expected"), None)
    if end is not None and rule is not None and [a["event"] for a in rule["from_"]] == ["plan_start"]:
        return end.from_date, end
    return (case_data.get("plan") or {}).get("start"), end


def vague_measure(measure: str) -> bool:
    """True when the measure uses a word of direction and has no number and no observable evidence."""
    return bool(VAGUE_WORDS.search(measure)) and not NUMBER.search(measure) and not OBSERVABLE.search(measure)


def check_plan(
    case_data: dict[str, Any], profile: dict[str, Any], deadlines: list[Deadline], line_of: Any = None
) -> list[Finding]:
    """Every SMART finding for the case's plan, in case-file order (plan sections, outcomes, then actions), each
    located by the action's ID and (given `line_of`, the loaded file's) line."""
    return locate(_check_plan(case_data, profile, deadlines), case_data, line_of)


def _check_plan(case_data: dict[str, Any], profile: dict[str, Any], deadlines: list[Deadline]) -> list[Finding]:
    plan = case_data.get("plan")
    if not plan:
        return [Finding(ERROR, "plan", "The case file has no plan section, so there is no plan to check.")]
    out: list[Finding] = []
    out += _sections(case_data, plan)
    outcomes, actions = plan.get("outcomes", []), plan.get("actions", [])
    if not outcomes:
        out.append(
            Finding(
                ERROR,
                "plan.outcomes",
                "The plan has no outcomes: it must include specific, child-focused "
                "outcomes (what will be different for the child).",
            )
        )
    if not actions:
        out.append(
            Finding(
                ERROR,
                "plan.actions",
                "The plan has no actions: it must include specific actions, each "
                "with a named person responsible, a due date and a measure.",
            )
        )
    served = {a.get("outcome") for a in actions if a.get("outcome")}
    six_bees = profile.get("plan_outcomes") == "six_bees"
    for j, outcome in enumerate(outcomes):
        where = f"plan.outcomes[{j}]"
        if outcome["id"] not in served:
            out.append(
                Finding(
                    ERROR,
                    where,
                    "No action serves this outcome: every outcome needs at least one action "
                    "(link an action to it with 'outcome: <the outcome's id>').",
                )
            )
        if six_bees and not outcome.get("bee"):
            out.append(
                Finding(
                    WARNING,
                    f"{where}.bee",
                    f"This outcome is not tagged with one of the 6 Bees ({', '.join(SIX_BEES)}): the "
                    f"{profile['label']} policy asks every plan to have regard to them.",
                )
            )
    start, end = plan_window(case_data, profile, deadlines)
    people = _people_names(case_data)
    for i, action in enumerate(actions):
        out += _action(f"plan.actions[{i}]", action, people, start, end, profile)
    return out


def _sections(case_data: dict[str, Any], plan: dict[str, Any]) -> list[Finding]:
    """Sections both policies say a plan must include; missing ones are warnings (the plan can still be SMART)."""
    out = []
    risks = plan.get("risks") or {}
    for key, words in RISKS:
        if not (risks.get(key) or "").strip():
            # Hertfordshire §2.3: "The plan will identify and assess risks arising from domestic abuse, substance
            # misuse and parental mental ill-health."
            out.append(
                Finding(
                    WARNING,
                    f"plan.risks.{key}",
                    f"The plan does not say whether there are risks from {words}: record the risk and how "
                    "it is managed, or 'None known'.",
                )
            )
    own_words = ((case_data.get("child") or {}).get("views") or {}).get("in_own_words")
    if not (plan.get("child_views") or own_words):
        out.append(
            Finding(
                WARNING,
                "plan.child_views",
                "The child's views, wishes and feelings are not recorded: the plan must include them, in "
                "the child's own words or format (drawing, writing, talking).",
            )
        )
    if not plan.get("family_views"):
        out.append(
            Finding(
                WARNING,
                "plan.family_views",
                "The family's views are not recorded: the plan must include the views of the family and "
                "their expectations.",
            )
        )
    if not plan.get("contingency"):
        out.append(
            Finding(
                WARNING,
                "plan.contingency",
                "The plan has no contingency plan: say what will happen if circumstances change "
                "significantly, progress stalls or a resource is not available.",
            )
        )
    if not plan.get("review_judgement"):
        out.append(
            Finding(
                WARNING,
                "plan.review_judgement",
                "The plan does not say how progress will be judged at reviews (the evidence or measures "
                "the review will look at).",
            )
        )
    return out


def _action(
    where: str,
    action: dict[str, Any],
    people: set[str],
    start: dt.date | None,
    end: Deadline | None,
    profile: dict[str, Any],
) -> list[Finding]:
    out = []
    owner = (action.get("owner") or "").strip()
    if not owner or owner.casefold() in PLACEHOLDER_OWNERS:
        out.append(
            Finding(
                ERROR,
                f"{where}.owner",
                "No named person is responsible for this action: every action needs one named person "
                "(and their agency); a placeholder such as 'TBC' is not enough.",
            )
        )
    elif owner.casefold() not in people:
        out.append(
            Finding(
                WARNING,
                f"{where}.owner",
                "The person responsible is not someone in this case file (an agency or group such as "
                "'School' or 'Health' is not a named person): name one person and add them under family, "
                "network or professionals.",
            )
        )
    due = action.get("due")
    if due is None:
        out.append(
            Finding(
                ERROR,
                f"{where}.due",
                "This action has no due date: every action needs a date by which it will be done.",
            )
        )
    elif isinstance(due, str) and due in DueDate.OPEN_ENDED:
        out.append(
            Finding(
                ERROR,
                f"{where}.due",
                "The due date is 'ongoing' or 'continuing', which is not a date: give the date by which it "
                "will be done or reviewed (plans should avoid 'ongoing' and 'continuing' actions).",
            )
        )
    elif isinstance(due, dt.date):
        if start is not None and due < start:
            out.append(
                Finding(
                    ERROR,
                    f"{where}.due",
                    "The due date is before the plan starts: an action of this plan must be due on or "
                    "after the plan start.",
                )
            )
        if end is not None and due > end.due:
            out.append(
                Finding(
                    ERROR,
                    f"{where}.due",
                    f"The due date is after the plan is expected to end ({end.basis} after the plan start "
                    f"under the {profile['label']} policy): bring it within the plan, or agree a longer "
                    "plan with the team manager and record why.",
                )
            )
    if OPEN_ENDED_WORDS.search(action.get("action") or ""):
        out.append(
            Finding(
                WARNING,
                f"{where}.action",
                "The action is described as ongoing or continuing: plans should avoid or limit such "
                "actions; say what exactly will be done and by when.",
            )
        )
    measure = (action.get("measure") or "").strip()
    if not measure:
        out.append(
            Finding(
                ERROR,
                f"{where}.measure",
                "There is no measure for this action: say how progress will be measured (what will be "
                "counted, seen or recorded).",
            )
        )
    elif vague_measure(measure):
        out.append(
            Finding(
                WARNING,
                f"{where}.measure",
                "The measure sounds vague (a word such as 'improve' or 'better' with no number and "
                "nothing observable): say what will be counted, seen or recorded, e.g. 'attendance 95% or "
                "better' or 'sleep diary kept for 4 weeks'.",
            )
        )
    if not action.get("outcome"):
        out.append(
            Finding(
                WARNING,
                f"{where}.outcome",
                "This action is not linked to an outcome: give the id of the outcome it serves "
                "('outcome: <id>'), so the review can judge progress against it.",
            )
        )
    return out


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == ERROR]


def summary(findings: list[Finding]) -> str:
    """'2 errors and 1 warning.' or 'No problems found.'"""
    n_err = len(errors(findings))
    n_warn = len(findings) - n_err
    if not findings:
        return "No problems found."
    parts = []
    if n_err:
        parts.append(f"{n_err} error{'s' if n_err != 1 else ''}")
    if n_warn:
        parts.append(f"{n_warn} warning{'s' if n_warn != 1 else ''}")
    return " and ".join(parts) + "."

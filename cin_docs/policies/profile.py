"""Policy profiles: loading, `extends:` inheritance and validation of the rule data (the law, as data)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate, validates_schema

from .. import resources
from ..errors import PolicyError
from ..inputs import load_file
from ..models.case import MEETING_TYPES, REVIEW_OUTCOMES
from ..models.fields import Date, Strict, Text, Time
from ..models.fields import one_of as _untyped_one_of

#: `models.fields.one_of` has no annotations (that module is outside the strict ones); these schemas call it
#: through this typed name, so the strict policy modules make no untyped calls.
one_of: Callable[..., fields.String] = _untyped_one_of

#: The events a rule may count from, and the events that satisfy a rule. The engine implements each; the test
#: suite checks the two lists against the engine's registries both ways.
ANCHOR_EVENTS = (
    "field",
    "first_meeting",
    "first_held_meeting",
    "latest_held_meeting",
    "each_held_meeting",
    "each_planned_meeting_with_time",
    "plan_start",
    "latest_held_visit",
    "latest_held_list",
    "rule",
    "each_escalation",
    "each_stage_started",
    "each_stage_resolved",
)
SATISFYING_EVENTS = (
    "meeting",
    "nth_meeting",
    "item_field",
    "field",
    "visit_after_anchor",
    "list_after_anchor",
    "health_report_received",
    "first_stage_started",
    "stage_started",
    "plan_end",
    "visit_before_due",
)
OFFSET_UNITS = (
    "working_days",
    "working_days_before",
    "days",
    "weeks",
    "months",
    "years",
    "birthday",
    "hours_before",
    "weeks_from_field",
    "panel_date",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


#: Limits no real profile reaches but a mistake can: a panel's slots, rules counting from rules counting from rules
#: (each link adds up to 100 years; the engine follows the chain), closure days listed.
MAX_SLOTS = 40
MAX_RULE_CHAIN = 10
MAX_CLOSURES = 1000

#: Conditions a rule's `when:` may use besides "case.path: value" and "item.field: value" (see Engine.holds).
CONDITIONS = (
    "field_set",
    "field_unset",
    "invites_agency_type",
    "no_meeting_on_or_before_anchor",
    "stage_unresolved_by_anchor",
)
#: What a rule does when the plan ends (the earliest of plan.end, closure.date and the 18th birthday):
#: stop = cadence and plan-start rules give nothing due after it, and what fell due before it unmet is `missed`;
#: items = per-item rules count only items dated on or before it; ignore = unaffected (the default).
PLAN_END_BEHAVIOURS = ("ignore", "stop", "items")


def case_path_exists(path: str) -> bool:
    """Whether a dotted path ('plan.visit_interval_weeks') names a field of the case file model."""
    from ..models.case import CaseFile

    schema: ma.Schema = CaseFile()
    parts = path.split(".")
    for n, part in enumerate(parts):
        field = schema.fields.get(part)
        if field is None:
            return False
        if isinstance(field, fields.List):
            field = field.inner
        if n < len(parts) - 1:
            if not isinstance(field, fields.Nested):
                return False
            schema = field.schema
    return True


class PanelDateOffset(Strict):
    weekday = one_of(WEEKDAYS, required=True)
    referral_working_days = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=60))


_NEEDS = {
    "meeting": ("types",),
    "nth_meeting": ("types", "n"),
    "field": ("field",),
    "list_after_anchor": ("field",),
    "stage_started": ("stage",),
    "latest_held_list": ("field",),
    "first_held_meeting": ("types",),
    "latest_held_meeting": ("types",),
    "each_held_meeting": ("types",),
    "each_planned_meeting_with_time": ("types",),
    "rule": ("rule",),
    "each_stage_started": ("stage",),
    "each_stage_resolved": ("stages",),
    "first_meeting": ("types",),
    "visit_before_due": ("months",),
}


def _require_parameters(data: dict[str, Any]) -> None:
    missing = [p for p in _NEEDS.get(data["event"], ()) if p not in data]
    if data["event"] == "item_field" and not (data.get("field") or data.get("fields_")):
        missing.append("field")
    if missing:
        raise ma.ValidationError(f"The event '{data['event']}' needs: {', '.join(missing)}.")


class Satisfier(Strict):
    event = one_of(SATISFYING_EVENTS, required=True)
    types = fields.List(one_of(MEETING_TYPES))
    field = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields")
    after_anchor = fields.Boolean(load_default=False)
    strictly_after = fields.Boolean(load_default=False)
    n = fields.Integer(strict=True, validate=validate.Range(min=1, max=20))
    stage = fields.Integer(strict=True, validate=validate.Range(min=1, max=4))
    or_stage_resolved = fields.Integer(strict=True, validate=validate.Range(min=1, max=4))
    min_stage = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=4),
        metadata={"description": "first_stage_started: only a stage this high or higher counts"},
    )
    months = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=24),
        metadata={"description": "visit_before_due: the months before the due date in which a visit counts"},
    )

    @validates_schema
    def _parameters(self, data: dict[str, Any], **kwargs: Any) -> None:
        _require_parameters(data)


class Offset(Strict):
    """One way of counting. Exactly one unit; `when` picks it among alternatives; `source` cites its sentence."""

    when = fields.Dict(keys=fields.String(), values=fields.Raw())
    source = Text()
    working_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=400))
    working_days_before = fields.Integer(strict=True, validate=validate.Range(min=0, max=400))
    days = fields.Integer(strict=True, validate=validate.Range(min=0, max=3660))
    weeks = fields.Integer(strict=True, validate=validate.Range(min=0, max=520))
    months = fields.Integer(strict=True, validate=validate.Range(min=0, max=240))
    years = fields.Integer(strict=True, validate=validate.Range(min=0, max=100))
    birthday = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=100),
        metadata={"description": "The Nth birthday (29 February -> 1 March in other years)"},
    )
    hours_before = fields.Integer(strict=True, validate=validate.Range(min=0, max=24 * 60))
    weeks_from_field = fields.String()
    panel_date = fields.Nested(PanelDateOffset)
    note = Text(metadata={"description": "Added to the basis when this alternative applies (e.g. the 6.3.4 bypass)"})
    satisfied_by = fields.Nested(
        Satisfier,
        metadata={
            "description": "What meets the rule when this alternative applies, instead of the rule's satisfied_by"
        },
    )

    @validates_schema
    def _one_unit(self, data: dict[str, Any], **kwargs: Any) -> None:
        units = [u for u in OFFSET_UNITS if u in data]
        if len(units) != 1:
            raise ma.ValidationError(f"Give exactly one of: {', '.join(OFFSET_UNITS)}.")


class OffsetField(fields.Field[list[dict[str, Any]]]):
    """A single offset mapping, or a list of alternatives (the last without `when` is the default)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> list[dict[str, Any]]:
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(i, dict) for i in items):
            raise ma.ValidationError("An offset is a mapping like {working_days: 10}, or a list of them.")
        offsets: list[dict[str, Any]] = Offset(many=True).load(items)
        return offsets

    def _jsonschema_type_mapping(self) -> dict[str, Any]:
        # marshmallow-jsonschema cannot see inside a custom field; describe the two accepted shapes by hand.
        unit: dict[str, dict[str, Any]] = {
            name: ({"type": "integer", "minimum": 0} if isinstance(f, fields.Integer) else {"type": "string"})
            for name, f in Offset._declared_fields.items()
            if name in OFFSET_UNITS
        }
        unit["panel_date"] = {
            "type": "object",
            "properties": {
                "weekday": {"type": "string", "enum": list(WEEKDAYS)},
                "referral_working_days": {"type": "integer"},
            },
            "required": ["weekday", "referral_working_days"],
            "additionalProperties": False,
        }
        one = {
            "type": "object",
            "properties": {
                "when": {"type": "object"},
                "source": {"type": "string"},
                "note": {"type": "string"},
                "satisfied_by": {"type": "object"},
                **unit,
            },
            "minProperties": 1,
            "additionalProperties": False,
            "description": f"Exactly one of: {', '.join(OFFSET_UNITS)}; 'when' picks it among alternatives.",
        }
        return {"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]}


class Anchor(Strict):
    event = one_of(ANCHOR_EVENTS, required=True)
    label = Text(required=True, max_length=200)
    field = fields.String()
    types = fields.List(one_of(MEETING_TYPES))
    rule = fields.String()
    stage = fields.Integer(strict=True, validate=validate.Range(min=1, max=4))
    stages = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=4)))
    offset = OffsetField()

    @validates_schema
    def _parameters(self, data: dict[str, Any], **kwargs: Any) -> None:
        _require_parameters(data)


class Example(Strict):
    from_ = Date(required=True, data_key="from")
    due = Date(required=True)
    moved = fields.Boolean(load_default=False)
    when = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)
    anchor = fields.Integer(load_default=0, strict=True)
    # A lifecycle example: with the plan ending on `plan_end`, seen on `as_of`, nothing met, the rule gives
    # `status` (or no deadline at all: status `none`).
    plan_end = Date()
    as_of = Date()
    status = one_of(("open", "overdue", "missed", "passed", "info", "none"))

    @validates_schema
    def _lifecycle(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "status" in data and "as_of" not in data:
            raise ma.ValidationError("A lifecycle example needs the as_of date its status is seen on.", "as_of")


class Exception_(Strict):
    """When `when` holds, the rule is shown as `info`, never chased: another body's duty, or a target that does not
    apply to this plan. `note` (with {due} or {case.path} filled in) is added to the basis."""

    when = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    source = Text(required=True, validate=validate.Length(min=20, error="Quote the policy sentence."))
    note = Text(required=True, max_length=300)
    label = Text(max_length=200)


class Rule(Strict):
    key = fields.String(
        required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$", error="Use lower_case_with_underscores.")
    )
    label = Text(required=True, max_length=200)
    kind = one_of(
        ("deadline", "fact", "target"),
        load_default="deadline",
        metadata={"description": "deadline; fact (a date, status info); target (never overdue: open, met or passed)"},
    )
    from_ = fields.List(
        fields.Nested(Anchor),
        required=True,
        data_key="from",
        validate=validate.Length(min=1, error="Name at least one event to count from."),
    )
    offset = OffsetField()
    when = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)
    unless = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        load_default=dict,
        metadata={"description": "The rule is left out when all of these conditions hold"},
    )
    plan_end = one_of(
        PLAN_END_BEHAVIOURS,
        load_default="ignore",
        metadata={
            "description": "stop: nothing due after the plan end, unmet ones before it are "
            "missed; items: only items dated on or before it; ignore"
        },
    )
    history = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Keep every past window met late on the record (cadence "
            "rules counting from a latest_held_* event)"
        },
    )
    exceptions = fields.List(fields.Nested(Exception_), load_default=list)
    satisfied_by = fields.Nested(Satisfier)
    due_time = Time()
    source = Text(
        required=True, validate=validate.Length(min=20, error="Quote the policy sentence this rule comes from.")
    )
    examples = fields.List(fields.Nested(Example), load_default=list)

    @validates_schema
    def _history_needs_a_latest_event(self, data: dict[str, Any], **kwargs: Any) -> None:
        first = (data.get("from_") or [{}])[0].get("event", "")
        if data.get("history") and not first.startswith("latest_held_"):
            raise ma.ValidationError(
                "history: true needs the rule to count first from a latest_held_* event "
                "(the latest visit, meeting or check).",
                "history",
            )

    @validates_schema
    def _has_offset(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "offset" not in data and not all("offset" in a for a in data.get("from_", [])):
            raise ma.ValidationError("Give an offset for the rule, or one for each event it counts from.", "offset")


class Panel(Strict):
    name = Text(required=True, max_length=200)
    chair = Text(max_length=200)
    schedule = Text(max_length=200)
    start = Time()
    end = Time()
    # A sitting has a handful of slots; a million would make the agenda and the pack take all memory.
    slots = fields.Integer(
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_SLOTS, error="Must be from {min} to {max}."),
    )
    referral_working_days = fields.Integer(
        allow_none=True, strict=True, validate=validate.Range(min=0, max=60, error="Must be from {min} to {max}.")
    )
    membership = Text(max_length=500, metadata={"description": "Who sits on the panel, as the policy says"})
    outcomes = fields.List(
        Text(max_length=500),
        load_default=list,
        metadata={"description": "The decisions the panel may make, offered in the panel summary's decisions section"},
    )
    outcomes_source = Text(metadata={"description": "The policy sentence the outcomes come from"})
    presenters = fields.List(
        Text(max_length=200),
        load_default=list,
        metadata={
            "description": "Who presents a case, e.g. the team manager and the "
            "allocated case worker (empty: the allocated social worker)"
        },
    )
    presenters_source = Text()
    minimum_months = fields.Integer(
        allow_none=True,
        load_default=None,
        strict=True,
        validate=validate.Range(min=1, max=60),
        metadata={
            "description": "A plan is brought to panel once it has been open "
            "this many months (a warning when it has not)"
        },
    )
    minimum_months_source = Text()


class StageActor(Strict):
    agency = Text(required=True, max_length=200, metadata={"description": "e.g. Health, Police, All agencies"})
    who = Text(required=True, max_length=500)


class EscalationStage(Strict):
    stage = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=4))
    actors = fields.List(fields.Nested(StageActor), load_default=list)
    copy_to = Text(max_length=300, metadata={"description": "Who must be copied in at this stage"})
    source = Text()


class EscalationProtocol(Strict):
    name = Text(required=True, max_length=200)
    board = Text(max_length=200, metadata={"description": "The safeguarding board whose protocol this is"})
    monitoring_form_from_stage = fields.Integer(load_default=2, strict=True)
    stages = fields.List(
        fields.Nested(EscalationStage),
        load_default=list,
        metadata={"description": "Who acts at each stage, per agency, and who is copied in"},
    )
    bypass = Text(metadata={"description": "What the protocol allows when the risk is immediate (e.g. 6.3.4)"})


class ReviewRecordRules(Strict):
    """What a meeting record must carry under this policy, beyond the common content."""

    sign_off = fields.List(
        one_of(("manager", "chair", "family")),
        load_default=lambda: ["manager"],
        metadata={"description": "Who signs the record off: manager, chair, family"},
    )
    sign_off_source = Text()
    second_review_decision = fields.Boolean(
        load_default=False,
        metadata={"description": "The second review decides whether the plan will cease by 15 months"},
    )
    second_review_source = Text()
    strategy_discussion = fields.Boolean(
        load_default=False,
        metadata={"description": "A strategy discussion must be considered when progress is limited"},
    )
    strategy_discussion_source = Text()
    initial_chair = one_of(
        ("line_manager",),
        allow_none=True,
        load_default=None,
        metadata={"description": "Who should chair the initial meeting"},
    )
    initial_chair_source = Text()


class ClosingSummaryRules(Strict):
    """Who must agree to a plan ending, under this policy, for the closing summary."""

    early_help_manager = fields.Boolean(
        load_default=False, metadata={"description": "The relevant Early Help Manager is consulted on the next steps"}
    )
    source = Text(metadata={"description": "The policy sentence(s) on ending a plan"})


class AuthorityDefaults(Strict):
    name = Text(required=True, max_length=200)
    team = Text(max_length=200)
    address_lines = fields.List(fields.String(), load_default=list)
    phone = fields.String()
    email = fields.String()
    logo = fields.String()


class Profile(Strict):
    name = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]*$", error="Use lower-case letters, digits, - or _."),
    )
    label = Text(required=True, max_length=100)
    title = Text(required=True, max_length=300)
    document = Text(required=True, max_length=500)
    extends = fields.String()
    authority = fields.Nested(AuthorityDefaults, required=True)
    closures = fields.List(
        Date(),
        load_default=list,
        validate=validate.Length(
            max=MAX_CLOSURES, error="At most {max} closure days: list the days the offices are closed, not every day."
        ),
    )
    meeting_labels = fields.Dict(keys=one_of(MEETING_TYPES), values=fields.String(), required=True)
    plan_outcomes = fields.Raw(load_default=False)
    combined_outcomes = fields.Boolean(
        load_default=False,
        metadata={"description": "A review may record several outcomes (a list); otherwise exactly one"},
    )
    review_outcomes = fields.Dict(keys=one_of(REVIEW_OUTCOMES), values=fields.String(), required=True)
    panel = fields.Nested(Panel, allow_none=True)
    escalation = fields.Nested(EscalationProtocol, allow_none=True, load_default=None)
    review_record = fields.Nested(ReviewRecordRules, load_default=lambda: ReviewRecordRules().load({}))
    closing_summary = fields.Nested(ClosingSummaryRules, load_default=lambda: ClosingSummaryRules().load({}))
    rules = fields.List(fields.Nested(Rule), required=True)
    remove_rules = fields.List(fields.String(), load_default=list)

    @validates_schema
    def _paths(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Misspelt case-file paths would silently switch a rule off: every path a rule reads must exist."""
        problems: dict[int, list[str]] = {}
        for i, rule in enumerate(data.get("rules", [])):
            paths = [a["field"] for a in rule["from_"] if a.get("field")]
            conditions = [rule.get("when") or {}, rule.get("unless") or {}]
            conditions += [e["when"] for e in rule.get("exceptions") or []]
            # An exception's note may fill in {due} or a case path ({plan.longer_term_reason}).
            paths += [
                p for e in rule.get("exceptions") or [] for p in re.findall(r"\{([a-z_.]+)\}", e["note"]) if p != "due"
            ]
            conditions += [o.get("when") or {} for o in rule.get("offset") or []]
            conditions += [o.get("when") or {} for a in rule["from_"] for o in a.get("offset") or []]
            for when in conditions:
                for key, value in when.items():
                    if key in ("field_set", "field_unset"):
                        paths.append(value)
                    elif key not in CONDITIONS and not key.startswith("item."):
                        paths.append(key)
            satisfier = rule.get("satisfied_by") or {}
            if satisfier.get("event") in ("field", "list_after_anchor"):
                paths.append(satisfier["field"])
            for o in rule.get("offset") or []:
                if o.get("weeks_from_field"):
                    paths.append(o["weeks_from_field"])
            bad = [p for p in paths if not case_path_exists(p)]
            if bad:
                problems[i] = [f"Not a field of the case file: {', '.join(bad)}."]
        if problems:
            raise ma.ValidationError(problems, "rules")

    @validates_schema
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        keys = [r["key"] for r in data.get("rules", [])]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ma.ValidationError(f"Rule keys must be unique; repeated: {', '.join(dupes)}.", "rules")
        for i, rule in enumerate(data.get("rules", [])):
            for anchor in rule["from_"]:
                if anchor["event"] == "rule" and anchor.get("rule") not in keys:
                    raise ma.ValidationError(
                        {
                            i: {
                                "from": [
                                    f"Counts from the rule '{anchor.get('rule')}', which this profile does not have."
                                ]
                            }
                        },
                        "rules",
                    )
        _check_chains(data.get("rules", []))
        if not {"initial", "review"} <= set(data.get("meeting_labels", {})):
            raise ma.ValidationError("Name at least the initial and review meetings.", "meeting_labels")


def _check_chains(rules: list[dict[str, Any]]) -> None:
    """Rules that count from rules: at most MAX_RULE_CHAIN links, and no loops (worked out without recursion)."""
    parents = {r["key"]: [a["rule"] for a in r["from_"] if a["event"] == "rule" and a.get("rule")] for r in rules}
    depth: dict[str, int] = {}
    for start in parents:
        stack, on_path = [(start, 0)], set()
        while stack:
            key, state = stack.pop()
            if state == 1:
                on_path.discard(key)
                depth[key] = 1 + max((depth.get(p, 0) for p in parents.get(key, [])), default=0)
                if depth[key] > MAX_RULE_CHAIN + 1:
                    raise ma.ValidationError(
                        f"The rule '{key}' counts from a chain of more than {MAX_RULE_CHAIN} rules, each counting "
                        "from the one before; no policy needs that many. Count from an event instead.",
                        "rules",
                    )
                continue
            if key in depth:
                continue
            if key in on_path:
                raise ma.ValidationError(f"The rule '{key}' counts (through other rules) from itself.", "rules")
            on_path.add(key)
            stack.append((key, 1))
            stack.extend((p, 0) for p in parents.get(key, []) if p in parents and p not in depth)


def builtin_names() -> list[str]:
    return sorted(p.stem for p in resources.profiles_dir().glob("*.yaml"))


def _find(name_or_path: str, relative_to: Path | None) -> Path:
    if name_or_path in builtin_names():
        return resources.profiles_dir() / f"{name_or_path}.yaml"
    looks_like_path = any(ch in name_or_path for ch in "/\\.")
    if looks_like_path:
        path = Path(name_or_path).expanduser()
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        if path.is_file():
            return path
        raise PolicyError(
            f"The policy profile file {name_or_path} was not found"
            + (f" (looked in {path.parent})" if relative_to else "")
            + f". Built-in policies: {', '.join(builtin_names())}."
        )
    raise PolicyError(
        f"Unknown policy '{name_or_path}'. Built-in policies are: {', '.join(builtin_names())}. "
        "To use your authority's own rules, give the path to a profile file (e.g. policy: ./my-authority.yaml); "
        "run 'cin-docs policies' to list them."
    )


def _merge(base: dict[str, Any], child: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    """`extends:` semantics: the child's keys replace the base's; rules are replaced by key, added, or removed.

    Nothing of the child is dropped here: a rule that is not a mapping with a `key` (a misspelt `Key:`, a scalar)
    is kept as it is, so that validation reports it like any other broken rule; `remove_rules` must name rules the
    base has. Either mistake would otherwise silently lose an authority's local rule.
    """
    merged = copy.deepcopy(base)
    for key, value in child.items():
        if key in ("rules", "extends", "remove_rules"):
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = copy.deepcopy(value)
    rules = {r["key"]: r for r in merged.get("rules", []) if isinstance(r, dict) and isinstance(r.get("key"), str)}
    order: list[str] = list(rules)
    child_rules = child.get("rules", [])
    if child_rules is None:
        child_rules = []
    if not isinstance(child_rules, list):
        merged["rules"] = child_rules  # "rules: {a: b}": validation says it must be a list
        merged.pop("extends", None)
        merged.pop("remove_rules", None)
        return merged
    malformed: list[Any] = []
    positions: list[int] = []
    for n, rule in enumerate(child_rules):
        if isinstance(rule, dict) and isinstance(rule.get("key"), str):
            if rule["key"] not in rules:
                order.append(rule["key"])
            rules[rule["key"]] = rule
        else:
            malformed.append(rule)
            positions.append(n)
    removed = _removed_rules(child.get("remove_rules", []), set(rules), path)
    merged["rules"] = [rules[k] for k in order if k not in removed] + malformed
    # Where each malformed rule is in the extending file, for the error message (taken out before validation).
    first = len(merged["rules"]) - len(malformed)
    merged[_POSITIONS] = {first + i: n for i, n in enumerate(positions)}
    merged.pop("extends", None)
    merged.pop("remove_rules", None)
    return merged


_POSITIONS = "__positions_of_rules_without_a_key__"


def _removed_rules(value: Any, known: set[str], path: Path | None) -> set[str]:
    """`remove_rules` checked: a list of the keys of rules the profile has (a misspelt key would remove nothing)."""
    where = f"The policy profile {path}" if path else "The policy profile"
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise PolicyError(
            f"{where} is broken and cannot be used: remove_rules: Give a list of rule keys, "
            "e.g. remove_rules: [second_review_check]."
        )
    unknown = [k for k in value if k not in known]
    if unknown:
        raise PolicyError(
            f"{where} is broken and cannot be used: remove_rules: "
            f"{', '.join(repr(k) for k in unknown)} {'is not a rule' if len(unknown) == 1 else 'are not rules'}"
            f" of the profile it extends; its rules are: {', '.join(sorted(known))}."
        )
    return set(value)


def _raw(name_or_path: str, relative_to: Path | None, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Path]:
    path = _find(name_or_path, relative_to)
    if path.resolve() in seen:
        raise PolicyError(f"The policy profile {path} extends itself (through: {' -> '.join(map(str, seen))}).")
    data = load_file(path, what="policy profile").data
    if "extends" in data and "name" not in data:
        raise PolicyError(
            f"The policy profile {path} extends '{data['extends']}' but has no 'name' of its own; "
            "give it one (e.g. name: my-authority) so its deadlines say which policy they follow."
        )
    if "extends" in data:
        base, _ = _raw(str(data["extends"]), path.parent, seen + (path.resolve(),))
        data = _merge(base, data, path)
    return data, path


def _where(path: tuple[Any, ...], data: dict[str, Any]) -> str:
    """('rules', 11, 'from', 0, 'event') -> "rule 'nrpf_check': from[0].event" (after extends:, indexes mean little)."""
    from ..models import format_path

    listed = data.get("rules")
    rules = listed if isinstance(listed, list) else []
    positions = data.get(_POSITIONS) or {}
    if len(path) >= 2 and path[0] == "rules" and path[1] in positions:
        return f"rules[{positions[path[1]]}] (a rule without a 'key')" + (
            f": {format_path(path[2:])}" if path[2:] else ""
        )
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int) and path[1] < len(rules):
        key = rules[path[1]].get("key") if isinstance(rules[path[1]], dict) else None
        if key:
            return f"rule '{key}'" + (f": {format_path(path[2:])}" if path[2:] else "")
    return format_path(path)


_CACHE: dict[tuple[str, str], dict[str, Any]] = {}


def load_profile(name_or_path: str, relative_to: Path | None = None) -> dict[str, Any]:
    """The validated profile for a built-in name or a file path (relative paths: to the case file's folder)."""
    cache_key = (name_or_path, str(relative_to))
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    data, path = _raw(name_or_path, relative_to)
    try:
        profile: dict[str, Any] = Profile().load({k: v for k, v in data.items() if k != _POSITIONS})
    except ma.ValidationError as exc:
        from ..models import flatten_messages

        problems = "; ".join(f"{_where(p, data)}: {m}" for p, m in flatten_messages(exc.messages))
        raise PolicyError(f"The policy profile {path} is broken and cannot be used: {problems}") from None
    profile["path"] = str(path)
    _CACHE[cache_key] = profile
    return profile

"""The case file model: one child's case, everything the deadline engine and the six documents read."""

from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import fields, post_load, validate, validates_schema

from ..census import codes as census_codes
from ..census import upn_check_letter
from .fields import (
    GROUP_WORDS,
    LIST_LENGTH,
    Date,
    DueDate,
    Name,
    PlaceName,
    Strict,
    Time,
    WithheldText,
    one_of,
    withheld,
)

# Free text in a case file may be written as {text: ..., withhold_from: [names]} to keep it from those people.
from .fields import CaseText as Text

MEETING_TYPES = ("family_network", "initial", "review", "cin", "transfer_in", "panel")
LEGAL_BASES = ("s17(10)(a)", "s17(10)(b)", "s17(10)(c)")
SIX_BEES = ("Be Happy", "Be Independent", "Be Ambitious", "Be Safe", "Be Healthy", "Be Resilient")
ACTION_STATUSES = ("not_started", "in_progress", "achieved", "partly_achieved", "not_achieved")
PROGRESS_RATINGS = ("achieved", "partly_achieved", "not_achieved")
REVIEW_OUTCOMES = ("no_longer_in_need", "continue", "more_complex", "significant_harm")
AGENCY_TYPES = (
    "health",
    "education",
    "police",
    "social_care",
    "housing",
    "early_help",
    "probation",
    "voluntary",
    "legal",
    "other",
)
VIEW_FORMATS = ("talking", "writing", "drawing", "advocate", "other")
#: The parts of a plan and of a meeting's record that `professionals_only` can keep from the family.
PLAN_PROFESSIONAL_SECTIONS = (
    "why_in_need",
    "needs",
    "risks",
    "child_views",
    "family_views",
    "family_expectations",
    "contingency",
    "review_judgement",
    "resources",
    "funding_panel",
    "longer_term_reason",
)
MEETING_PROFESSIONAL_SECTIONS = (
    "child_views",
    "family_views",
    "reports_received",
    "progress",
    "plan_updates",
    "discussion",
    "significant_events",
    "disagreements",
    "unresolved",
    "equality_diversity",
    "decisions",
)
PRONOUNS = ("she/her", "he/him", "they/them")

CASE_ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z",  # \Z, not $: "$" also matches before a final line break
    error="Must be 1-40 letters, digits, '-' or '_' (it is used in file names), e.g. HIL-2026-0143.",
)


def _list(schema_or_field, **kwargs):
    inner = fields.Nested(schema_or_field) if isinstance(schema_or_field, type) else schema_or_field
    return fields.List(inner, load_default=list, validate=LIST_LENGTH, **kwargs)


def _text_list(**kwargs):
    return fields.List(Text(), load_default=list, validate=LIST_LENGTH, **kwargs)


#: A person's optional identifier: needed when two people share a name, and usable in invitees instead of the name.
PERSON_ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z", error="Must be 1-40 letters, digits, '-' or '_', e.g. father-ryan or P3."
)


def _person_id():
    return fields.String(
        validate=PERSON_ID,
        metadata={
            "description": "A short identifier, needed when two people in the case file share a name; meetings may "
            "name the person by it (invitees: [father-ryan])"
        },
    )


def _adjustments():
    return _text_list(
        metadata={
            "description": (
                "What WE will do so this person can read the letters and take part, written to them: printed in their own "
                "letter, e.g. 'Priya will phone you to go through this letter.' (communication_needs is the staff note and "
                "is never printed in a letter to the person)"
            )
        }
    )


def _salutation():
    return Name(
        metadata={
            "description": "How their letters greet them, e.g. 'Ms Hartwell' or 'Danielle' "
            "(default: their preferred name, or their name)"
        }
    )


def _preferred_name():
    return Name(metadata={"description": "The name they like to be called, e.g. 'Danielle'"})


class Contact(Strict):
    phone = fields.String(validate=validate.Length(max=40))
    email = fields.Email(
        error_messages={"invalid": "Not a valid e-mail address."},
        validate=validate.Length(max=254, error="Too long: at most {max} characters."),
    )
    address_lines = _text_list()


class Authority(Contact):
    name = Name(required=True)
    team = Name()
    logo = fields.String(
        validate=validate.Length(max=500, error="Too long: at most {max} characters."),
        metadata={"description": "Path to a PNG/JPEG logo, relative to the case file"},
    )


class Worker(Contact):
    name = Name(required=True)
    id = _person_id()
    role = Name(metadata={"description": "e.g. Social Worker, Team Manager"})
    team = Name()
    agency = Name()


class ChildViews(Strict):
    in_own_words = Text(metadata={"description": "The child's views, wishes and feelings in their own words"})
    format = one_of(VIEW_FORMATS)
    recorded_on = Date()
    advocate = Name()


class DoNotSend(Strict):
    reason = Text(
        required=True,
        metadata={
            "description": "Why nothing is sent to this person, e.g. a restraining order (shown to professionals only)"
        },
    )

    @post_load
    def _for_professionals(self, data, **kwargs):
        data["reason"] = withheld(data["reason"], ["family"])
        return data


def _do_not_send():
    return fields.Nested(
        DoNotSend,
        metadata={"description": "Send this person nothing: no letters, and left off every distribution list"},
    )


def _withheld_from(what: str):
    return fields.List(
        Name(),
        load_default=list,
        metadata={
            "description": f"People who must not be given {what}: names as written in the case file, or 'family' or "
            "'professionals'"
        },
    )


class Child(Strict):
    first_name = Name(required=True)
    last_name = Name(required=True)
    preferred_name = Name()
    date_of_birth = Date()
    gender = Name()
    ethnicity = Name()
    religion = Name()
    first_language = Name()
    disabled = fields.Boolean(load_default=False, metadata={"description": "s17(10)(c): the child is disabled"})
    disability = Text()
    communication_needs = Text(
        metadata={"description": "Staff note: how the child communicates (never printed in the child's own letter)"}
    )
    pronouns = one_of(
        PRONOUNS,
        metadata={
            "description": "The pronouns letters use for the child (default: from "
            "gender when it is female or male; otherwise the child's "
            "name)"
        },
    )
    uses_speech = fields.Boolean(
        load_default=True,
        metadata={
            "description": "false when the child does not use speech: their letter offers the ways_to_take_part instead "
            "of 'tell us'"
        },
    )
    ways_to_take_part = _text_list(
        metadata={
            "description": (
                "How the child can have their say, written to the child, e.g. 'Show us with your Makaton signs' (printed "
                "in the child's own letter)"
            )
        }
    )
    adjustments = _adjustments()
    address_lines = _text_list()
    address_withheld_from = _withheld_from("the child's address")
    school = PlaceName()
    gp = PlaceName()
    views = fields.Nested(ChildViews)


class FamilyMember(Contact):
    name = Name(required=True)
    id = _person_id()
    preferred_name = _preferred_name()
    salutation = _salutation()
    relationship = Name(required=True, metadata={"description": "e.g. Mother, Maternal grandmother, Family friend"})
    parental_responsibility = fields.Boolean(load_default=False)
    lives_with_child = fields.Boolean(load_default=False)
    language = Name()
    interpreter_needed = fields.Boolean(load_default=False)
    communication_needs = Text(
        metadata={
            "description": "Staff note (plans and records; never printed in the person's own letter: see adjustments)"
        }
    )
    adjustments = _adjustments()
    lives_abroad = fields.Boolean(load_default=False)
    do_not_send = _do_not_send()
    address_withheld_from = _withheld_from("this person's address")


class Professional(Contact):
    name = Name(required=True)
    id = _person_id()
    preferred_name = _preferred_name()
    salutation = _salutation()
    role = Name(required=True)
    agency = Name(required=True)
    agency_type = one_of(AGENCY_TYPES, load_default="other")
    do_not_send = _do_not_send()
    address_withheld_from = _withheld_from("this professional's address")
    domestic_abuse_service = fields.Boolean(
        metadata={
            "description": "This professional works for a domestic-abuse service (default: worked out from the words "
            "'domestic abuse', 'domestic violence', 'refuge' or 'IDVA' in the role or agency). Such a "
            "service is never named in a letter to the family unless listed in may_be_named_to"
        }
    )
    may_be_named_to = fields.List(
        Name(),
        load_default=list,
        metadata={
            "description": "For a domestic-abuse service: who in the family its name may be given to in letters (names "
            "as written in the case file, or 'family')"
        },
    )
    bring = _text_list(
        metadata={
            "description": "What this professional is asked to bring to meetings (their "
            "invitation only; a meeting's bring_for overrides it)"
        }
    )
    adjustments = _adjustments()


class Assessment(Strict):
    completed = Date()
    plan_decision = Date()
    summary = Text()


class Need(Strict):
    need = Text(required=True)
    services = Text()


class Outcome(Strict):
    id = Name(required=True, metadata={"description": "Short reference used by actions, e.g. O1"})
    outcome = Text(required=True)
    bee = one_of(SIX_BEES, metadata={"description": "Hertfordshire's 6 Bees outcome this serves"})


class Action(Strict):
    id = Name()
    action = Text(required=True)
    owner = Name(metadata={"description": "A named person responsible"})
    agency = Name()
    due = DueDate()
    measure = Text(metadata={"description": "How progress will be measured"})
    outcome = Name(metadata={"description": "The id of the outcome this action serves"})
    status = one_of(ACTION_STATUSES, load_default="not_started")


class Role(Strict):
    who = Name(required=True)
    responsibility = Text(required=True)
    contact_frequency = Text()


class Risks(Strict):
    domestic_abuse = Text()
    substance_misuse = Text()
    parental_mental_health = Text()
    other = Text()


class SignOff(Strict):
    name = Name(required=True)
    role = Name()
    date = Date()


class Plan(Strict):
    start = Date()
    end = Date(metadata={"description": "Date the plan ended, if it has"})
    legal_basis = one_of(LEGAL_BASES)
    why_in_need = Text()
    needs = _list(Need)
    risks = fields.Nested(Risks)
    child_views = Text()
    family_views = Text()
    family_expectations = Text()
    outcomes = _list(Outcome)
    actions = _list(Action)
    roles = _list(Role)
    visit_interval_weeks = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=26, error="Must be a whole number of weeks from {min} to {max}."),
    )
    contingency = Text()
    review_judgement = Text(metadata={"description": "How progress will be judged at reviews"})
    resources = Text()
    funding_panel = Text()
    care_proceedings = fields.Boolean(load_default=False)
    longer_term_support = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The plan acknowledges the need for longer-term support (the 12/15-month target "
            "does not apply), e.g. a disabled child"
        },
    )
    longer_term_reason = Text(
        metadata={
            "description": "Why longer-term support is needed, e.g. meets the 0-25 "
            "Together criteria; supervision order extended"
        }
    )
    manager_reviewed = Date()
    signed_off = fields.Nested(SignOff)
    distribution = _text_list()
    professionals_only = fields.List(
        one_of(PLAN_PROFESSIONAL_SECTIONS),
        load_default=list,
        metadata={"description": "Parts of the plan only professionals may see (kept out of copies for the family)"},
    )

    @post_load
    def _mark_professionals_only(self, data, **kwargs):
        return mark_professionals_only(self, data)

    @validates_schema(skip_on_field_errors=False)
    def _dates_in_order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ma.ValidationError("The plan cannot end before it starts.", "end")


class Remote(Strict):
    how = one_of(("phone", "video", "phone_or_video"), required=True)
    details = Text(metadata={"description": "Link, platform or dial-in number and code"})


class Report(Strict):
    by = Name(required=True)
    received = Date()
    summary = Text()
    shared = fields.Boolean(load_default=True)


class Progress(Strict):
    action = Name(required=True, metadata={"description": "The id of the plan action"})
    rating = one_of(PROGRESS_RATINGS, required=True)
    evidence = Text()


class OutcomeDetail(Strict):
    lead_professional = Name()
    next_steps = Text()


class SecondReviewDecision(Strict):
    """Hertfordshire 2.5: at 9 months (the second review), will the plan cease by 15 months (the third review)?"""

    will_cease_by_15_months = fields.Boolean(
        required=True, metadata={"description": "Whether the plan is expected to be ceased by 15 months"}
    )
    reason = Text(metadata={"description": "Why (or why not)"})
    independent_chair_requested = Date(
        metadata={
            "description": "If not: the date the team manager asked for a Child Protection Conference Chair "
            "or Independent Reviewing Officer to chair the third review"
        }
    )
    requested_by = Name(metadata={"description": "The team manager who made the request"})


class StrategyDiscussion(Strict):
    """Hertfordshire 2.5/2.7: with limited or no progress, a strategy discussion must always be considered."""

    considered = fields.Boolean(
        required=True, metadata={"description": "Whether a strategy discussion was considered at this meeting"}
    )
    needed = fields.Boolean(metadata={"description": "Whether one is needed (a step-up to a Section 47 enquiry)"})
    rationale = Text(metadata={"description": "The reasons for the decision"})


class OutcomeField(fields.Field):
    """A review outcome: one key, or (where the policy combines them, "and/or") a list of keys.

    Whether a list is allowed depends on the policy profile (`combined_outcomes`), which the model does not know:
    api.profile_problems refuses a list under a profile that keeps exactly one.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list) else [value]
        if not items:
            raise ma.ValidationError("Give at least one outcome, or leave 'outcome' out.")
        bad = [i for i in items if not isinstance(i, str) or i not in REVIEW_OUTCOMES]
        if bad:
            raise ma.ValidationError(f"Must be one of: {', '.join(REVIEW_OUTCOMES)} (or a list of them).")
        if len(set(items)) != len(items):
            raise ma.ValidationError("Each outcome may appear only once.")
        return list(items) if isinstance(value, list) else value

    def _jsonschema_type_mapping(self):
        one = {"type": "string", "enum": list(REVIEW_OUTCOMES)}
        return {
            "anyOf": [one, {"type": "array", "items": one, "minItems": 1, "uniqueItems": True}],
            "description": "One review outcome, or a list of them where the policy allows 'and/or' (hertfordshire)",
        }


def outcome_keys(meeting: dict) -> list[str]:
    """A meeting's outcome(s) as a list (empty when none is recorded)."""
    value = meeting.get("outcome")
    return [] if value is None else list(value) if isinstance(value, list) else [value]


class Meeting(Strict):
    type = one_of(MEETING_TYPES, required=True)
    date = Date(required=True)
    time = Time()
    end_time = Time()
    venue = Text(max_length=500)
    remote = fields.Nested(Remote)
    chair = Name()
    purpose = Text()
    reply_by = Date()
    bring = _text_list(metadata={"description": "What everyone invited should bring"})
    bring_family = _text_list(metadata={"description": "What family members should bring (family letters only)"})
    bring_professional = _text_list(metadata={"description": "What professionals should bring (their letters only)"})
    bring_for = fields.Dict(
        keys=Name(),
        values=fields.List(Text()),
        load_default=dict,
        metadata={
            "description": "What one invitee should bring, by name, e.g. 'Dr Ray Patel: [Health update]' (replaces "
            "bring_family/bring_professional in that person's letter)"
        },
    )
    invitees = fields.List(
        Name(),
        load_default=list,
        validate=LIST_LENGTH,
        metadata={"description": "Names of family members, network, professionals or the child"},
    )
    child_not_invited_reason = Text(
        metadata={
            "description": "Why the child is not invited (does not wish to attend, or it is not appropriate), when not"
        }
    )
    attendees = fields.List(Name(), load_default=list, validate=LIST_LENGTH)
    apologies = fields.List(Name(), load_default=list, validate=LIST_LENGTH)
    reports_received = _list(Report)
    child_seen = fields.Boolean()
    child_seen_alone = fields.Boolean()
    child_views = Text()
    family_views = Text()
    progress = _list(Progress)
    plan_updates = _text_list()
    discussion = _text_list()
    significant_events = _text_list()
    disagreements = _text_list()
    unresolved = _text_list()
    equality_diversity = Text()
    outcome = OutcomeField(
        metadata={"description": "One review outcome, or a list where the policy allows 'and/or' (hertfordshire)"}
    )
    outcome_detail = fields.Nested(OutcomeDetail)
    decisions = _text_list()
    record_completed = Date()
    plan_updated = Date()
    plan_circulated = Date()
    decisions_uploaded = Date()
    signed_off = fields.Nested(SignOff)
    chair_delegated_reason = Text(
        metadata={"description": "Hillingdon initial meeting: why the line manager delegated the chair to someone else"}
    )
    reviews_chair = Name(metadata={"description": "Initial meeting: who was agreed to chair the review meetings"})
    chair_signed_off = fields.Nested(
        SignOff, metadata={"description": "Hertfordshire: the chair's sign-off of the record"}
    )
    family_signed_off = _list(
        SignOff,
        metadata={
            "description": "Hertfordshire: the family's sign-off of the record (one entry per family member who signed)"
        },
    )
    second_review_decision = fields.Nested(SecondReviewDecision)
    strategy_discussion = fields.Nested(StrategyDiscussion)
    professionals_only = fields.List(
        one_of(MEETING_PROFESSIONAL_SECTIONS),
        load_default=list,
        metadata={
            "description": "Parts of this meeting's record only professionals may see (kept out of copies for the "
            "family)"
        },
    )

    @post_load
    def _mark_professionals_only(self, data, **kwargs):
        return mark_professionals_only(self, data)

    @validates_schema(skip_on_field_errors=False)
    def _times_in_order(self, data, **kwargs):
        if data.get("time") and data.get("end_time") and data["end_time"] <= data["time"]:
            raise ma.ValidationError("The meeting must end after it starts.", "end_time")
        if data.get("end_time") and not data.get("time"):
            raise ma.ValidationError("An end time needs a start time ('time').", "time")
        for done in ("record_completed", "plan_updated", "plan_circulated", "decisions_uploaded"):
            if data.get(done) and data.get("date") and data[done] < data["date"]:
                raise ma.ValidationError("Cannot be before the meeting.", done)


class Visit(Strict):
    date = Date(required=True)
    by = Name()
    seen = fields.Boolean(load_default=True)
    seen_alone = fields.Boolean()
    notes = Text()


class Panel(Strict):
    identified = Date(metadata={"description": "Date the line manager identified the case for panel"})
    referred = Date(metadata={"description": "Date the case was referred (slot booked) for panel"})
    date = Date(metadata={"description": "Panel date, where the authority sets it (Hillingdon)"})
    reasons = _text_list()
    presenting_issues = Text()
    progress = Text()
    barriers = Text()
    asked_to_decide = _text_list()
    presenter = Name()
    presenter_role = Name()
    decisions = _text_list()
    decisions_recorded = Date()


class Consent(Strict):
    given = fields.Boolean(required=True)
    date = Date()
    reason_without = Text(metadata={"description": "Why information is shared without consent"})

    @validates_schema
    def _reason_without_consent(self, data, **kwargs):
        if data.get("given") is False and not (data.get("reason_without") or "").strip():
            raise ma.ValidationError(
                "Consent to share was not given: record the reason for sharing without it (reason_without).",
                "reason_without",
            )


class MoveImpact(Strict):
    protective_factors = Text()
    known_perpetrators = Text()
    trafficking_modern_slavery = Text()


class Transfer(Strict):
    direction = one_of(
        ("in", "out"),
        load_default="in",
        metadata={"description": "in: this authority receives the family; out: the family moves away"},
    )
    residence_start = Date()
    move_date = Date()
    receiving_authority = fields.Nested(Authority)
    new_address_lines = _text_list()
    new_address_withheld_from = _withheld_from("the family's new address")
    risks = Text()
    consent = fields.Nested(Consent)
    agencies_informed = _text_list()
    family_told_responsibilities = fields.Boolean()
    impact = fields.Nested(MoveImpact)
    receiving_social_worker = fields.Nested(Worker)
    receiving_manager = fields.Nested(Worker)
    joint_visit = Text()


class Stage(Strict):
    stage = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=4, error="Must be a stage from {min} to {max}.")
    )
    started = Date(required=True)
    responded = Date()
    resolved = Date(allow_none=True)
    confirmed = Date()
    notes = Text()

    @validates_schema
    def _order(self, data, **kwargs):
        for later in ("responded", "resolved", "confirmed"):
            if data.get(later) and data.get("started") and data[later] < data["started"]:
                raise ma.ValidationError("Cannot be before the stage started.", later)


class ManagerSignature(Strict):
    name = Name(required=True)
    designation = Name()
    agency = Name()
    date = Date()


class AgencyView(Strict):
    agency = Name(required=True)
    view = Text(required=True)


class Checklist(Strict):
    consulted_manager = fields.Boolean()
    lowest_level = fields.Boolean()
    manager_raised = fields.Boolean()
    senior_manager = fields.Boolean()
    independent_chair = fields.Boolean()


class Bypass(Strict):
    """Hertfordshire 6.3.4: with an immediate and great risk, the referring agency may bypass the stages."""

    decided = fields.Boolean(
        required=True, metadata={"description": "Whether the referring agency decided to bypass the stages"}
    )
    date = Date()
    senior_officer = Name(metadata={"description": "The senior officer consulted"})
    reason = Text()


class Escalation(Strict):
    disagreement = Date(required=True)
    immediate_risk = fields.Boolean(load_default=False)
    bypass = fields.Nested(Bypass)
    board_manager_copied = Date(
        metadata={"description": "The date the Safeguarding Board's manager was copied in (stages 3 and 4)"}
    )
    raised_by = fields.Nested(ManagerSignature)
    reason = Text()
    agency_views = _list(AgencyView)
    agreed_outcomes = Text()
    referring_manager = fields.Nested(ManagerSignature)
    receiving_manager = fields.Nested(ManagerSignature)
    effectiveness = Text()
    checklist = fields.Nested(Checklist)
    stages = _list(Stage)

    @validates_schema
    def _stages(self, data, **kwargs):
        numbers = [s["stage"] for s in data.get("stages", [])]
        if len(numbers) != len(set(numbers)):
            raise ma.ValidationError("Each stage may appear only once.", "stages")
        for i, stage in enumerate(data.get("stages", [])):
            if stage["started"] < data["disagreement"]:
                raise ma.ValidationError({i: {"started": ["Cannot be before the disagreement."]}}, "stages")


class Nrpf(Strict):
    start = Date(required=True)
    reviews = fields.List(Date(), load_default=list, validate=LIST_LENGTH)
    checks = fields.List(Date(), load_default=list, validate=LIST_LENGTH)
    subsistence_checks = fields.List(
        Date(),
        load_default=list,
        validate=LIST_LENGTH,
        metadata={"description": "Dates subsistence payments were monitored"},
    )
    subsistence_reviews = fields.List(
        Date(),
        load_default=list,
        validate=LIST_LENGTH,
        metadata={"description": "Dates the subsistence provision was reviewed"},
    )
    notice_given = Date(metadata={"description": "Date written notice to stop support was given"})


class View(Strict):
    by = Name(required=True, metadata={"description": "Who gave the view (a name as written in the case file)"})
    view = Text(required=True)


class Agreement(Strict):
    name = Name(required=True)
    role = Name()
    date = Date()


CLOSURE_NEXT_STEPS = ("step_down_early_help", "universal_services", "transfer", "other")


class Closure(Strict):
    date = Date(required=True, metadata={"description": "The date the case (CIN episode) closed"})
    reason = one_of(
        tuple(census_codes("closure_reason")),
        required=True,
        metadata={"description": "DfE census reason for closure, RC1-RC9"},
    )
    summary = Text(
        metadata={"description": "The reasons for ending the plan: the work undertaken and the areas addressed"}
    )
    professionals_views = _list(View)
    child_views = fields.Nested(
        ChildViews,
        metadata={"description": "The child's views, wishes and feelings about the plan ending, in their own words"},
    )
    family_views = _list(View, metadata={"description": "The parents' and carers' views"})
    next_steps = one_of(
        CLOSURE_NEXT_STEPS, metadata={"description": "step_down_early_help, universal_services, transfer or other"}
    )
    next_steps_detail = Text(metadata={"description": "What happens next, in words"})
    lead_professional = Name()
    agreed_by_team_manager = fields.Nested(Agreement)
    agreed_by_early_help_manager = fields.Nested(Agreement)


class Sharing(Strict):
    family_letters_list_professionals = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Family letters list the professionals invited (default: only the chair, the social worker "
            "and the family). A domestic-abuse service is still left out unless its may_be_named_to says"
        },
    )


def _census_code(list_name: str, **kwargs):
    return one_of(tuple(census_codes(list_name)), **kwargs)


class Census(Strict):
    """What the DfE Children in Need census needs beyond the rest of the case file (shared/domain/census.md)."""

    la_child_id = fields.String(
        validate=validate.Regexp(
            r"^[A-Za-z0-9]{1,20}$", error="Must be 1-20 letters or digits (no spaces or punctuation), e.g. HIL20260143."
        ),
        metadata={"description": "The child's ID in the census; default: case_id without punctuation"},
    )
    upn = fields.String(metadata={"description": "Unique pupil number: 13 characters, check letter first"})
    upn_unknown = _census_code("upn_unknown", metadata={"description": "Why there is no UPN: UN1-UN7"})
    sex = _census_code("sex", metadata={"description": "M, F or U"})
    ethnicity = _census_code("ethnicity", metadata={"description": "DfE ethnicity code, e.g. WBRI"})
    disabilities = fields.List(
        _census_code("disability"),
        validate=validate.Length(min=1, error="List at least one code: NONE when the child has no disability."),
        metadata={"description": "NONE alone, or any of MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA"},
    )
    referral_date = Date(metadata={"description": "CINreferralDate"})
    referral_source = _census_code("referral_source", metadata={"description": "DfE referral source code, e.g. 2A"})
    primary_need = _census_code("primary_need", metadata={"description": "N0-N9"})
    referral_nfa = fields.Boolean(metadata={"description": "The referral led to no further action"})
    assessment_started = Date(metadata={"description": "AssessmentActualStartDate"})
    assessment_authorised = Date(metadata={"description": "AssessmentAuthorisationDate; default assessment.completed"})
    assessment_factors = fields.List(
        _census_code("assessment_factor"),
        validate=validate.Length(min=1, error="List at least one factor: 21 when none were identified."),
        metadata={"description": "Factors identified at assessment, e.g. [4A, 3A]; 21 alone when none"},
    )

    @validates_schema(skip_on_field_errors=False)
    def _census_rules(self, data, **kwargs):
        errors: dict = {}
        upn = data.get("upn")
        if upn is not None:
            if not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", upn):
                errors["upn"] = [
                    "Not a unique pupil number: 13 characters, a capital letter, 11 digits, then a "
                    "digit or capital letter, e.g. A312999926001."
                ]
            elif upn_check_letter(upn) != upn[0]:
                errors["upn"] = [
                    "Not a valid unique pupil number: the check letter (the first character) does not "
                    "match the other twelve. Check it against the school's records."
                ]
            if data.get("upn_unknown"):
                errors["upn_unknown"] = ["Give either upn or upn_unknown (the reason there is no UPN), not both."]
        for key, alone, what in (
            ("disabilities", "NONE", "NONE (no disability)"),
            ("assessment_factors", "21", "21 (no factors identified)"),
        ):
            values = data.get(key) or []
            if alone in values and len(values) > 1:
                errors.setdefault(key, []).append(f"{what} cannot be listed with other codes.")
            if len(set(values)) != len(values):
                errors.setdefault(key, []).append("Each code may appear only once.")
        order = [
            ("referral_date", "the referral date"),
            ("assessment_started", "the assessment start"),
            ("assessment_authorised", "the assessment authorisation"),
        ]
        for (early, early_words), (late, _late_words) in zip(order, order[1:]):
            if data.get(early) and data.get(late) and data[late] < data[early]:
                errors.setdefault(late, []).append(f"Cannot be before {early_words} (census.{early}).")
        if (
            data.get("referral_date")
            and data.get("assessment_authorised")
            and not data.get("assessment_started")
            and data["assessment_authorised"] < data["referral_date"]
        ):
            errors.setdefault("assessment_authorised", []).append("Cannot be before the referral date.")
        if errors:
            raise ma.ValidationError(errors)


class CaseFile(Strict):
    case_id = fields.String(required=True, validate=CASE_ID)
    policy = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "A built-in policy (hillingdon, hertfordshire) or a profile path"},
    )
    authority = fields.Nested(Authority)
    child = fields.Nested(Child, required=True)
    support = one_of(("cin", "nrpf"), load_default="cin")
    family = _list(FamilyMember)
    network = _list(FamilyMember)
    professionals = _list(Professional)
    social_worker = fields.Nested(Worker)
    line_manager = fields.Nested(Worker)
    team_manager = fields.Nested(Worker)
    assessment = fields.Nested(Assessment)
    plan = fields.Nested(Plan)
    meetings = _list(Meeting)
    visits = _list(Visit)
    panel = fields.Nested(Panel)
    transfer = fields.Nested(Transfer)
    escalations = _list(Escalation)
    nrpf = fields.Nested(Nrpf)
    closure = fields.Nested(Closure)
    sharing = fields.Nested(Sharing, metadata={"description": "What letters to the family may show"})
    census = fields.Nested(Census, metadata={"description": "DfE Children in Need census fields (cin-docs census)"})

    @validates_schema
    def _cross_checks(self, data, **kwargs):
        errors: dict = {}
        assessment = data.get("assessment") or {}
        if assessment.get("completed") and assessment.get("plan_decision"):
            pass  # a plan decision may come before completion ("during or on the completion of" the assessment)
        dob = (data.get("child") or {}).get("date_of_birth")
        for i, m in enumerate(data.get("meetings", [])):
            if dob and m["date"] < dob:
                errors.setdefault("meetings", {})[i] = {"date": ["Cannot be before the child's date of birth."]}
        _same_names(data, errors)
        known = _people_names(data)
        ambiguous = _shared_names(data)
        for i, m in enumerate(data.get("meetings", [])):
            for key in ("invitees", "attendees", "apologies"):
                for j, name in enumerate(m.get(key, [])):
                    if name.casefold() in ambiguous:
                        errors.setdefault("meetings", {}).setdefault(i, {}).setdefault(key, {})[j] = [
                            "Two people in this case file have this name: write the id of the one you mean."
                        ]
                    elif name.casefold() not in known:
                        errors.setdefault("meetings", {}).setdefault(i, {}).setdefault(key, {})[j] = [
                            "Not a person in this case file: add them under family, network or professionals "
                            "(or use the child's or social worker's name as written, or a person's id)."
                        ]
            invited = {n.casefold() for n in m.get("invitees", [])}
            for name in m.get("bring_for") or {}:
                if name.casefold() not in invited:
                    errors.setdefault("meetings", {}).setdefault(i, {}).setdefault("bring_for", {})[name] = [
                        "Not one of this meeting's invitees: use a name from its invitees list as written."
                    ]
        _lifecycle_checks(data, errors)
        outcome_ids = {o["id"] for o in (data.get("plan") or {}).get("outcomes", [])}
        for i, a in enumerate((data.get("plan") or {}).get("actions", [])):
            if a.get("outcome") and a["outcome"] not in outcome_ids:
                errors.setdefault("plan", {}).setdefault("actions", {})[i] = {
                    "outcome": ["Not the id of an outcome in plan.outcomes."]
                }
        _check_withheld_names(data, known, errors)
        _census_order(data, errors)
        if errors:
            raise ma.ValidationError(errors)


NOT_A_PERSON = (
    "Not a person in this case file: use a name as written under family, network or professionals (or "
    "the child's name), or the word 'family' or 'professionals'."
)


def _census_order(data: dict, errors: dict) -> None:
    """The census's date order across sections: referral <= plan start <= plan end <= closure."""
    referral = (data.get("census") or {}).get("referral_date")
    if not referral:
        return
    plan = data.get("plan") or {}
    for key in ("start", "end"):
        if plan.get(key) and plan[key] < referral:
            errors.setdefault("plan", {}).setdefault(key, []).append(
                "Cannot be before the referral date (census.referral_date)."
            )
    closure = data.get("closure") or {}
    if closure.get("date") and closure["date"] < referral:
        errors.setdefault("closure", {}).setdefault("date", []).append(
            "Cannot be before the referral date (census.referral_date)."
        )


def _listed_people(data: dict) -> list[tuple[tuple, dict, str]]:
    """(path, person, group) for everyone listed by name: family, network, professionals, workers."""
    out: list[tuple[tuple, dict, str]] = []
    for group in ("family", "network", "professionals"):
        out += [((group, i), p, group) for i, p in enumerate(data.get(group, []))]
    for key in ("social_worker", "line_manager", "team_manager"):
        if data.get(key):
            out.append(((key,), data[key], "worker"))
    for key in ("receiving_social_worker", "receiving_manager"):
        if (data.get("transfer") or {}).get(key):
            out.append((("transfer", key), data["transfer"][key], "worker"))
    return out


def _name_conflicts(data: dict) -> dict[str, list[tuple[tuple, dict, str]]]:
    """Names (case-folded) carried by two different people, with everyone who carries them.

    A worker (social worker, managers) who is also listed under professionals is one person in two places, as is
    one worker in two roles (line manager and team manager). Everyone else sharing a name is two people: two
    family members, two professionals, a family member and a professional, a family member and a worker.
    """
    by_name: dict[str, list[tuple[tuple, dict, str]]] = {}
    for entry in _listed_people(data):
        by_name.setdefault(entry[1]["name"].casefold(), []).append(entry)
    conflicts = {}
    for name, entries in by_name.items():
        listed = [e for e in entries if e[2] != "worker"]
        workers = [e for e in entries if e[2] == "worker"]
        if len(listed) > 1 or (workers and any(e[2] in ("family", "network") for e in listed)):
            conflicts[name] = entries
    return conflicts


def _same_names(data: dict, errors: dict) -> None:
    """Two people with one name must each carry an `id`, or a letter could go to the wrong one; ids must differ."""
    for entries in _name_conflicts(data).values():
        for path, person, _ in entries:
            if not person.get("id"):
                _add(
                    errors,
                    path + ("name",),
                    "Another person in this case file has the same name: give each of "
                    "them an id (e.g. id: father-ryan), and name them by it in meetings.",
                )
    names = {person["name"].casefold() for _, person, _ in _listed_people(data)}
    ids: set[str] = set()
    for path, person, _ in _listed_people(data):
        if person.get("id"):
            key = person["id"].casefold()
            if key in ids:
                _add(errors, path + ("id",), "Another person in this case file has the same id: ids must differ.")
            elif key in names and key != person["name"].casefold():
                _add(errors, path + ("id",), "This id is another person's name: choose an id that is not a name.")
            ids.add(key)


def _add(errors: dict, path: tuple, message: str) -> None:
    node = errors
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node.setdefault(path[-1], []).append(message)


def withheld_items(value, path: tuple = ()):
    """Every piece of withheld free text in the case data, with its path: [(path, WithheldText)]."""
    if isinstance(value, WithheldText):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not str(key).startswith("_"):
                yield from withheld_items(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from withheld_items(item, path + (i,))


def _check_withheld_names(data: dict, known: set[str], errors: dict) -> None:
    """Every name in a withhold_from, address_withheld_from or may_be_named_to list is a person in the file."""
    words = set(GROUP_WORDS)

    def check(names, path):
        for j, name in enumerate(names):
            if name.casefold() not in known and name.casefold() not in words:
                _add(errors, path + (j,), NOT_A_PERSON)

    for path, text in withheld_items(data):
        # Text marked by a professionals_only section says 'family' itself; only the file's own names are checked.
        check(text.withhold_from, path + ("withhold_from",))
    check((data.get("child") or {}).get("address_withheld_from", []), ("child", "address_withheld_from"))
    for group in ("family", "network", "professionals"):
        for i, person in enumerate(data.get(group, [])):
            check(person.get("address_withheld_from", []), (group, i, "address_withheld_from"))
            check(person.get("may_be_named_to", []), (group, i, "may_be_named_to"))
    transfer = data.get("transfer") or {}
    check(transfer.get("new_address_withheld_from", []), ("transfer", "new_address_withheld_from"))


def mark_professionals_only(schema: ma.Schema, data: dict) -> dict:
    """The free text of each section named in `professionals_only`, marked as withheld from the family."""
    for name in data.get("professionals_only", []):
        if name in data:
            data[name] = _mark(schema.fields[name], data[name])
    return data


def _mark(field, value):
    if value is None:
        return value
    if isinstance(field, Text):
        return withheld(value, ["family"]) if isinstance(value, str) else value
    if isinstance(field, fields.List):
        return [_mark(field.inner, v) for v in value]
    if isinstance(field, fields.Nested):
        nested = field.schema
        return {k: (_mark(nested.fields[k], v) if k in nested.fields else v) for k, v in value.items()}
    return value


def _has_text(field) -> bool:
    if isinstance(field, Text):
        return True
    if isinstance(field, fields.List):
        return _has_text(field.inner)
    if isinstance(field, fields.Nested):
        return any(_has_text(f) for f in field.schema.fields.values())
    return False


def _shared_names(data: dict) -> set[str]:
    """Names (case-folded) that do not pick out one person: meetings must use an id instead."""
    return set(_name_conflicts(data))


def _lifecycle_checks(data: dict, errors: dict) -> None:
    """A closed case has nothing after its closure; a plan cannot end before it starts or after the case closed;
    a transfer out names where the family is going."""
    plan = data.get("plan") or {}
    closure = data.get("closure") or {}
    closed = closure.get("date")
    if closed and plan.get("start") and closed < plan["start"]:
        errors.setdefault("closure", {})["date"] = ["The case cannot close before the plan starts (plan.start)."]
    if closed and plan.get("end") and plan["end"] > closed:
        errors.setdefault("plan", {})["end"] = ["The plan cannot end after the case closed (closure.date)."]
    if closed:
        for group in ("meetings", "visits"):
            for i, item in enumerate(data.get(group, [])):
                if item["date"] > closed:
                    errors.setdefault(group, {}).setdefault(i, {}).setdefault("date", []).append(
                        "Dated after the case closed (closure.date): remove it, or correct the closure date."
                    )
    transfer = data.get("transfer") or {}
    if transfer.get("direction") == "out" and not (transfer.get("receiving_authority") or {}).get("name"):
        errors.setdefault("transfer", {})["receiving_authority"] = [
            "The family is moving out (direction: out): name the receiving authority (receiving_authority.name)."
        ]


def _people_names(data: dict) -> set[str]:
    names = set()
    child = data.get("child") or {}
    for key in ("first_name", "preferred_name"):
        if child.get(key):
            names.add(child[key].casefold())
    if child.get("first_name") and child.get("last_name"):
        names.add(f"{child['first_name']} {child['last_name']}".casefold())
    for group in ("family", "network", "professionals"):
        names.update(p["name"].casefold() for p in data.get(group, []))
        names.update(p["id"].casefold() for p in data.get(group, []) if p.get("id"))
    for key in ("social_worker", "line_manager", "team_manager"):
        if data.get(key):
            names.add(data[key]["name"].casefold())
    for key in ("receiving_social_worker", "receiving_manager"):
        if (data.get("transfer") or {}).get(key):
            names.add(data["transfer"][key]["name"].casefold())
    names.update(p["id"].casefold() for _, p, _ in _listed_people(data) if p.get("id"))
    return names

"""Invitation letters: one per invitee of one meeting, in a family or a professional version."""

from __future__ import annotations

from .. import api
from ..errors import RenderError
from ..policies.engine import Deadline
from ..render.output import safe_filename_part
from ..checks import disclosure
from . import Built, Options, Output, recipients
from .common import base_context, deadline_context, meeting_index, people, require

PURPOSE = {
    "family_network": (
        "A family network meeting brings together {known_as}'s family, friends and the people who support you. "
        "Together we will look at what is going well, what worries us, and make a plan to keep {known_as} safe "
        "and well. The plan will belong to your family: you will own it, with clear actions and a named person "
        "for each one."
    ),
    "initial": (
        "This is the first meeting after the assessment. Together we will agree the Child in Need plan for "
        "{known_as}: what {known_as} needs, what each person will do to help, and by when."
    ),
    "review": (
        "This meeting reviews {known_as}'s Child in Need plan: what has been achieved, what has changed, what is "
        "still worrying anyone, and what should happen next."
    ),
    "cin": (
        "This Child in Need meeting checks how the plan for {known_as} is going and agrees any changes that "
        "are needed."
    ),
    "transfer_in": (
        "{known_as}'s family has come to live in our area. This meeting is to get to know {known_as} and the "
        "family, hear from the professionals who already know them, and agree how we will support them now."
    ),
    "panel": (
        "The Child in Need panel looks at plans that have been open for some time, to make sure they are "
        "helping and agree what should happen next."
    ),
}

DEFAULT_BRING = {
    "family": ["anything you would like to share about how things are going",
               "{known_as}'s views, in whatever form suits {them}: a drawing, a letter, or notes of what {they} "
               "told you"],
    "professional": ["an up-to-date summary of your involvement with the family",
                     "progress on any actions in the plan that you are responsible for"],
}


def build(case: api.Case, options: Options) -> Built:
    data = case.data
    index = meeting_index(case, options.meeting, options.as_of)
    meeting = data["meetings"][index]
    require(data, "invitation letter", "social_worker")
    if not meeting.get("invitees"):
        raise RenderError(f"Meeting {index} ({meeting['type']} on {meeting['date'].isoformat()}) has no invitees. "
                          "List who is invited under the meeting's 'invitees'.")
    if not (meeting.get("venue") or meeting.get("remote")):
        raise RenderError(f"Meeting {index} has no venue and no remote joining details: the letters cannot say "
                          "where to go. Add 'venue' or 'remote' to the meeting.")
    deadlines = api.due_dates(case, options.as_of)
    everyone = people(case)
    # Who gets a letter: recipients.py (never anyone marked do not send).
    invitees, recipient_warnings = recipients.invitation_recipients(case, meeting, index)
    if options.recipient:
        wanted = options.recipient.strip().casefold()
        invitees = [p for p in invitees if p["name"].casefold() == wanted]
        blocked = disclosure.do_not_send(case)
        if not invitees and wanted in everyone and everyone[wanted]["name"].casefold() in blocked:
            raise RenderError(f"{everyone[wanted]['name']} is marked 'do not send' in the case file "
                              f"({disclosure.person_paths(case)[everyone[wanted]['name'].casefold()]}.do_not_send): "
                              "no letter is made for them.")
        if not invitees:
            roles = ", ".join(f"{p['relationship']} ({p['variant']})" for p in (everyone[n.casefold()] for n in
                                                                                 meeting["invitees"]))
            raise RenderError(f"--recipient does not match anyone invited to this meeting. The invitees are: {roles}. "
                              "Give the person's name exactly as it is written in the case file.")
    common = base_context(case, "invitation", "", options.as_of)
    known_as = common["child"]["known_as"]
    label = case.profile["meeting_labels"][meeting["type"]]
    meeting_ctx = {
        "index": index, "type": meeting["type"], "label": label, "date": meeting["date"],
        "time": meeting.get("time"), "end_time": meeting.get("end_time"), "venue": meeting.get("venue"),
        "remote": meeting.get("remote"), "chair": meeting.get("chair"), "reply_by": meeting.get("reply_by"),
        "purpose": meeting.get("purpose") or PURPOSE[meeting["type"]].format(known_as=known_as),
    }
    warnings = recipient_warnings + _late_meeting_warnings(case, meeting, index, deadlines)
    health = next((d for d in deadlines if d.rule == "health_report" and d.ref == f"meetings[{index}]"), None)
    outputs, used = [], {}
    pronouns = _pronouns(common["child"].get("gender"))
    for person in invitees:
        variant = person["variant"]
        ctx = dict(common)
        ctx["doc"] = {**common["doc"], "title": f"Invitation: {label}"}
        # Who else is invited, as this reader may be told (recipients.py): not every invitee with their role.
        ctx["meeting"] = {**meeting_ctx, "invitees": recipients.invitee_list(case, meeting, person)}
        bring = (list(meeting.get(f"bring_{variant}") or []) + list(meeting.get("bring") or [])
                 or [b.format(known_as=known_as, **pronouns) for b in DEFAULT_BRING[variant]])
        ctx["recipient"] = {
            "name": person["name"], "relationship": person["relationship"], "variant": variant,
            "group": person["group"], "agency": person.get("agency"), "address_lines": person.get("address_lines") or [],
            "language": person.get("language"), "interpreter_needed": bool(person.get("interpreter_needed")),
            "communication_needs": person.get("communication_needs"),
            "lives_abroad": bool(person.get("lives_abroad")), "is_child": person["group"] == "child",
        }
        ctx["bring"] = bring
        is_health = person.get("agency_type") == "health"
        ctx["health_report"] = deadline_context(health) if (health and is_health) else None
        ctx["professional_written_update"] = variant == "professional"
        ctx["family_network"] = meeting["type"] == "family_network"
        # The recipient's role, never their name (names identify the family); short enough for any file system.
        slug = safe_filename_part(person["relationship"] or person["group"])[:30].strip("-")
        used[slug] = used.get(slug, 0) + 1
        name_slug = slug if used[slug] == 1 else f"{slug}-{used[slug]}"
        outputs.append(Output(ctx, [meeting["date"].isoformat(), name_slug], addressed_to=[person["name"]],
                              reader=recipients.reader_of(person)))
    return Built(outputs, warnings)


def _late_meeting_warnings(case, meeting: dict, index: int, deadlines: list[Deadline]) -> list[str]:
    """A planned meeting dated after the deadline it should meet (from the profile rule it satisfies)."""
    rules = {r["key"]: r for r in case.profile["rules"]}
    out = []
    for d in deadlines:
        sat = rules[d.rule].get("satisfied_by") or {}
        if (sat.get("event") == "meeting" and meeting["type"] in sat.get("types", [])
                and d.status in ("open", "overdue") and meeting["date"] > d.due and meeting["date"] > d.from_date):
            from ..render.filters import longdate

            out.append(f"Meeting {index} ({case.profile['meeting_labels'][meeting['type']]}) is planned for "
                       f"{longdate(meeting['date'])}, after its deadline of {longdate(d.due)} "
                       f"({d.explanation()}). The letters were still produced.")
    return out


def _pronouns(gender: str | None) -> dict:
    g = (gender or "").strip().lower()
    if g in ("female", "girl", "f"):
        return {"them": "her", "they": "she"}
    if g in ("male", "boy", "m"):
        return {"them": "him", "they": "he"}
    return {"them": "them", "they": "they"}

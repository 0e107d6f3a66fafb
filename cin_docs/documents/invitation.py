"""Invitation letters: one per invitee of one meeting, written to its reader (family, child or professional)."""

from __future__ import annotations

import datetime as dt
import re

from .. import api
from ..checks import disclosure
from ..errors import RenderError
from ..models import case as model
from ..policies.engine import Deadline
from ..render.filters import longdate, time, time12
from . import Built, Options, Output, recipients
from .common import age_on, base_context, complete, deadline_context, meeting_index, people, require

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
        "This Child in Need meeting checks how the plan for {known_as} is going and agrees any changes that are needed."
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
    "family": [
        "Anything you would like to share about how things are going",
        "{known_as}'s views, in whatever form suits {them}: a drawing, a letter, or notes of what {they} told you",
    ],
    "professional": [
        "An up-to-date summary of your involvement with the family",
        "Progress on any actions in the plan that you are responsible for",
    ],
}

PRONOUNS = {
    "she/her": {"they": "she", "them": "her", "their": "her"},
    "he/him": {"they": "he", "them": "him", "their": "his"},
    "they/them": {"they": "they", "them": "them", "their": "their"},
}
_GENDER_PRONOUNS = {
    "female": "she/her",
    "girl": "she/her",
    "f": "she/her",
    "male": "he/him",
    "boy": "he/him",
    "m": "he/him",
}

# Titles left out when matching --recipient by first name ("Dr Imran Siddiqui" is also "Imran").
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "ds", "dc", "di", "pc", "sgt", "rev", "sir"}


# A school day, for the Hertfordshire 2.2 check ("the meeting should wherever possible be held outside of school
# time"); the tool does not know term dates, so the warning says so.
SCHOOL_DAY = (dt.time(8, 45), dt.time(15, 15))
HERTS_SCHOOL_TIME = (
    "Where a child is attending a meeting and is of school age the meeting should wherever possible "
    "be held outside of school time"
)
HERTS_GUARDIAN = "If the child is the subject of Care Proceedings, the Children's Guardian must be invited"


def build(case: api.Case, options: Options) -> Built:
    data = case.data
    index = meeting_index(case, options.meeting, options.as_of)
    meeting = data["meetings"][index]
    require(data, "invitation letter", "social_worker")
    if not meeting.get("invitees"):
        raise RenderError(
            f"Meeting {index} ({meeting['type']} on {meeting['date'].isoformat()}) has no invitees. "
            "List who is invited under the meeting's 'invitees'."
        )
    if not (meeting.get("venue") or meeting.get("remote")):
        raise RenderError(
            f"Meeting {index} has no venue and no remote joining details: the letters cannot say "
            "where to go. Add 'venue' or 'remote' to the meeting."
        )
    deadlines = api.due_dates(case, options.as_of)
    everyone = people(case)
    common = base_context(case, "invitation", "", options.as_of)
    warnings: list[str] = []
    convener = _convened_by_other_authority(case, meeting, index)
    if convener:
        ours = common["authority"]["name"]
        common["authority"], common["social_worker"] = convener
        warnings.append(
            f"Meeting {index} is convened by {convener[0]['name']}, so these letters are on its letterhead and "
            f"signed by {convener[1]['name']}: send them to {convener[1]['name']} to check and post, rather than "
            f"sending them from {ours}."
        )
    known_as = common["child"]["known_as"]
    label = case.profile["meeting_labels"][meeting["type"]]
    meeting_ctx = {
        "index": index,
        "type": meeting["type"],
        "label": label,
        "in_sentence": in_sentence(label),
        "a_label": with_article(in_sentence(label)),
        "date": meeting["date"],
        "time": meeting.get("time"),
        "end_time": meeting.get("end_time"),
        "venue": meeting.get("venue"),
        "remote": meeting.get("remote"),
        "chair": meeting.get("chair"),
        "reply_by": meeting.get("reply_by"),
        "purpose": meeting.get("purpose") or PURPOSE[meeting["type"]].format(known_as=known_as),
    }
    # Who is invited (the disclosure rules decide who of them may get a letter and whom each letter lists).
    invited = [everyone[n.casefold()] for n in meeting["invitees"]]
    letters, skipped = _letters(
        invited,
        meeting,
        signer=common["social_worker"]["name"],
        blocked=disclosure.do_not_send(case),
        paths=disclosure.person_paths(case),
    )
    if skipped:
        warnings.append("No invitation for " + "; ".join(f"{name} ({why})" for name, why in skipped) + ".")
    if options.recipient:
        letters = _match_recipient(options.recipient, letters, skipped)
    warnings += _date_warnings(case, meeting, index, options.as_of)
    warnings += _late_meeting_warnings(case, meeting, index, deadlines)
    warnings += _attendance_warnings(case, meeting, index, everyone)
    health = next((d for d in deadlines if d.rule == "health_report" and d.ref == f"meetings[{index}]"), None)
    pronouns = child_pronouns(data["child"], known_as)
    bring_for = {name.casefold(): list(items) for name, items in (meeting.get("bring_for") or {}).items()}
    sw_first = common["social_worker"]["name"].split()[0]
    outputs = []
    for person, reader, slug in letters:
        variant = person["variant"]
        ctx = dict(common)
        ctx["doc"] = {**common["doc"], "title": f"Invitation: {label}"}
        # Who else is invited, as this reader may be told (documents/recipients.py): not every invitee and role.
        ctx["meeting"] = {**meeting_ctx, "invitees": recipients.invitee_list(case, meeting, person)}
        ctx["pronouns"] = pronouns
        own = bring_for.get(person["name"].casefold())
        if own is None:
            own = next((items for alias in _aliases(person) if (items := bring_for.get(alias)) is not None), None)
        if reader == "child":
            bring = own or []  # the family's and professionals' lists are not for the child (only their own)
        elif own is not None:
            bring = own + list(meeting.get("bring") or [])
        else:
            bring = (list(person.get("bring") or []) or list(meeting.get(f"bring_{variant}") or [])) + list(
                meeting.get("bring") or []
            )
            bring = bring or [b.format(known_as=known_as, **pronouns) for b in DEFAULT_BRING[variant]]
        adjustments = list(person.get("adjustments") or [])
        if person.get("communication_needs") and not adjustments:
            example = (
                f"{sw_first} will come and explain this letter to you."
                if reader == "child"
                else f"{sw_first} will phone you to go through this letter."
            )
            where = "child.adjustments" if reader == "child" else "'adjustments' under their entry"
            warnings.append(
                f"{person['name']} has communication needs in the case file, which are a note for staff and are not "
                f'printed in the letter ({slug}). Write what you will do for them in {where} (e.g. "{example}") '
                "so their letter says it."
            )
        # The staff note (communication_needs) is deliberately not in the recipient's context: it never reaches
        # the person's own letter.
        ctx["recipient"] = {
            "name": person["name"],
            "salutation": salutation(person),
            "relationship": person["relationship"],
            "variant": variant,
            "group": person["group"],
            "agency": person.get("agency"),
            "address_lines": person.get("address_lines") or [],
            "language": person.get("language"),
            "interpreter_needed": bool(person.get("interpreter_needed")),
            "adjustments": adjustments,
            "lives_abroad": bool(person.get("lives_abroad")),
            "is_child": reader == "child",
        }
        ctx["bring"] = bring
        is_health = person.get("agency_type") == "health"
        ctx["health_report"] = deadline_context(health) if (health and is_health) else None
        ctx["professional_written_update"] = variant == "professional"
        ctx["family_network"] = meeting["type"] == "family_network"
        if reader == "child":
            ctx["doc"]["template"] = "invitation-child"
            ctx["letter"], child_warnings = child_letter(common, meeting_ctx, data["child"])
            warnings += child_warnings
        outputs.append(Output(ctx, [meeting["date"].isoformat(), slug], addressed_to=[person["name"]], reader=reader))
    return Built(outputs, warnings)


def in_sentence(label: str) -> str:
    """'Initial Child in Need meeting' -> 'initial Child in Need meeting' (names and abbreviations keep capitals)."""
    first = label.split(" ", 1)[0]
    if first in ("Child", "Children's") or first.isupper():
        return label
    return label[:1].lower() + label[1:]


def with_article(text: str) -> str:
    """'an initial Child in Need meeting', 'a Child in Need meeting'."""
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"


def salutation(person: dict) -> str:
    """'Dear …': the case file's salutation, else the name the person prefers, else their name ('Dr Imran Siddiqui'
    is greeted as 'Dr Siddiqui', as a letter would)."""
    if person.get("salutation") or person.get("preferred_name"):
        return person.get("salutation") or person["preferred_name"]
    words = person["name"].split()
    if len(words) >= 3 and words[0].casefold().rstrip(".") in _TITLES:
        return f"{words[0]} {words[-1]}"
    return person["name"]


def child_pronouns(child: dict, known_as: str) -> dict:
    """she/her, he/him or they/them from the file (pronouns, else an explicit gender); otherwise the child's name."""
    chosen = child.get("pronouns") or _GENDER_PRONOUNS.get((child.get("gender") or "").strip().casefold())
    if chosen:
        return dict(PRONOUNS[chosen])
    return {"they": known_as, "them": known_as, "their": f"{known_as}'s"}


def _letters(
    invited: list[dict], meeting: dict, signer: str, blocked: dict, paths: dict
) -> tuple[list[tuple[dict, str, str]], list[tuple[str, str]]]:
    """(person, reader, file-name part) for each invitee who gets a letter, and who does not with the reason.

    The file-name part is a neutral number by kind of reader ("family-2", "professional-3", "child"), counted in the
    order of the meeting's invitees, so `--recipient` gives the same name as a full run.
    """
    chair = (meeting.get("chair") or "").casefold()
    letters, skipped, counts, seen = [], [], {"family": 0, "professional": 0}, set()
    for person in invited:
        if id(person) in seen:
            continue
        seen.add(id(person))
        folded = set(_aliases(person))
        if disclosure.key_of(person) in blocked:  # the disclosure rules: nothing is sent to them
            skipped.append(
                (
                    person["name"],
                    f"marked 'do not send' in the case file ({paths[disclosure.key_of(person)]}.do_not_send)",
                )
            )
            continue
        if signer.casefold() in folded:
            skipped.append((person["name"], "the social worker who signs the letters"))
            continue
        if chair and chair in folded:
            skipped.append((person["name"], "the chair"))
            continue
        if person["group"] == "child":
            letters.append((person, "child", "child"))
            continue
        reader = person["variant"]
        counts[reader] += 1
        letters.append((person, reader, f"{reader}-{counts[reader]}"))
    return letters, skipped


def _aliases(person: dict) -> list[str]:
    """Every name the case file uses for the person, case-folded: name, preferred name, salutation, first name."""
    names = [person["name"], person.get("preferred_name"), person.get("salutation")]
    if person["group"] == "child":
        names.append(person["name"].split(" ")[0])
    else:
        words = [w for w in re.split(r"\s+", person["name"].strip()) if w.casefold().rstrip(".") not in _TITLES]
        if len(words) > 1:
            names += [words[0], " ".join(words)]
    return [" ".join(n.split()).casefold() for n in names if n]


def _match_recipient(wanted: str, letters: list, skipped: list) -> list:
    key = " ".join(wanted.split()).casefold()
    found = [entry for entry in letters if key in _aliases(entry[0])]
    if len(found) == 1:
        return found
    if not found:
        for name, why in skipped:
            if key == name.casefold():
                raise RenderError(f"{name} gets no invitation to this meeting: they are {why}.")
    names = "; ".join(entry[0]["name"] for entry in (found or letters))
    if found:
        raise RenderError(
            f"--recipient matches more than one person invited to this meeting: {names}. "
            "Give their full name as written in the case file."
        )
    raise RenderError(
        f"--recipient does not match anyone who gets a letter for this meeting. They are: {names}. "
        "Give a name the case file uses for the person (full name, first name or preferred name)."
    )


def child_letter(common: dict, meeting: dict, child: dict) -> tuple[dict, list[str]]:
    """What the child's own letter says, for the child's age on the day of the meeting (one wording, both formats)."""
    known_as = common["child"]["known_as"]
    sw = common["social_worker"]["name"]
    age = age_on(child.get("date_of_birth"), meeting["date"])
    band = age_band(age)
    speaks = child.get("uses_speech", True)
    own_ways = list(child.get("ways_to_take_part") or [])
    warnings = []
    part = {
        "under-8": "Come to the meeting with your grown-up, or just for a little while.",
        "8-12": "Come to the meeting, or come for part of it.",
        "13-plus": "Come to the meeting, for all of it or just for part of it.",
    }[band]
    advocate = {
        "under-8": "Someone called an advocate can help you tell us what you think. Just ask.",
        "8-12": "Have an advocate: someone who is not a social worker, who helps you say what you think.",
        "13-plus": "Ask for an advocate: someone independent of children's services who can help you say "
        "what you want, or say it for you.",
    }[band]
    if speaks:
        ways = (
            own_ways
            + [part]
            + {
                "under-8": [
                    "Draw a picture for us to look at in the meeting.",
                    f"Tell {sw} what you think before the meeting.",
                ],
                "8-12": [
                    "Draw a picture or write a message, and we will share it at the meeting.",
                    f"Talk to {sw} before the meeting.",
                ],
                "13-plus": [
                    "Write down what you think, or send a message, a drawing or a voice note: it will be read "
                    "out or shown at the meeting.",
                    f"Talk to {sw} before the meeting, on your own if you prefer.",
                ],
            }[band]
            + [advocate]
        )
    else:
        if not own_ways:
            warnings.append(
                f"{known_as} does not use speech (child.uses_speech is false) and the case file lists no ways for "
                f"{known_as} to take part (child.ways_to_take_part): the letter offers only coming to the meeting "
                "and an advocate. Add the ways that work for the child, written to them."
            )
        ways = own_ways + [
            part,
            {
                "under-8": "Someone called an advocate can help people understand what you want to say.",
                "8-12": "Have an advocate: someone who is not a social worker, who gets to know "
                "how you communicate and helps people understand what you want.",
                "13-plus": "Ask for an advocate: someone independent of children's services who "
                "gets to know how you communicate and makes sure what you want is "
                "heard.",
            }[band],
        ]
    # Short sentences, grouped into short paragraphs.
    about = {
        "under-8": [
            "Some grown-ups who help you and your family are going to have a meeting. We will talk about how "
            "things are going for you, and what could make things better.",
            "We want to know what you think.",
        ],
        "8-12": [
            "We are having a meeting about you and the help your family gets. Your family and some of the "
            "people who help you will be there.",
            "We will talk about what is going well, what is hard, and what should happen next. This meeting is "
            "about you, so we want to know what you think.",
        ],
        "13-plus": [
            f"This is {meeting['a_label']} about you and the support you and your family get. We will look "
            "at what is going well, what is not, and what should happen next.",
            "It is your meeting too: what you think matters, and it will be part of the plan.",
        ],
    }[band]
    safety = (
        "If you tell us something that makes us worried about your safety, we may need to tell other people, "
        "to keep you safe."
    )
    happens = {
        "under-8": [
            f"Everyone at the meeting will listen to what you think. Afterwards, {sw} will tell you what the "
            "grown-ups decided."
        ],
        "8-12": [
            "What you tell us will be shared at the meeting and written down in the notes. It will help us "
            f"decide what happens next. Afterwards, {sw} will tell you what was decided and why.",
            safety,
        ],
        "13-plus": [
            "Your views will be shared at the meeting and written in the record, in your own words if you "
            "want. They will be taken into account when the plan is made. If something you ask for cannot "
            f"happen, {sw} will explain why. You can ask to see what was written about the meeting.",
            safety,
        ],
    }[band]
    if not speaks:
        happens = [
            h.replace("What you tell us", "What you show us").replace("If you tell us", "If you show us")
            for h in happens
        ]
    reply_by = f" by {longdate(meeting['reply_by'])}" if meeting.get("reply_by") else ""
    if not speaks:
        reply = f"Someone who knows you well can let {sw} know{reply_by} if you would like to come, and how."
    else:
        reply = {
            "under-8": f"Your grown-up can tell {sw}{reply_by} if you would like to come.",
            "8-12": f"Please tell {sw}{reply_by} if you would like to come, or ask a grown-up at home to tell "
            f"{sw} for you.",
            "13-plus": f"Let {sw} know{reply_by} whether you want to come, and how you would like to take "
            "part. You can phone, text or email.",
        }[band]
    heading = {
        "under-8": ("A meeting about you, ", ""),
        "8-12": ("A meeting about you, ", ""),
        "13-plus": ("", f": your {meeting['in_sentence']}"),
    }[band]
    when = longdate(meeting["date"])
    if meeting.get("time"):
        when += f", {time12(meeting['time'])}" + (
            f" to {time12(meeting['end_time'])}" if meeting.get("end_time") else ""
        )
    remote = meeting.get("remote")
    join = ""
    if remote:
        how = {"phone": "by phone", "video": "by video call"}.get(remote["how"], "by phone or video call")
        join = f"You can also join {how}: {sw} will tell you how." if meeting.get("venue") else ""
    where = meeting.get("venue") or {"phone": "By phone", "video": "By video call"}.get(
        remote["how"] if remote else "", "By phone or video call"
    )
    return {
        "band": band,
        "age": age,
        "where": where,
        "join": join,
        "heading_before": heading[0],
        "heading_after": heading[1],
        "about": about,
        "ways": ways,
        "happens": happens,
        "reply": reply,
        "when": when,
        "chair_line": (
            f"{meeting['chair']} will run the meeting and make sure everyone listens." if meeting.get("chair") else ""
        ),
        "signoff": "From" if band == "under-8" else "Best wishes,",
    }, warnings


def age_band(age: int | None) -> str:
    """The child's letter is written for under 8s, 8 to 12s or 13 and over (age on the day of the meeting)."""
    if age is None:
        return "8-12"
    return "under-8" if age < 8 else "8-12" if age < 13 else "13-plus"


def _convened_by_other_authority(case, meeting: dict, index: int) -> tuple[dict, dict] | None:
    """(letterhead authority, signing social worker) when the receiving authority convenes the meeting."""
    transfer = case.data.get("transfer") or {}
    if meeting["type"] != "transfer_in" or transfer.get("direction", "in") != "out":
        return None
    receiving, worker = transfer.get("receiving_authority"), transfer.get("receiving_social_worker")
    if not receiving or not worker:
        raise RenderError(
            f"Meeting {index} is the transfer-in CIN meeting of the authority the family has moved to "
            "(transfer.direction is out), so its invitations come from that authority, not from yours. To produce "
            "them on its letterhead and signed by its social worker, add transfer.receiving_authority and "
            "transfer.receiving_social_worker; otherwise ask the receiving authority to send them."
        )
    authority = complete(model.Authority, receiving)
    authority["logo"] = authority["logo_path"] = None  # our logo is not theirs
    return authority, complete(model.Worker, worker)


def _date_warnings(case, meeting: dict, index: int, as_of: dt.date) -> list[str]:
    """A meeting already held; a reply-by date before the letters' date or after the meeting."""
    out = []
    where = f"meetings[{index}]"
    if meeting["date"] < as_of:
        out.append(
            f"Meeting {index} was on {longdate(meeting['date'])}, before these letters' date "
            f"({longdate(as_of)}): these are invitations to a meeting already held. Choose a planned meeting "
            "with --meeting, or date the letters with --as-of."
        )
    if as_of.weekday() >= 5:
        out.append(
            f"These letters are dated {longdate(as_of)}, a weekend: date them on the day they will be sent "
            "with --as-of (e.g. --as-of " + (as_of + dt.timedelta(days=7 - as_of.weekday())).isoformat() + ")."
        )
    reply_by = meeting.get("reply_by")
    if reply_by and reply_by < as_of:
        out.append(
            f"The reply-by date ({longdate(reply_by)}) is before the letters' date ({longdate(as_of)}). "
            f"Change {where}.reply_by to a date after the letters are sent."
        )
    if reply_by and reply_by > meeting["date"]:
        out.append(
            f"The reply-by date ({longdate(reply_by)}) is after the meeting ({longdate(meeting['date'])}). "
            f"Change {where}.reply_by to a date before the meeting."
        )
    return out


def _attendance_warnings(case, meeting: dict, index: int, everyone: dict) -> list[str]:
    """Hertfordshire 2.2: a school-age child's meeting outside school time; the Children's Guardian under care
    proceedings. Both are good practice anywhere, so they are checked under every policy."""
    out = []
    data = case.data
    herts = case.profile["name"] == "hertfordshire"
    invited = [everyone[n.casefold()] for n in meeting["invitees"]]
    child = data["child"]
    age = age_on(child.get("date_of_birth"), meeting["date"])
    school_age = (5 <= age <= 15) if age is not None else bool(child.get("school"))
    start = meeting.get("time")
    if any(p["group"] == "child" for p in invited) and school_age and start and meeting["date"].weekday() < 5:
        end = meeting.get("end_time") or (dt.datetime.combine(meeting["date"], start) + dt.timedelta(hours=1)).time()
        if start < SCHOOL_DAY[1] and end > SCHOOL_DAY[0]:
            known_as = child.get("preferred_name") or child["first_name"]
            out.append(
                f"Meeting {index} is at {time(start)} on {longdate(meeting['date'])}, in school time, and "
                f"{known_as}{f' (aged {age})' if age is not None else ''} is invited. "
                + (
                    f'Hertfordshire 2.2: "{HERTS_SCHOOL_TIME}." '
                    if herts
                    else "A school-age child's meeting should, wherever possible, be outside school time. "
                )
                + "Move it, or record why it cannot be (ignore this if it falls in the school holidays)."
            )
    if (
        not any(p["group"] == "child" for p in invited)
        and age is not None
        and age >= 5
        and not meeting.get("child_not_invited_reason")
        and meeting["type"] != "panel"
    ):
        known_as = child.get("preferred_name") or child["first_name"]
        out.append(
            f"{known_as} (aged {age}) is not invited to meeting {index}. "
            + (
                'Hertfordshire 2.2: the child should attend depending on age and understanding, and "if the child '
                "does not wish to attend or it is not considered appropriate, the reasons for this should be "
                'recorded". '
                if herts
                else ""
            )
            + f"Invite {known_as}, or record why not in meetings[{index}].child_not_invited_reason."
        )
    if (data.get("plan") or {}).get("care_proceedings"):
        guardian = any(
            re.search(
                r"children.s guardian|cafcass", f"{p.get('relationship') or ''} {p.get('agency') or ''}", re.IGNORECASE
            )
            for p in invited
        )
        if not guardian:
            out.append(
                f"The plan says the child is subject of care proceedings, but no Children's Guardian is invited to "
                f"meeting {index}. "
                + (f'Hertfordshire 2.2: "{HERTS_GUARDIAN}." ' if herts else "")
                + "Add the Guardian under professionals (role: Children's Guardian, agency: Cafcass) and to the "
                "meeting's invitees."
            )
    return out


def _late_meeting_warnings(case, meeting: dict, index: int, deadlines: list[Deadline]) -> list[str]:
    """A planned meeting dated after the deadline it should meet (from the profile rule it satisfies)."""
    rules = {r["key"]: r for r in case.profile["rules"]}
    out = []
    for d in deadlines:
        sat = rules[d.rule].get("satisfied_by") or {}
        if (
            sat.get("event") == "meeting"
            and meeting["type"] in sat.get("types", [])
            and d.status in ("open", "overdue")
            and meeting["date"] > d.due
            and meeting["date"] > d.from_date
        ):
            out.append(
                f"Meeting {index} ({case.profile['meeting_labels'][meeting['type']]}) is planned for "
                f"{longdate(meeting['date'])}, after its deadline of {longdate(d.due)} "
                f"({d.explanation()}). The letters were still produced."
            )
    return out

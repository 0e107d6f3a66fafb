"""What every document's context holds (authority, child, case, workers, people) and helpers shared by the kinds."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import marshmallow as ma
from marshmallow import fields

from ..errors import RenderError
from ..models import case as model
from ..policies.engine import Deadline

#: A plan action's status and a meeting's progress rating, in words (plan, review record, case and closing summaries).
ACTION_STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "achieved": "Achieved",
    "partly_achieved": "Partly achieved",
    "not_achieved": "Not achieved",
}
RATING_WORDS = {k: ACTION_STATUS_LABELS[k] for k in ("achieved", "partly_achieved", "not_achieved")}
#: How a child's views were given (views.format), in words: the panel and closing summaries.
VIEW_FORMATS = {
    "talking": "told to the social worker",
    "writing": "written",
    "drawing": "a drawing",
    "advocate": "through an advocate",
    "other": "recorded",
}


def complete(schema: ma.Schema | type, data: dict | None) -> dict | None:
    """`data` with every optional field of `schema` present (None, or [] for lists), so templates can be strict."""
    if data is None:
        return None
    schema = schema() if isinstance(schema, type) else schema
    out = dict(data)
    for name, field in schema.fields.items():
        value = data.get(name)
        if isinstance(field, fields.Nested):
            nested = field.nested() if callable(field.nested) and not isinstance(field.nested, type) else field.nested
            # The case models nest Schema classes or instances only (never a name or a dict of fields).
            out[name] = complete(cast(ma.Schema | type, nested), value) if value is not None else None
        elif isinstance(field, fields.List):
            inner = field.inner
            if isinstance(inner, fields.Nested):
                out[name] = [complete(cast(ma.Schema | type, inner.nested), v) for v in (value or [])]
            else:
                out[name] = list(value or [])
        else:
            out[name] = value
    return out


def age_on(dob: dt.date | None, on: dt.date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def child_context(data: dict, on: dt.date) -> dict:
    child = complete(model.Child, data["child"])
    child["full_name"] = f"{child['first_name']} {child['last_name']}"
    child["known_as"] = child["preferred_name"] or child["first_name"]
    child["age"] = age_on(child["date_of_birth"], on)
    return child


def authority_context(case) -> dict:
    """The profile's authority, overridden by the user's configuration, then by the case file."""
    merged: dict[str, Any] = {}
    for source in (case.profile.get("authority"), case.config.get("authority"), case.data.get("authority")):
        for key, value in (source or {}).items():
            if value not in (None, [], ""):
                merged[key] = value
    authority = complete(model.Authority, merged)
    from ..logo import resolve_logo

    logo = resolve_logo(case)  # read from the folder of the file that names it; a small PNG/JPEG, checked
    authority["logo"] = logo.as_uri() if logo else None
    authority["logo_path"] = str(logo) if logo else None
    return authority


def worker(data: dict | None) -> dict | None:
    return complete(model.Worker, data)


def people(case) -> dict[str, dict]:
    """Everyone named in the case file, by case-folded name and by `id`, with what kind of person they are.

    A name that two people share (validation then demands ids) finds neither of them: only their ids do.
    """
    data = case.data
    out: dict[str, dict] = {}
    entries: dict[int, dict] = {}  # id() of the person in the case data -> their entry, for the ids below
    for member in data.get("family", []):
        out[member["name"].casefold()] = entries[id(member)] = {
            **complete(model.FamilyMember, member),
            "group": "family",
            "variant": "family",
        }
    for member in data.get("network", []):
        out[member["name"].casefold()] = entries[id(member)] = {
            **complete(model.FamilyMember, member),
            "group": "network",
            "variant": "family",
        }
    for prof in data.get("professionals", []):
        out[prof["name"].casefold()] = entries[id(prof)] = {
            **complete(model.Professional, prof),
            "group": "professional",
            "variant": "professional",
            "relationship": prof["role"],
        }
    for key, role in (
        ("social_worker", "Social Worker"),
        ("line_manager", "Line Manager"),
        ("team_manager", "Team Manager"),
    ):
        if data.get(key):
            w = worker(data[key])
            entries[id(data[key])] = {
                **w,
                "group": "worker",
                "variant": "professional",
                "relationship": w["role"] or role,
                "agency": w.get("agency") or (case.data.get("authority") or case.profile["authority"])["name"],
                "agency_type": "social_care",
            }
            out.setdefault(w["name"].casefold(), entries[id(data[key])])
    receiving = (case.data.get("transfer") or {}).get("receiving_authority") or {}
    for key, role in (("receiving_social_worker", "Social Worker"), ("receiving_manager", "Team Manager")):
        if (data.get("transfer") or {}).get(key):
            w = worker(data["transfer"][key])
            entries[id(data["transfer"][key])] = {
                **w,
                "group": "worker",
                "variant": "professional",
                "relationship": w["role"] or role,
                "agency": w.get("agency") or receiving.get("name"),
                "agency_type": "social_care",
            }
            out.setdefault(w["name"].casefold(), entries[id(data["transfer"][key])])
    child = data["child"]
    child_entry = {
        "name": f"{child['first_name']} {child['last_name']}",
        "group": "child",
        "variant": "family",
        "relationship": "Child",
        "address_lines": child.get("address_lines", []),
        "phone": None,
        "email": None,
        "language": child.get("first_language"),
        "interpreter_needed": False,
        "communication_needs": child.get("communication_needs"),
        "lives_abroad": False,
        "parental_responsibility": False,
        "lives_with_child": True,
        "preferred_name": child.get("preferred_name") or child["first_name"],
        "salutation": child.get("preferred_name") or child["first_name"],
        "adjustments": list(child.get("adjustments") or []),
    }
    for name in (child_entry["name"], child["first_name"], child.get("preferred_name")):
        if name:
            out.setdefault(name.casefold(), child_entry)
    from ..models.case import _listed_people, _shared_names

    for shared in _shared_names(data):
        out.pop(shared, None)
    for _, person, _ in _listed_people(data):
        if person.get("id"):
            out[person["id"].casefold()] = entries[id(person)]
    return out


def deadline_context(d: Deadline) -> dict:
    """A deadline as templates see it (the engine's values, never re-derived)."""
    return {
        "rule": d.rule,
        "label": d.label,
        "due": d.due,
        "due_time": d.due_time,
        "ref": d.ref,
        "status": d.status,
        "basis": d.basis,
        "moved": d.moved,
        "explanation": d.explanation(),
        "source": d.source,
        "satisfied_on": d.satisfied_on,
        "policy_note": d.note,
    }


def find(deadlines: list[Deadline], rule: str, ref: str | None = None) -> Deadline | None:
    """The deadline of a rule (for an item); never a past window kept on the record (a lapse)."""
    return next((d for d in deadlines if d.rule == rule and (ref is None or d.ref == ref) and not d.lapse), None)


#: The heading documents give the deadlines that are on the record, not things to do (timescales.md, Lifecycle).
HISTORY_HEADING = "History: on the record, not things to do"
HISTORY_EMPTY = "Nothing came late or was missed."


def history_context(deadlines: list[Deadline]) -> list[dict]:
    """Lapses (a visit, meeting or review that came after its window closed) and what the plan ended without."""
    from ..render.filters import longdate

    out = []
    for d in deadlines:
        if d.history:
            what = (
                f"Came late, on {longdate(d.satisfied_on)}"
                if d.status == "late"
                else "Missed: the plan ended without it"
            )
            out.append({**deadline_context(d), "what_happened": what})
    return out


def base_context(case, kind: str, title: str, as_of: dt.date) -> dict:
    """The keys every template may use (see templates/html/base.html and scripts/docx_builder.py)."""
    data = case.data
    return {
        "doc": {
            "kind": kind,
            "title": title,
            "produced": as_of,
            "policy": case.profile["name"],
            "policy_label": case.profile["label"],
            "policy_document": case.profile["document"],
        },
        "authority": authority_context(case),
        "child": child_context(data, as_of),
        "case_id": data["case_id"],
        "support": data["support"],
        "social_worker": worker(data.get("social_worker")),
        "line_manager": worker(data.get("line_manager")),
        "team_manager": worker(data.get("team_manager")),
        "meeting_labels": dict(case.profile["meeting_labels"]),
        # Set by api.render: the --allow-disclosure warning line, and the note on a redacted copy.
        "disclosure": {"warning": None, "copy_note": None},
    }


def require(data: dict, what: str, *paths: str) -> None:
    """Refuse to render when a section the document needs is missing, naming every missing one."""
    from ..policies.engine import get_path

    missing = [p for p in paths if get_path(data, p) in (None, [], "")]
    if missing:
        raise RenderError(
            f"The {what} cannot be produced: the case file has no {', '.join(missing)}. "
            "Add the missing section(s) and run the command again."
        )


def meeting_index(
    case, ref: str | None, as_of: dt.date, *, held: bool | None = None, types: tuple[str, ...] | None = None
) -> int:
    """Pick a meeting by --meeting (index or YYYY-MM-DD); default the next planned (or the latest held) one."""
    meetings = case.data.get("meetings", [])
    candidates = [(i, m) for i, m in enumerate(meetings) if types is None or m["type"] in types]
    if ref is not None:
        ref = str(ref).strip()
        if ref.isascii() and ref.isdigit():  # "²" and "٣" are digits to str.isdigit, not meeting numbers
            i = int(ref)
            if 0 <= i < len(meetings) and (types is None or meetings[i]["type"] in types):
                return i
            raise RenderError(
                f"There is no suitable meeting number {ref}: the case file's meetings are numbered "
                f"0 to {len(meetings) - 1}{_listing(candidates)}."
            )
        try:
            wanted = dt.date.fromisoformat(ref)
        except ValueError:
            raise RenderError("--meeting takes a meeting's number (0, 1, ...) or its date (YYYY-MM-DD).") from None
        found = [i for i, m in candidates if m["date"] == wanted]
        if len(found) == 1:
            return found[0]
        raise RenderError(
            f"{'No' if not found else 'More than one'} suitable meeting is dated {ref}"
            f"{_listing(candidates)}. Give the meeting's number instead."
        )
    if held is not True:
        planned = sorted((m["date"], i) for i, m in candidates if m["date"] > as_of)
        if planned:
            return planned[0][1]
    if held is not False:
        past = sorted((m["date"], i) for i, m in candidates if m["date"] <= as_of)
        if past:
            return past[-1][1]
    which = {False: "planned ", True: "held "}.get(held, "")
    raise RenderError(
        f"The case file has no {which}meeting "
        f"this document can be made for{_listing(candidates)}. Add one under meetings, or choose one "
        "with --meeting."
    )


def _listing(candidates) -> str:
    if not candidates:
        return ""
    return " (" + "; ".join(f"{i}: {m['type']} on {m['date'].isoformat()}" for i, m in candidates) + ")"

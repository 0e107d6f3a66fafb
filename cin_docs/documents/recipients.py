"""Who receives each document, and who each letter says is invited: one place, honouring the disclosure rules.

- A person marked `do_not_send` gets no letter and is on no distribution list.
- Someone the document would show something withheld from gets the redacted copy (`--copy family` or `--copy professional`)
  instead of the full document: the distribution list says so, and the full document is not addressed to them.
- Letters name the chair, the social worker and, for a family reader, who else from the family is invited; a
  professional sees the professionals invited. Professionals appear in family letters only when the case file's
  `sharing.family_letters_list_professionals` says so, and a domestic-abuse service only for the family members its
  `may_be_named_to` lists.
- A plan's own `distribution:` list is used as written when there is one (the disclosure check then stops the plan
  if it names someone something in it is withheld from).
"""

from __future__ import annotations

import re

from ..checks import disclosure
from .common import people

FAMILY_GROUPS = disclosure.FAMILY_GROUPS
COPY_NOTE = {
    "family": "gets the family copy, with withheld items removed",
    "professional": "gets the professionals' copy, with withheld items removed",
}


def reader_of(person: dict) -> str:
    """The kind of reader a letter to this person is written for."""
    if person["group"] == "child":
        return "child"
    return "family" if person["group"] in FAMILY_GROUPS else "professional"


def _blocked(case) -> dict[str, dict]:
    return disclosure.do_not_send(case)


def _paths(case) -> dict[str, str]:
    return disclosure.person_paths(case)


def _copy_for(case, person: dict, shown: str) -> str | None:
    """'family' or 'professional' when this person must get the redacted copy rather than the full document (which
    shows `shown`, from disclosure.context_text)."""
    if not disclosure.withheld_in(case, person, shown):
        return None
    return "family" if person["group"] in FAMILY_GROUPS else "professional"


# ---- invitations -------------------------------------------------------------------------------------------------


def invitation_recipients(case, meeting: dict, index: int) -> tuple[list[dict], list[str]]:
    """The invitees who get a letter (people entries), and warnings for those who get none."""
    everyone = people(case)
    blocked, paths = _blocked(case), _paths(case)
    out, warnings, seen = [], [], set()
    for name in meeting["invitees"]:
        person = everyone[name.casefold()]
        key = disclosure.key_of(person)
        if key in seen:
            continue
        seen.add(key)
        if key in blocked:
            warnings.append(
                f"Meeting {index}: {person['name']} is invited but is marked 'do not send' in the case file "
                f"({paths[key]}.do_not_send): no letter was made for them, and no other letter names them."
            )
            continue
        out.append(person)
    return out, warnings


def invitee_list(case, meeting: dict, recipient: dict) -> list[dict]:
    """Who else is invited, as this recipient's letter lists them: {name, relationship, agency}."""
    everyone = people(case)
    blocked = _blocked(case)
    reader = reader_of(recipient)
    family_reader = reader in ("family", "child")
    list_professionals = bool((case.data.get("sharing") or {}).get("family_letters_list_professionals"))
    named_da = {
        r.path
        for r in disclosure.restrictions(case)
        if r.letters_only and disclosure.key_of(recipient) in r.withheld_from
    }
    prof_index = {disclosure.key_of(p): i for i, p in enumerate(case.data.get("professionals", []))}

    out: list[dict] = []
    seen = {recipient["name"].casefold()}

    def add(name: str, relationship: str | None, agency: str | None) -> None:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append({"name": name, "relationship": relationship, "agency": agency})

    chair = meeting.get("chair")
    chair = (everyone[chair.casefold()]["name"] if chair.casefold() in everyone else chair) if chair else None
    sw = (case.data.get("social_worker") or {}).get("name")
    if chair:
        add(chair, "Chair and social worker" if sw and chair.casefold() == sw.casefold() else "Chair", None)
    if sw:
        add(sw, "Social worker", None)
    for name in meeting["invitees"]:
        person = everyone[name.casefold()]
        key = disclosure.key_of(person)
        if key in blocked:
            continue
        in_family = person["group"] in FAMILY_GROUPS
        if family_reader:
            if in_family:
                add(person["name"], person["relationship"], None)
            elif list_professionals and f"professionals[{prof_index.get(key)}]" not in named_da:
                add(person["name"], person["relationship"], person.get("agency"))
        elif not in_family:
            add(person["name"], person["relationship"], person.get("agency"))
    return out


# ---- distribution lists ------------------------------------------------------------------------------------------


def names_in(case, line: str) -> list[str]:
    """The people a line of free text names (any name the case file uses for them), as their full names."""
    everyone = people(case)
    text = line.casefold()
    found: list[str] = []
    for alias in sorted(everyone, key=len, reverse=True):
        if re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text):
            name = everyone[alias]["name"]
            if name not in found:
                found.append(name)
            text = re.sub(rf"(?<!\w){re.escape(alias)}(?!\w)", " ", text)
    return found


def plan_distribution(case, plan: dict, known_as: str, shown: str) -> tuple[list[str], list[str], list[int]]:
    """(the plan's distribution lines, the names of those who get the full plan, the numbers of the plan's own lines
    that name nobody in the case file, whom the disclosure check therefore cannot check).

    The plan's own list when it has one; else parents with parental responsibility, the child, the agencies (without
    anyone marked do not send; anyone something is withheld from gets the redacted copy). The Children's Guardian
    whenever there are care proceedings (Hertfordshire §2.2: "... and the Children's Guardian if the child is
    subject of Care Proceedings")."""
    data = case.data
    lines = list(plan["distribution"])
    addressed: list[str] = []
    unknown: list[int] = []
    if lines:
        for i, line in enumerate(lines):
            named = names_in(case, line)
            addressed.extend(named)
            if not named and "guardian" not in line.casefold():
                unknown.append(i)
    else:
        everyone = people(case)
        blocked = _blocked(case)

        def add(person: dict, line: str) -> None:
            if disclosure.key_of(person) in blocked:
                return
            copy = _copy_for(case, everyone.get(disclosure.key_of(person), person), shown)
            if copy:
                lines.append(f"{line} – {COPY_NOTE[copy]}")
            else:
                lines.append(line)
                addressed.append(person["name"])

        for member in data.get("family", []):
            if member.get("parental_responsibility"):
                add(member, f"{member['name']} ({member['relationship']})")
        child = everyone[known_as.casefold()] if known_as.casefold() in everyone else None
        if child is not None:
            add(child, f"{known_as} (depending on age and understanding)")
        for prof in data.get("professionals", []):
            add(prof, f"{prof['name']}, {prof['role']}, {prof['agency']}")
    if plan["care_proceedings"] and not any("guardian" in line.casefold() for line in lines):
        lines.append("The Children's Guardian (care proceedings)")
    return lines, addressed, unknown


def record_distribution(case, meeting: dict, child: dict, shown: str) -> tuple[list[dict], list[str]]:
    """(rows {name, role, agency, note} of a meeting record's distribution, names of those who get the full record).

    Parents with parental responsibility, the child, every participant, and the Children's Guardian if needed;
    never anyone marked do not send; anyone something is withheld from is down for the redacted copy."""
    everyone = people(case)
    blocked = _blocked(case)
    rows: list[dict] = []
    addressed: list[str] = []
    seen: set[str] = set()

    def add(
        name: str, role: str | None, agency: str | None, note: str | None = None, person: dict | None = None
    ) -> None:
        key = name.casefold()
        person = person or everyone.get(key)
        if person is not None:
            key = disclosure.key_of(person)
        if key in seen or key in blocked:
            return
        seen.add(key)
        copy = _copy_for(case, person, shown) if person is not None else None
        if copy:
            note = f"{note}; {COPY_NOTE[copy]}" if note else COPY_NOTE[copy]
        else:
            addressed.append(name)
        rows.append({"name": name, "role": role, "agency": agency, "note": note})

    for member in case.data.get("family", []):
        if member.get("parental_responsibility"):
            add(
                member["name"],
                member["relationship"],
                None,
                "parent with parental responsibility",
                everyone.get(disclosure.key_of(member)),
            )
    age = child["age"]
    if age is None:
        child_note = "a copy depending on age and understanding"
    elif age >= 12:
        child_note = f"aged {age}: their own copy"
    else:
        child_note = f"aged {age}: a version suited to their age and understanding, talked through by the social worker"
    add(child["full_name"], "Child", None, child_note)
    names = meeting["attendees"] + meeting["apologies"] + [r["by"] for r in meeting["reports_received"]]
    for name in names:
        person = everyone.get(name.casefold())
        if person is None:
            add(name, None, None)
            continue
        if person["group"] == "child":
            continue
        note = (
            "attended"
            if name in meeting["attendees"]
            else "sent apologies"
            if name in meeting["apologies"]
            else "sent a written report"
        )
        agency = person.get("agency") or {"family": "Family", "network": "Family network"}.get(person["group"])
        add(person["name"], person.get("relationship"), agency, note, person)
    if (case.data.get("plan") or {}).get("care_proceedings"):
        guardian = next((p for p in case.data.get("professionals", []) if "guardian" in p["role"].casefold()), None)
        if guardian:
            add(guardian["name"], guardian["role"], guardian["agency"], "the child is subject to care proceedings")
        else:
            add("The Children's Guardian", "Children's Guardian", None, "the child is subject to care proceedings")
    return rows, addressed


def receiving_authority(case) -> list[str]:
    """The people a document sent to the receiving authority goes to (its social worker and manager)."""
    transfer = case.data.get("transfer") or {}
    return [transfer[k]["name"] for k in ("receiving_social_worker", "receiving_manager") if transfer.get(k)]


def apply_rules(case, rows: list[dict], shown: str, own_list: bool) -> tuple[list[dict], list[str]]:
    """A distribution list made elsewhere ({name, ..., note} rows), with the rules above: nobody marked do not send
    (unless the case file's own list names them: the disclosure check then stops the document), and the redacted
    copy for anyone the document (its context_text `shown`) holds something withheld from. Returns (rows, names of
    those who get the full document)."""
    everyone = people(case)
    blocked = _blocked(case)
    out, addressed = [], []
    for row in rows:
        person = everyone.get(row["name"].casefold())
        if person is not None and disclosure.key_of(person) in blocked and not own_list:
            continue
        copy = _copy_for(case, person, shown) if person is not None else None
        if copy:
            row = {**row, "note": f"{row['note']}; {COPY_NOTE[copy]}" if row.get("note") else COPY_NOTE[copy]}
        else:
            addressed.append(row["name"])
        out.append(row)
    return out, addressed

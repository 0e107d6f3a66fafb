"""The disclosure check: nothing a case file withholds from a person reaches a document addressed or sent to them.

What the case file can withhold (cin_docs/models/case.py): a person marked `do_not_send` gets nothing; an address with
`address_withheld_from` (a person's, the child's) or `transfer.new_address_withheld_from`; any free text written as
`{text: ..., withhold_from: [...]}`; whole sections listed in a plan's or meeting's `professionals_only` (withheld
from the family). A domestic-abuse service is never named in a letter to the family unless its `may_be_named_to`
says so (statutory review F15: invitations named a domestic-abuse service to both parents).

The check reads the text each format will actually show (the HTML the PDF is made from, and the Word file), so a
withheld address pasted into a discussion note is found as surely as the address field itself. Findings have the
same shape as the SMART check's: a level, the item's path in the case file, and a message that names the person but
never quotes the withheld content.
"""

from __future__ import annotations

import html as html_lib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models.case import withheld_items
from ..smart import ERROR, Finding

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from ..api import Case

FAMILY_GROUPS = ("family", "network", "child")
PROFESSIONAL_GROUPS = ("professional", "worker")
WITHHELD = "[withheld]"

#: Words that make a professional a domestic-abuse service when the case file does not say (domestic_abuse_service).
DOMESTIC_ABUSE_WORDS = re.compile(r"\b(domestic (abuse|violence)|refuge|idva|idvas|marac)\b", re.IGNORECASE)
#: A UK-style postcode on its own line, matched with or without its space.
POSTCODE = re.compile(r"^[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}$", re.IGNORECASE)
#: Shorter pieces of an address ("3") would match everywhere; they identify nothing on their own.
MIN_NEEDLE = 4


@dataclass(frozen=True)
class Restriction:
    """One thing the case file withholds: where it is in the file, what it is (in words), the text that gives it
    away, and the people (case-folded full names) it is withheld from."""

    path: str
    what: str
    needles: tuple[str, ...]
    withheld_from: frozenset[str]
    letters_only: bool = False
    described: str = ""  # who it is withheld from, as the case file says it ("Wayne Harker", "the family")


def norm(text: str) -> str:
    """Case-folded, whitespace folded to single spaces: how needles and document text are compared."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


# ---- who is who --------------------------------------------------------------------------------------------------


def _people(case: Case) -> dict[str, dict[str, Any]]:
    from ..documents.common import people

    return people(case)


def key_of(person: dict[str, Any]) -> str:
    """Who a person is, for these rules: their id when the file gives one (two people may share a name), else their
    full name; case-folded."""
    key: str = (person.get("id") or person["name"]).casefold()
    return key


def person_paths(case: Case) -> dict[str, str]:
    """A person's key (key_of) -> where the person is in the case file ('family[1]')."""
    out: dict[str, str] = {}
    for group in ("family", "network", "professionals"):
        for i, person in enumerate(case.data.get(group, [])):
            out.setdefault(key_of(person), f"{group}[{i}]")
    return out


def canonical(everyone: dict[str, dict[str, Any]], name: str) -> str | None:
    """The key (key_of) of the person `name` refers to (any name or id the file uses for them), else None."""
    found = everyone.get(str(name).strip().casefold())
    return key_of(found) if found else None


def group_members(everyone: dict[str, dict[str, Any]], groups: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key_of(p) for p in everyone.values() if p["group"] in groups)


def expand(everyone: dict[str, dict[str, Any]], names: Iterable[str]) -> frozenset[str]:
    """Names and the words 'family'/'professionals' as the set of people they mean."""
    out: set[str] = set()
    for name in names:
        word = str(name).strip().casefold()
        if word == "family":
            out |= group_members(everyone, FAMILY_GROUPS)
        elif word == "professionals":
            out |= group_members(everyone, ("professional",))
        else:
            key = canonical(everyone, name)
            if key:
                out.add(key)
    return frozenset(out)


def describe(everyone: dict[str, dict[str, Any]], names: Iterable[str]) -> str:
    """A withhold_from list in words: names as the case file has them, 'the family', 'the professionals'."""
    words = []
    for name in names:
        word = str(name).strip().casefold()
        if word in ("family", "professionals"):
            words.append(f"the {word}")
        else:
            key = canonical(everyone, name)
            words.append(everyone[key]["name"] if key else str(name))
    return _names(list(dict.fromkeys(words)))


def do_not_send(case: Case) -> dict[str, dict[str, Any]]:
    """A person's key (key_of) -> the person's entry, for everyone marked do_not_send."""
    return {
        key_of(p): p
        for group in ("family", "network", "professionals")
        for p in case.data.get(group, [])
        if p.get("do_not_send")
    }


def is_domestic_abuse_service(professional: dict[str, Any]) -> bool:
    flag = professional.get("domestic_abuse_service")
    if flag is not None:
        return bool(flag)
    return bool(DOMESTIC_ABUSE_WORDS.search(f"{professional.get('role') or ''} {professional.get('agency') or ''}"))


# ---- what is withheld --------------------------------------------------------------------------------------------


def _address_needles(lines: Iterable[str] | None) -> tuple[str, ...]:
    """The lines of an address that identify it: those with a number (house, flat, postcode); else the first line."""
    normed = [norm(line) for line in lines or [] if norm(line)]
    picked = [line for line in normed if re.search(r"\d", line)] or normed[:1]
    out: list[str] = []
    for line in picked:
        out.append(line)
        if POSTCODE.match(line):
            out.append(line.replace(" ", ""))
    return tuple(n for n in dict.fromkeys(out) if len(n) >= MIN_NEEDLE)


def restrictions(case: Case) -> list[Restriction]:
    """Everything the case file withholds from someone, with the people it is withheld from."""
    from ..models import format_path

    data = case.data
    everyone = _people(case)
    out: list[Restriction] = []

    def address(path: str, what: str, lines: Iterable[str] | None, names: Iterable[str]) -> None:
        needles = _address_needles(lines)
        who = expand(everyone, names)
        if needles and who:
            out.append(Restriction(path, what, needles, who, described=describe(everyone, names)))

    child = data.get("child") or {}
    address(
        "child.address_lines", "the child's address", child.get("address_lines"), child.get("address_withheld_from", [])
    )
    for group in ("family", "network", "professionals"):
        for i, person in enumerate(data.get(group, [])):
            address(
                f"{group}[{i}].address_lines",
                "an address",
                person.get("address_lines"),
                person.get("address_withheld_from", []),
            )
    transfer = data.get("transfer") or {}
    address(
        "transfer.new_address_lines",
        "the new address",
        transfer.get("new_address_lines"),
        transfer.get("new_address_withheld_from", []),
    )
    for path, text in withheld_items(data):
        who = expand(everyone, text.withhold_from)
        needle = norm(text)
        if who and needle:
            out.append(
                Restriction(
                    format_path(path), "this item", (needle,), who, described=describe(everyone, text.withhold_from)
                )
            )
    family = group_members(everyone, FAMILY_GROUPS)
    for i, prof in enumerate(data.get("professionals", [])):
        if not is_domestic_abuse_service(prof):
            continue
        who = family - expand(everyone, prof.get("may_be_named_to", []))
        needles = [norm(prof["name"]), norm(prof["agency"])]
        if DOMESTIC_ABUSE_WORDS.search(prof["role"]):
            needles.append(norm(prof["role"]))
        if who:
            out.append(
                Restriction(
                    f"professionals[{i}]",
                    "this domestic-abuse service",
                    tuple(n for n in needles if len(n) >= MIN_NEEDLE),
                    who,
                    letters_only=True,
                    described="the family (except those in may_be_named_to)",
                )
            )
    return out


def context_text(context: object) -> str:
    """Every piece of text in a document's context, normalised: what the document can show."""
    parts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            parts.append(norm(value))

    walk(context)
    return "\n".join(parts)


def withheld_in(case: Case, person: dict[str, Any], shown: str) -> bool:
    """Whether the text `shown` (context_text) holds something the case file withholds from this person (outside
    letters): they then get the redacted copy instead of the document."""
    key = key_of(person)
    return any(
        key in r.withheld_from and any(n in shown for n in r.needles) for r in restrictions(case) if not r.letters_only
    )


# ---- the check ---------------------------------------------------------------------------------------------------


def html_text(html: str) -> str:
    """The text of an HTML document as the reader sees it (tags dropped, entities decoded)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL | re.IGNORECASE)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> str:
    """Every paragraph of a Word file: body, tables, headers and footers (runs joined, one paragraph a line)."""
    from lxml import etree

    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for part in package.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", part):
                root = etree.fromstring(package.read(part))
                for paragraph in root.iter(f"{W_NS}p"):
                    # Line breaks and tabs inside a paragraph separate words as spaces do.
                    lines.append(
                        "".join(
                            (node.text or "") if node.tag == f"{W_NS}t" else " "
                            for node in paragraph.iter(f"{W_NS}t", f"{W_NS}br", f"{W_NS}cr", f"{W_NS}tab")
                        )
                    )
    return "\n".join(lines)


#: Letters, written to one reader each: where the domestic-abuse service rule applies.
LETTER_KINDS = ("invitation", "child-invitation")


def check(
    case: Case,
    texts: list[str],
    addressed_to: list[str],
    reader: str | None,
    *,
    letter: bool = False,
    found: list[Restriction] | None = None,
) -> list[Finding]:
    """Findings for one document whose formats show `texts`, sent to `addressed_to` (names as in the case file);
    `letter` when it is a letter to a reader of kind `reader` (the domestic-abuse service rule applies)."""
    everyone = _people(case)
    paths = person_paths(case)
    blocked = do_not_send(case)
    haystack = "\n".join(norm(t) for t in texts)
    readers: dict[str, str] = {}
    for name in addressed_to:
        key = canonical(everyone, name)
        if key:
            readers.setdefault(key, everyone[key]["name"])
    out: list[Finding] = []
    for key, name in readers.items():
        if key in blocked:
            out.append(
                Finding(
                    ERROR,
                    f"{paths[key]}.do_not_send",
                    f"{name} is marked 'do not send' in the case file, but this document is addressed or "
                    "distributed to them.",
                )
            )
    for r in restrictions(case) if found is None else found:
        if r.letters_only and not (letter and reader in ("family", "child")):
            continue
        who = [name for key, name in readers.items() if key in r.withheld_from]
        if who and any(needle in haystack for needle in r.needles):
            out.append(
                Finding(
                    ERROR,
                    r.path,
                    f"{r.what[0].upper()}{r.what[1:]} is withheld from {_names(who)} but appears in this "
                    "document, which is addressed or distributed to " + ("them." if len(who) == 1 else "each of them."),
                )
            )
    return out


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def warning_line(findings: list[Finding]) -> str:
    """The line a document produced with --allow-disclosure carries, in both formats."""
    items = ", ".join(dict.fromkeys(f.path for f in findings))
    return (
        "Warning: produced with --allow-disclosure. This document contains information the case file withholds "
        f"from someone it is addressed or distributed to (in the case file: {items}). Check it before sending."
    )


# ---- redacted copies -----------------------------------------------------------------------------------------

COPY_READERS = {
    "family": ("the family (family, network and the child)", FAMILY_GROUPS),
    "professional": ("professionals", PROFESSIONAL_GROUPS),
}


def copy_restrictions(case: Case, reader: str) -> tuple[list[Restriction], list[str]]:
    """What a copy for `reader` must leave out (withheld from anyone in that group), and that group's names."""
    everyone = _people(case)
    members = group_members(everyone, COPY_READERS[reader][1])
    applying = [r for r in restrictions(case) if not r.letters_only and r.withheld_from & members]
    # Nobody marked do not send receives a copy either.
    return applying, sorted({everyone[k]["name"] for k in members - set(do_not_send(case))})


def redact(context: Any, applying: list[Restriction], counts: dict[str, int]) -> Any:
    """A copy of `context` with every withheld item replaced by [withheld]; `counts` gets replacements per path."""
    # Longest first: a withheld note is replaced whole before an address inside it is.
    ordered = sorted(applying, key=lambda r: max(len(n) for n in r.needles), reverse=True)
    patterns = [
        (r, re.compile("|".join(_flexible(n) for n in sorted(r.needles, key=len, reverse=True)), re.IGNORECASE))
        for r in ordered
    ]

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, tuple):
            return tuple(walk(v) for v in value)
        if isinstance(value, str):
            text = str(value)
            for r, pattern in patterns:
                text, n = pattern.subn(WITHHELD, text)
                if n:
                    counts[r.path] = counts.get(r.path, 0) + n
            return text
        return value

    return walk(context)


def _flexible(needle: str) -> str:
    """A needle as a pattern that allows any whitespace between its words (text may wrap differently)."""
    return r"\s+".join(re.escape(word) for word in needle.split(" "))


def redaction_log(
    case: Case,
    document: str,
    reader: str,
    applying: list[Restriction],
    counts: dict[str, int],
    produced: dt.date | dt.datetime | str | None,
) -> str:
    """The redaction log written beside a copy (never inside it): what was withheld, by its place in the case
    file, from whom, and how many times it was replaced. The withheld content itself is not repeated."""
    from ..render.filters import longdate

    lines = [
        f"Redaction log for {document}",
        f"Case {case.case_id}; copy for {COPY_READERS[reader][0]}; produced {longdate(produced)}.",
        "Keep this log with the case record. Do not send it with the copy.",
        "",
    ]
    if not applying:
        lines.append("Nothing in the case file is withheld from these readers: the copy is the full document.")
    for r in applying:
        n = counts.get(r.path, 0)
        where = f"replaced by {WITHHELD} in {n} place{'s' if n != 1 else ''}" if n else "not in this document"
        lines.append(f"- {r.path}: withheld from {r.described}; {where}.")
    return "\n".join(lines) + "\n"

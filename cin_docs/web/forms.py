"""Forms generated from the case model's marshmallow schemas: a field added to the model appears in the editor.

The walk: Nested -> a fieldset; List(Nested) and List(Date) -> a repeating group with add and remove buttons
(submit buttons, so they work without JavaScript); List(text) -> a text box, one item a line; Date -> day, month
and year boxes; a choice (OneOf) -> radios or a select, with each code's meaning; Boolean -> yes/no radios;
Text -> a text box of several lines. Posted forms are read back into plain data by the same walk, validated by the
same schema as `cin-docs validate`, and merged into the round-trip YAML document so nothing else in it changes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import marshmallow as ma
from marshmallow import fields

from ..census import _all as census_lists
from ..models import flatten_messages, format_path
from ..models.case import REVIEW_OUTCOMES, CaseFile, OutcomeField
from ..models.fields import Date, DueDate, Name, Text, Time

# The editor's pages (the GOV.UK task list); any top-level field of the model not named here gets an "Other" page.
SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("case", "About the case", ("case_id", "policy", "support", "authority")),
    ("child", "Child", ("child",)),
    ("family", "Family and network", ("family", "network")),
    ("professionals", "Professionals and workers", ("professionals", "social_worker", "line_manager", "team_manager")),
    ("assessment", "Assessment", ("assessment",)),
    ("plan", "Plan and actions", ("plan",)),
    ("meetings", "Meetings", ("meetings",)),
    ("visits", "Visits", ("visits",)),
    ("panel", "Panel", ("panel",)),
    ("transfer", "Transfer", ("transfer",)),
    ("escalations", "Escalations", ("escalations",)),
    ("nrpf", "No recourse to public funds (NRPF)", ("nrpf",)),
    ("closure", "Closure", ("closure",)),
]


def sections() -> list[tuple[str, str, tuple[str, ...]]]:
    named = {k for _, _, keys in SECTIONS for k in keys}
    other = tuple(k for k in CaseFile().fields if k not in named)
    return SECTIONS + ([("other", "Other details", other)] if other else [])


def section_of_path(path: tuple) -> str | None:
    for key, _, keys in sections():
        if path and path[0] in keys:
            return key
    return None


WORDS = {
    "gp": "GP",
    "id": "ID",
    "nrpf": "NRPF",
    "sw": "social worker",
    "dob": "date of birth",
    "bee": "6 Bees outcome",
    "s17": "s17",
    "cin": "CIN",
    "phone_or_video": "Phone or video",
}
SINGULAR = {
    "family": "Family member",
    "network": "Network member",
    "professionals": "Professional",
    "meetings": "Meeting",
    "visits": "Visit",
    "escalations": "Escalation",
    "needs": "Need",
    "outcomes": "Outcome",
    "actions": "Action",
    "roles": "Role",
    "reports_received": "Report",
    "progress": "Progress rating",
    "stages": "Stage",
    "agency_views": "Agency view",
    "reviews": "Review",
    "checks": "Check",
    "subsistence_checks": "Subsistence check",
    "subsistence_reviews": "Subsistence review",
}


def humanise(name: str) -> str:
    if name in WORDS:
        return WORDS[name]
    text = " ".join(WORDS.get(w, w) for w in name.split("_"))
    return text[:1].upper() + text[1:]


def choice_meanings(choices: list[str]) -> dict[str, str]:
    """Each code with its meaning: census lists say what a code means; other codes are written out."""
    for codes in census_lists().values():
        if set(codes) == set(choices):
            return {c: f"{c} – {codes[c]}" for c in choices}
    return {c: c if c.startswith("s17") or c[:1].isupper() else humanise(c) for c in choices}


def choices_of(f: fields.Field) -> list[str] | None:
    for v in f.validators or []:
        if isinstance(v, ma.validate.OneOf):
            return [str(c) for c in v.choices]
    return None


def dom_id(path: tuple) -> str:
    return "f-" + "-".join(str(p) for p in path) if path else "f-case"


def form_name(path: tuple) -> str:
    return ".".join(str(p) for p in path)


@dataclass
class Widget:
    kind: str  # group | list | text | textarea | date | time | number | bool | choice | multi | lines
    path: tuple
    label: str
    hint: str | None = None
    required: bool = False
    value: object = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    children: list[Widget] = field(default_factory=list)
    item_label: str = ""
    default: object = None

    @property
    def id(self) -> str:
        return dom_id(self.path)

    @property
    def name(self) -> str:
        return form_name(self.path)

    @property
    def anchor(self) -> str:
        return self.id + ("-day" if self.kind == "date" else "")

    @property
    def key(self) -> str:
        return format_path(self.path)


def _default(f: fields.Field):
    d = f.load_default
    if d is ma.missing or callable(d):
        return None
    return d


def build(f: fields.Field, path: tuple, value, label: str) -> Widget:
    """The widget tree for one field with its current value (plain data)."""
    hint = (f.metadata or {}).get("description")
    req = bool(f.required)
    if isinstance(f, fields.Nested):
        schema = f.schema
        value = value if isinstance(value, dict) else {}
        kids = [build(sub, path + (name,), value.get(name), humanise(name)) for name, sub in ordered_fields(schema)]
        return Widget("group", path, label, hint, req, children=kids)
    if isinstance(f, fields.Mapping):
        hint = (
            hint + ". " if hint else ""
        ) + "Written as YAML, one entry a line, e.g. Name: [first thing, second thing]"
        return Widget("yaml", path, label, hint, req, value=_yaml_text(value))
    if isinstance(f, fields.List):
        inner = f.inner
        items = value if isinstance(value, list) else []
        if isinstance(inner, (fields.Nested, Date)):
            singular = SINGULAR.get(str(path[-1]), humanise(str(path[-1])))
            kids = [build(inner, path + (i,), item, item_label(singular, i, item)) for i, item in enumerate(items)]
            return Widget("list", path, label, hint, req, children=kids, item_label=singular)
        if any(_withheld(v) for v in items):
            # An item kept from someone ({text, withhold_from}) must keep its restriction: one-a-line text would
            # silently drop it, so such a list is edited as YAML.
            return Widget("yaml", path, label, WITHHELD_HINT, req, value=_yaml_text(_plain(items)))
        text = "\n".join(str(v) for v in items)
        hint = (hint + ". " if hint else "") + "One a line."
        return Widget("lines", path, label, hint, req, value=text)
    if isinstance(f, OutcomeField):
        chosen = value if isinstance(value, list) else [value] if value else []
        return Widget(
            "multi",
            path,
            label,
            (hint or "") + ". Choose one, or more where the policy allows it.",
            req,
            value=chosen,
            choices=list(choice_meanings(list(REVIEW_OUTCOMES)).items()),
        )
    if isinstance(f, fields.Boolean):
        return Widget(
            "bool", path, label, hint, req, value=value, choices=[("yes", "Yes"), ("no", "No")], default=_default(f)
        )
    if isinstance(f, DueDate):
        hint = (hint + ". " if hint else "") + "A date as YYYY-MM-DD, e.g. 2027-01-29 (or 'ongoing')."
        return Widget("text", path, label, hint, req, value=_text(value))
    if isinstance(f, Date):
        return Widget("date", path, label, (hint + ". " if hint else "") + "For example, 27 3 2027", req, value=value)
    if isinstance(f, Time):
        hint = (hint + ". " if hint else "") + "24-hour clock, e.g. 09:30 or 14:00"
        return Widget(
            "time", path, label, hint, req, value=value.strftime("%H:%M") if hasattr(value, "strftime") else value
        )
    if isinstance(f, fields.Integer):
        return Widget("number", path, label, hint, req, value=value)
    choices = choices_of(f)
    if choices:
        meanings = choice_meanings(choices)
        return Widget(
            "choice",
            path,
            label,
            hint,
            req,
            value=value,
            choices=[(c, meanings[c]) for c in choices],
            default=_default(f),
        )
    if _withheld(value):
        return Widget("yaml", path, label, WITHHELD_HINT, req, value=_yaml_text(_plain(value)))
    if isinstance(f, Text) and not isinstance(f, Name):
        return Widget("textarea", path, label, hint, req, value=value)
    return Widget("text", path, label, hint, req, value=value)


def item_label(singular: str, index: int, item) -> str:
    """'Meeting 3: review, 12 November 2026' - enough to find an item in a long list without opening it."""
    from ..render.filters import longdate

    label = f"{singular} {index + 1}"
    if not isinstance(item, dict):
        return label
    bits = []
    for key in ("type", "name", "id", "stage"):
        if item.get(key) not in (None, ""):
            bits.append(humanise(str(item[key])) if key == "type" else str(item[key]))
            break
    for key in ("date", "disagreement", "started"):
        value = item.get(key)
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            continue
        bits.append(longdate(day).split(" ", 1)[1])
        break
    return label + (": " + ", ".join(bits) if bits else "")


WITHHELD_HINT = (
    "This holds something kept from some people, written as YAML: text: what it says, and "
    "withhold_from: [the people, or family, or professionals]. Keep the withhold_from line."
)


def _withheld(value) -> bool:
    """Free text written as {text: ..., withhold_from: [...]} (raw from the file, or as the model loads it)."""
    return (isinstance(value, dict) and "text" in value) or hasattr(value, "withhold_from")


def _plain(value):
    """Plain dicts, lists and strings for YAML (ruamel's commented types, withheld text as {text, withhold_from})."""
    if hasattr(value, "withhold_from"):
        return {"text": str(value), "withhold_from": list(value.withhold_from)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def _yaml_text(value) -> str | None:
    """A mapping as block YAML with flow lists ('Name: [a, b]'), the way the samples write it."""
    import yaml

    if value in (None, {}):
        return None
    if not isinstance(value, (dict, list)):
        return str(value)
    return yaml.safe_dump(value, default_flow_style=None, allow_unicode=True, sort_keys=False, width=4096).strip()


def _text(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def section_widgets(section: str, data: dict) -> list[Widget]:
    keys = dict((k, v) for k, _, v in sections())[section]
    schema_fields = CaseFile().fields
    return [build(schema_fields[k], (k,), data.get(k), humanise(k)) for k in keys]


def walk(widgets: list[Widget]):
    for w in widgets:
        yield w
        yield from walk(w.children)


# -- reading a posted form back ------------------------------------------------------------------------------------
MISSING = object()


def parse(f: fields.Field, path: tuple, form) -> object:
    """The value the form gives this field (plain data), or MISSING when it was left empty."""
    name = form_name(path)
    if isinstance(f, fields.Nested):
        out = {}
        for key, sub in ordered_fields(f.schema):
            v = parse(sub, path + (key,), form)
            if v is not MISSING:
                out[key] = v
        return out if not only_defaults(f.schema, out) else MISSING
    if isinstance(f, fields.Mapping) or form.get(name + ".__yaml") == "1":
        text = form.get(name, "").replace("\r\n", "\n").strip()
        if not text:
            return MISSING
        import yaml

        from ..inputs import _SafeLoader

        try:
            loader = _SafeLoader(text)
            try:
                return loader.get_single_data()
            finally:
                loader.dispose()
        except yaml.YAMLError:
            return text  # the case model says what is wrong with it
    if isinstance(f, fields.List):
        inner = f.inner
        if isinstance(inner, (fields.Nested, Date)):
            count = _count(form.get(name + ".__count"))
            items = []
            for i in range(count):
                v = parse(inner, path + (i,), form)
                items.append({} if v is MISSING and isinstance(inner, fields.Nested) else v)
            return [i for i in items if i is not MISSING]
        lines = [ln.strip() for ln in form.get(name, "").replace("\r\n", "\n").split("\n")]
        return [ln for ln in lines if ln]
    if isinstance(f, OutcomeField):
        chosen = [c for c in form.getlist(name) if c]
        return MISSING if not chosen else chosen[0] if len(chosen) == 1 else chosen
    if isinstance(f, fields.Boolean):
        v = form.get(name, "")
        return True if v == "yes" else False if v == "no" else MISSING
    if isinstance(f, Date) and not isinstance(f, DueDate):
        parts = [form.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")]
        if not any(parts):
            return MISSING
        day, month, year = parts
        if all(p.isdigit() for p in parts):
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                return f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"
        return f"{year}-{month}-{day}"
    if isinstance(f, fields.Integer):
        v = form.get(name, "").strip()
        return MISSING if not v else int(v) if re.fullmatch(r"-?\d{1,6}", v) else v
    v = form.get(name, "").replace("\r\n", "\n")
    v = v.strip() if "\n" not in v.strip() else v.strip("\n").rstrip()
    if not v:
        return MISSING
    if isinstance(f, DueDate) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


def default_of(f: fields.Field):
    d = f.load_default
    if d is ma.missing:
        return MISSING
    return d() if callable(d) else d


def only_defaults(schema: ma.Schema, values: dict) -> bool:
    """Nothing in this part of the form but what the model fills in by itself (empty lists, 'No', defaults)."""
    from .folder import to_plain

    for key, value in values.items():
        f = schema.fields.get(key)
        if f is None:
            return False
        if isinstance(f, fields.Nested) and isinstance(value, dict) and only_defaults(f.schema, to_plain(value)):
            continue
        if value is None or to_plain(value) == default_of(f):
            continue
        return False
    return True


def _count(text) -> int:
    try:
        return max(0, min(int(text or 0), 500))
    except ValueError:
        return 0


def parse_section(section: str, form) -> dict:
    """The posted page as {top-level key: value or MISSING}."""
    keys = dict((k, v) for k, _, v in sections())[section]
    schema_fields = CaseFile().fields
    return {k: parse(schema_fields[k], (k,), form) for k in keys}


def apply_action(values: dict, action: str) -> bool:
    """An 'add:<path>' or 'remove:<path>.<i>' button: change the posted values; True if it was one."""
    kind, _, target = action.partition(":")
    parts = tuple(int(p) if p.isdigit() else p for p in target.split(".")) if target else ()
    if kind not in ("add", "remove") or not parts or parts[0] not in values:
        return False
    schema_fields = CaseFile().fields
    if kind == "add":
        # Field names are words: a number here finds no field either way.
        f = _field_at(schema_fields[str(parts[0])], parts[1:])
        container = _ensure(values, parts)
        if container is None or not isinstance(f, fields.List):
            return False
        container.append({} if isinstance(f.inner, fields.Nested) else "")
        return True
    parent = _ensure(values, parts[:-1])
    if isinstance(parent, list) and isinstance(parts[-1], int) and parts[-1] < len(parent):
        del parent[parts[-1]]
        return True
    return False


def _field_at(f, rest):
    for p in rest:
        if isinstance(f, fields.Nested):
            f = f.schema.fields.get(p)
        elif isinstance(f, fields.List):
            f = f.inner
        if f is None:
            return None
    return f


def _ensure(values: dict, parts: tuple):
    """The container at parts, creating empty dicts/lists on the way (for 'add' on an empty section)."""
    node = values
    schema_f = None
    for depth, p in enumerate(parts):
        schema_f = CaseFile().fields[p] if depth == 0 else _field_at(schema_f, (p,)) if schema_f else None
        if isinstance(node, dict):
            if node.get(p) is MISSING or p not in node:
                node[p] = [] if isinstance(schema_f, fields.List) else {}
            node = node[p]
        elif isinstance(node, list) and isinstance(p, int) and p < len(node):
            if node[p] is MISSING:
                node[p] = {}
            node = node[p]
        else:
            return None
    return node


# -- merging into the document -----------------------------------------------------------------------------------
def merge(schema: ma.Schema, target: dict, new: dict, keys=None) -> None:
    """Put the form's values into the document: unchanged values keep their node (and comments), emptied fields
    are removed, a default the file never wrote is not added; keys the model does not know are left alone."""
    from .folder import to_plain

    for key in keys if keys is not None else schema.fields:
        f = schema.fields[key]
        value = new.get(key, MISSING)
        if value is MISSING:
            old = target.get(key)
            keep = old is None or (
                isinstance(f, fields.Nested) and isinstance(old, dict) and only_defaults(f.schema, to_plain(old))
            )
            if key in target and not keep:
                del target[key]
            continue
        if key not in target:
            default = f.load_default() if callable(f.load_default) else f.load_default
            if default is not ma.missing and value == default:
                continue
            target[key] = _fresh(strip_defaults(f, value))
            continue
        old = target[key]
        if same(old, value):
            continue
        if isinstance(f, fields.Nested) and isinstance(old, dict) and isinstance(value, dict):
            merge(f.schema, old, value)
        elif isinstance(f, fields.List) and isinstance(old, list) and isinstance(value, list):
            _merge_list(f, old, value)
        else:
            target[key] = _fresh(value)


def same(old, new) -> bool:
    """The file's value and the form's are the same data (dates compared as the text YYYY-MM-DD)."""
    from .folder import to_plain

    return _as_text(to_plain(old)) == _as_text(new)


def _as_text(value):
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _merge_list(f: fields.List, old: list, new: list) -> None:
    flow = getattr(getattr(old, "fa", None), "flow_style", lambda: None)()
    for i, value in enumerate(new):
        if i < len(old):
            if same(old[i], value):
                continue
            if isinstance(f.inner, fields.Nested) and isinstance(old[i], dict) and isinstance(value, dict):
                merge(f.inner.schema, old[i], value)
            else:
                old[i] = _fresh(value)
        else:
            old.append(_fresh(strip_defaults(f.inner, value)))
    del old[len(new) :]
    if flow and hasattr(old, "fa"):
        old.fa.set_flow_style()


def strip_defaults(f: fields.Field, value):
    """New data without what the model fills in by itself (empty lists, 'No' on yes/no questions with that default)."""
    if isinstance(f, fields.Nested) and isinstance(value, dict):
        return {
            k: strip_defaults(f.schema.fields[k], v)
            for k, v in value.items()
            if k not in f.schema.fields or v != default_of(f.schema.fields[k])
        }
    if isinstance(f, fields.List) and isinstance(value, list):
        return [strip_defaults(f.inner, v) for v in value]
    return value


def ordered_fields(schema: ma.Schema) -> list[tuple[str, fields.Field]]:
    """Required fields first (a family member's name before their phone number), then the model's order."""
    items = list(schema.fields.items())
    return [i for i in items if i[1].required] + [i for i in items if not i[1].required]


def _fresh(value):
    """New data as round-trip nodes: multi-line text as a literal block, maps in the model's key order."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _fresh(v)
        return m
    if isinstance(value, list):
        s = CommentedSeq()
        s.extend(_fresh(v) for v in value)
        return s
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def without_missing(value):
    if isinstance(value, dict):
        return {k: without_missing(v) for k, v in value.items() if v is not MISSING}
    if isinstance(value, list):
        return [without_missing(v) for v in value if v is not MISSING]
    return value


# -- validation with the command line's messages --------------------------------------------------------------------
def problems(data: dict, folder) -> list[tuple[tuple, str]]:
    """Every problem `cin-docs validate` reports for this data, as (path tuple, message)."""
    from .. import api
    from ..errors import CinDocsError
    from ..policies.profile import load_profile

    try:
        loaded = CaseFile().load(data)
    except ma.ValidationError as exc:
        return [(tuple(p), m) for p, m in flatten_messages(exc.messages)]
    try:
        profile = load_profile(loaded["policy"], folder)
    except CinDocsError as exc:
        return [(("policy",), exc.message)]
    return [(_parse_path(p), m) for p, m in api.profile_problems(loaded, profile)]


def _parse_path(text: str) -> tuple:
    out: list = []
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", text):
        out.append(int(index) if index else name)
    return tuple(out)

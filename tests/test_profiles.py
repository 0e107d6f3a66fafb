"""Contract tests over every built-in policy profile: cited sources, worked examples, the rule tables, extends:."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from cin_docs import api
from cin_docs.calendar import WorkingCalendar
from cin_docs.errors import PolicyError
from cin_docs.policies import profile as profile_module
from cin_docs.policies.engine import ANCHOR_RESOLVERS, Engine, Hit
from cin_docs.policies.profile import (
    ANCHOR_EVENTS,
    OFFSET_UNITS,
    SATISFYING_EVENTS,
    builtin_names,
    load_profile,
)


def _find_shared() -> Path | None:
    """The team's shared folder (policies and the deadline contract): beside the checkout, as in CI."""
    for candidate in (Path(__file__).resolve().parents[2] / "shared", Path("/work/shared")):
        if (candidate / "domain" / "timescales.md").is_file():
            return candidate
    return None


SHARED = _find_shared()
CONTRACT = SHARED / "domain" / "timescales.md" if SHARED is not None else None
# Only the tests that read the policy texts or the contract skip without shared/; the profiles' worked examples,
# the registries and extends: never do.
needs_shared = pytest.mark.skipif(
    SHARED is None, reason="needs the shared/ folder (policy texts, deadline contract) beside this checkout"
)
SEED_PREFIX = {"hillingdon": "000_", "hertfordshire": "003_"}
PROFILES = builtin_names()

# Rules whose source is, by design, not a sentence of the authority's own document.
CITES_STATUTE = {("hillingdon", "child_turns_18"): "Children Act 1989"}

# Quotations that stitch a list's lead-in to a later bullet must mark the gap with "..."; none do now.
MISQUOTED: dict[tuple, str] = {}

# Offset alternatives the profiles give no worked example for. The list must match exactly: a new gap fails, and
# so does closing one (then delete it here).
EXAMPLE_GAPS: dict[str, list] = {}


@pytest.fixture
def write_file(tmp_path):
    """write_file("x.yaml", data) -> Path: `data` written as YAML in tmp_path."""

    def write(name: str, data: dict) -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


def _seed_text(name: str) -> str:
    assert SHARED is not None
    (path,) = (SHARED / "seeds").glob(SEED_PREFIX[name] + "*")
    return path.read_text(encoding="utf-8")


def _words(text: str) -> str:
    """Lower-case words only: quotes, dashes, bullets, **bold** and line breaks do not count as differences."""
    for curly, plain in {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}.items():
        text = text.replace(curly, plain)
    return " ".join(re.findall(r"[a-z0-9']+|&", text.lower()))


def _quoted_fragments(source: str) -> list[str]:
    """The pieces of a source that must appear verbatim: split at '...', without the trailing '(2.5)' reference;
    a quotation inside that reference ("(2.2; for reviews, 2.5: "A copy ...")") is checked too."""
    source = " ".join(source.split())
    ref = re.search(r"\s*\((\d[^()]*)\)$", source)
    main = source[: ref.start()] if ref else source
    parts = [main] + (re.findall(r'"([^"]+)"', ref.group(1)) if ref else [])
    return [frag for part in parts for frag in re.split(r"\.\.\.|\u2026", part) if _words(frag)]


def _sources(rule: dict) -> list[tuple[str, str]]:
    """(where, sentence) for the rule and for every offset alternative that cites its own sentence."""
    out = [("rule", rule["source"])]
    for i, alt in enumerate(rule.get("offset") or []):
        if alt.get("source"):
            out.append((f"offset[{i}]", alt["source"]))
    for j, anchor in enumerate(rule["from_"]):
        for i, alt in enumerate(anchor.get("offset") or []):
            if alt.get("source"):
                out.append((f"from[{j}].offset[{i}]", alt["source"]))
    return out


def _source_cases():
    for name in PROFILES:
        for rule in load_profile(name)["rules"]:
            for where, source in _sources(rule):
                key = (name, rule["key"], where)
                marks = [pytest.mark.xfail(strict=True, reason=MISQUOTED[key])] if key in MISQUOTED else []
                yield pytest.param(name, rule["key"], where, source, id="-".join(key), marks=marks)


def _example_cases():
    for name in PROFILES:
        for rule in load_profile(name)["rules"]:
            for i, example in enumerate(rule["examples"]):
                yield pytest.param(name, rule["key"], example, id=f"{name}-{rule['key']}-{i}")


def contract_rule_keys() -> dict[str, set[str]]:
    """Rule keys from the tables under '## Rules: `name`' (and its subsections) in timescales.md."""
    assert SHARED is not None
    keys: dict[str, set[str]] = {}
    current = None
    labels = {"Hillingdon": "hillingdon", "Hertfordshire": "hertfordshire"}
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        # The Lifecycle section's "### Hillingdon additions" bullets: "- `rule`: ..." and "an `info` line `rule`".
        added = re.match(r"^### (\w+) additions", line)
        if added:
            current = labels.get(added.group(1))
            continue
        if current and line.startswith("- "):
            keys.setdefault(current, set()).update(re.findall(r"^- `([a-z0-9_]+)`:", line))
        if current:
            keys.setdefault(current, set()).update(re.findall(r"`info` line `([a-z0-9_]+)`", line))
        heading = re.match(r"^## (.*)", line)
        if heading:
            named = re.match(r"Rules: `([a-z0-9_-]+)`", heading.group(1))
            current = named.group(1) if named else None
            continue
        row = re.match(r"^\| `([a-z0-9_]+)` \|", line)
        if current and row:
            keys.setdefault(current, set()).add(row.group(1))
    return keys


def _set_path(data: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def worked_example(profile: dict, rule: dict, example: dict) -> tuple[dict, dt.date, str | None]:
    """(offset used, due, moved) that the engine gives for a rule's worked example.

    `example.anchor` picks the event the rule counts from; `example.when` is turned into a case (or item) for which
    the engine's own pick_offset chooses among the offset alternatives.
    """
    anchor = rule["from_"][example["anchor"]]
    case: dict = {"support": "cin"}
    item: dict = {}
    for key, value in example["when"].items():
        if key.startswith("item."):
            item[key[len("item.") :]] = value
        elif key == "field_set":
            _set_path(case, value, 4)
        else:
            _set_path(case, key, value)
    engine = Engine(case, profile, dt.date(2100, 1, 1), WorkingCalendar(profile["closures"]))
    hit = Hit(example["from_"], "example", "the example", item=item, escalation=item, time=dt.time(10, 0))
    offset = engine.pick_offset(anchor.get("offset") or rule["offset"], hit)
    due, _, _, moved = engine.compute(offset, hit, rule["kind"] == "fact")
    return offset, due, moved


def lifecycle_status(profile: dict, rule: dict, example: dict) -> str:
    """The status the engine gives a lifecycle example (`none` when the rule gives no deadline): nothing met, the
    plan ending on `example.plan_end`, seen on `example.as_of`. Uses the engine's own plan-end handling."""
    case: dict = {"support": "cin", "meetings": [], "visits": []}
    item: dict = {}
    for key, value in example["when"].items():
        if key.startswith("item."):
            item[key[len("item.") :]] = value
        elif key == "field_set":
            _set_path(case, value, 4)
        else:
            _set_path(case, key, value)
    if example.get("plan_end"):
        _set_path(case, "plan.end", example["plan_end"])
    engine = Engine(case, profile, example["as_of"], WorkingCalendar(profile["closures"]))
    anchor = rule["from_"][example["anchor"]]
    hit = Hit(example["from_"], "example", "the example", item=item, escalation=item, time=dt.time(10, 0))
    if not engine.item_within_plan(rule, anchor, hit):
        return "none"
    dl = engine.evaluate(rule, anchor, hit)
    assert dl.due == example["due"]
    if rule["plan_end"] == "stop" and not engine._before_plan_end(dl):
        return "none"
    return dl.status


@pytest.mark.parametrize("name", PROFILES)
class TestProfileContract:
    """The same invariants for every built-in profile (like holidays' shared country contract test)."""

    def test_loads_and_is_named_after_its_file(self, name):
        profile = load_profile(name)
        assert profile["name"] == name
        assert profile["rules"]
        assert Path(profile["path"]).name == f"{name}.yaml"

    @needs_shared
    def test_cites_the_seed_document_it_is_built_from(self, name):
        assert name in SEED_PREFIX, f"add the policy document for {name} to SEED_PREFIX"
        title = next(line for line in _seed_text(name).splitlines() if line.strip()).strip()
        assert load_profile(name)["document"].startswith(title)

    @needs_shared
    def test_rule_keys_match_the_contract_tables(self, name):
        contract = contract_rule_keys()
        keys = {r["key"] for r in load_profile(name)["rules"]}
        assert name in contract, f"timescales.md has no '## Rules: `{name}`' table"
        assert contract[name] - keys == set(), "rules in the contract but missing from the profile"
        assert keys - contract[name] == set(), "rules in the profile that the contract does not list"

    def test_every_rule_has_a_worked_example(self, name):
        missing = [r["key"] for r in load_profile(name)["rules"] if not r["examples"]]
        assert missing == []

    def test_examples_cover_every_anchor_and_offset_alternative(self, name):
        # An alternative nobody worked an example for is an alternative nobody checked against the policy.
        uncovered = []
        for rule in load_profile(name)["rules"]:
            for j, anchor in enumerate(rule["from_"]):
                for alt in anchor.get("offset") or []:
                    if not any(e["anchor"] == j and e["when"] == (alt.get("when") or {}) for e in rule["examples"]):
                        uncovered.append((rule["key"], j, alt.get("when")))
            for alt in rule.get("offset") or []:
                if alt.get("when", {}).get("field_set"):
                    continue  # the user's own interval: arithmetic is the weeks rule's, covered by test_engine
                if not any(e["when"] == (alt.get("when") or {}) for e in rule["examples"]):
                    uncovered.append((rule["key"], None, alt.get("when")))
        assert uncovered == EXAMPLE_GAPS.get(name, [])

    def test_every_rule_the_plan_end_changes_has_a_lifecycle_example(self, name):
        # "at least one lifecycle example per changed rule" (issue 7): stop/items rules, targets, exceptions
        missing = [
            r["key"]
            for r in load_profile(name)["rules"]
            if (r["plan_end"] != "ignore" or r["kind"] == "target" or r["exceptions"])
            and not any(e.get("status") for e in r["examples"])
        ]
        assert missing == []

    def test_exceptions_have_a_worked_example(self, name):
        for rule in load_profile(name)["rules"]:
            for exc in rule["exceptions"]:
                assert any(e.get("status") == "info" and e["when"] == exc["when"] for e in rule["examples"]), rule[
                    "key"
                ]

    def test_facts_have_no_satisfier(self, name):
        for rule in load_profile(name)["rules"]:
            if rule["kind"] == "fact":
                assert not rule.get("satisfied_by"), rule["key"]


@needs_shared
def test_contract_tables_are_found():
    contract = contract_rule_keys()
    assert set(contract) == {"hillingdon", "hertfordshire"}
    assert {"initial_meeting", "child_turns_18"} <= contract["hillingdon"]
    assert {"escalation_raise", "escalation_confirm", "panel_date"} <= contract["hertfordshire"]
    assert "escalation_raise" not in contract["hillingdon"]


@needs_shared
@pytest.mark.parametrize(("name", "rule_key", "where", "source"), list(_source_cases()))
def test_source_is_quoted_from_the_policy(name, rule_key, where, source):
    if (name, rule_key) in CITES_STATUTE:
        assert CITES_STATUTE[(name, rule_key)] in source
        return
    seed = f" {_words(_seed_text(name))} "
    missing = [frag for frag in _quoted_fragments(source) if f" {_words(frag)} " not in seed]
    assert missing == [], f"{name}.{rule_key} ({where}) quotes text that is not in the policy"


def test_quoted_fragments_split_at_ellipses_and_keep_quoted_references():
    source = (
        'Plans are reviewed ... within ten working days. (2.2; for reviews, 2.5: "A copy of the record ..., '
        'parent and others")'
    )
    assert [f.strip() for f in _quoted_fragments(source)] == [
        "Plans are reviewed",
        "within ten working days.",
        "A copy of the record",
        ", parent and others",
    ]


@needs_shared
def test_source_check_would_catch_an_invented_sentence():
    seed = f" {_words(_seed_text('hillingdon'))} "
    real = "A Child in Need initial meeting must be convened within 10 working days"
    assert f" {_words(real)} " in seed
    assert f" {_words(real.replace('10', '15'))} " not in seed


@pytest.mark.parametrize(("name", "rule_key", "example"), list(_example_cases()))
def test_worked_example_holds(name, rule_key, example):
    profile = load_profile(name)
    rule = next(r for r in profile["rules"] if r["key"] == rule_key)
    offset, due, moved = worked_example(profile, rule, example)
    exception_keys = {k for exc in rule["exceptions"] for k in exc["when"]}
    offset_when = {k: v for k, v in example["when"].items() if k not in exception_keys}
    assert (offset.get("when") or {}) == offset_when, "the example does not exercise the alternative it names"
    assert due == example["due"]
    assert (moved is not None) == example["moved"], moved
    if example.get("status"):
        assert lifecycle_status(profile, rule, example) == example["status"]
    if rule["kind"] == "fact":
        assert moved is None or "panel_date" in offset  # facts are never moved (a panel sitting is the exception)


# ---- registries, both ways ------------------------------------------------------------------------------------


def test_anchor_events_match_the_engine_both_ways():
    assert set(ANCHOR_RESOLVERS) == set(ANCHOR_EVENTS)


def _bare_engine(case=None, profile_name="hertfordshire"):
    return Engine(case or {}, load_profile(profile_name), dt.date(2026, 11, 30), WorkingCalendar())


# Each satisfying event with data that satisfies it, on a date of its own, so a handler that answers for another
# event (or ignores its data) gives the wrong date.
SATISFIERS = {
    "meeting": ({"types": ["review"]}, "2026-11-10"),
    "nth_meeting": ({"types": ["review"], "n": 2}, "2026-11-11"),
    "item_field": ({"fields_": ["resolved"]}, "2026-11-12"),
    "field": ({"field": "assessment.completed"}, "2026-11-13"),
    "visit_after_anchor": ({}, "2026-11-16"),
    "list_after_anchor": ({"field": "nrpf.checks"}, "2026-11-17"),
    "health_report_received": ({}, "2026-11-18"),
    "first_stage_started": ({}, "2026-11-19"),
    "stage_started": ({"stage": 2}, "2026-11-20"),
    "plan_end": ({}, "2026-11-21"),
    "visit_before_due": ({"months": 1}, "2026-10-15"),
}


def test_every_satisfying_event_is_handled():
    D = dt.date.fromisoformat
    case = {
        "meetings": [
            {"type": "review", "date": D("2026-11-10")},
            {"type": "review", "date": D("2026-11-11")},
            {"type": "review", "date": D("2026-12-14")},
        ],  # after as-of: not held, never counts
        "visits": [{"date": D("2026-10-15")}, {"date": D("2026-11-16")}],
        "assessment": {"completed": D("2026-11-13")},
        "plan": {"end": D("2026-11-21")},
        "nrpf": {"checks": [D("2026-10-01"), D("2026-11-17")]},
        "professionals": [
            {"name": "Dr Asha Rao", "agency_type": "health"},
            {"name": "PC Lee", "agency_type": "police"},
        ],
    }
    item = {
        "resolved": D("2026-11-12"),
        "reports_received": [
            {"by": "PC Lee", "received": D("2026-11-09")},
            {"by": "dr asha rao", "received": D("2026-11-18")},
        ],
    }
    escalation = {"stages": [{"stage": 1, "started": D("2026-11-19")}, {"stage": 2, "started": D("2026-11-20")}]}
    engine = _bare_engine(case)
    hit = Hit(dt.date(2026, 11, 2), "x", "x", item=item, escalation=escalation)
    assert set(SATISFIERS) == set(SATISFYING_EVENTS)
    for event, (params, date) in SATISFIERS.items():
        assert engine.satisfied_on({"event": event, **params}, hit) == D(date), event
    # With nothing in the case that satisfies them, none is satisfied.
    empty = _bare_engine({"meetings": [], "visits": [], "nrpf": {"checks": []}})
    bare = Hit(dt.date(2026, 11, 2), "x", "x", item={}, escalation={"stages": []})
    for event, (params, _) in SATISFIERS.items():
        assert empty.satisfied_on({"event": event, **params}, bare) is None, event
    with pytest.raises(PolicyError):
        engine.satisfied_on({"event": "no_such_event"}, hit)


def test_every_satisfying_event_used_by_a_profile_is_known():
    used = {r["satisfied_by"]["event"] for n in PROFILES for r in load_profile(n)["rules"] if r.get("satisfied_by")}
    assert used <= set(SATISFYING_EVENTS)
    used_anchors = {a["event"] for n in PROFILES for r in load_profile(n)["rules"] for a in r["from_"]}
    assert used_anchors <= set(ANCHOR_EVENTS)


# From Monday 2 November 2026 at 10:00, each unit's due date, due time and basis, worked by hand.
OFFSET_RESULTS = {
    "working_days": (3, "2026-11-05", None, "3 working days"),
    "working_days_before": (3, "2026-10-28", None, "3 working days before"),
    "days": (3, "2026-11-05", None, "3 days"),
    "weeks": (3, "2026-11-23", None, "3 weeks"),
    "months": (3, "2027-02-02", None, "3 months"),
    "years": (3, "2029-11-02", None, "3 years"),
    "hours_before": (3, "2026-11-02", dt.time(7, 0), "3 hours before"),
    "weeks_from_field": (
        "plan.visit_interval_weeks",
        "2026-11-16",
        None,
        "2 weeks (as set in plan.visit_interval_weeks)",
    ),
    # The last Thursday of November is the 26th; 7 working days before it (the 17th) is after the 2nd.
    "birthday": (3, "2029-11-02", None, "3rd birthday"),
    "panel_date": (
        {"weekday": "thursday", "referral_working_days": 7},
        "2026-11-26",
        None,
        "the last Thursday of a month, leaving 7 working days to refer",
    ),
}


@pytest.mark.parametrize("unit", OFFSET_UNITS)
def test_every_offset_unit_is_computed(unit):
    engine = _bare_engine({"plan": {"visit_interval_weeks": 2}})
    value, due, due_time, basis = OFFSET_RESULTS[unit]
    hit = Hit(dt.date(2026, 11, 2), "x", "x", time=dt.time(10, 0))
    assert engine.compute({unit: value}, hit, fact=False) == (dt.date.fromisoformat(due), due_time, basis, None)


def test_parameter_table_names_only_known_events():
    assert set(profile_module._NEEDS) <= set(ANCHOR_EVENTS) | set(SATISFYING_EVENTS)


# ---- extends: and the user's own profile files ------------------------------------------------------------


def _builtin_yaml(name: str) -> dict:
    return yaml.safe_load((Path(profile_module.__file__).parent / "profiles" / f"{name}.yaml").read_text())


def test_extends_overrides_removes_and_adds(tmp_path, write_file):
    # A rule is replaced whole by key, so the override restates the rule with its new offset.
    record = copy.deepcopy(next(r for r in _builtin_yaml("hertfordshire")["rules"] if r["key"] == "meeting_record"))
    record["offset"] = {"working_days": 5}
    record["examples"] = []
    write_file(
        "my-authority.yaml",
        {
            "extends": "hertfordshire",
            "name": "my-authority",
            "label": "My Authority",
            "closures": ["2026-11-20"],
            "remove_rules": ["independent_chair"],
            "rules": [record],
        },
    )
    case_path = write_file(
        "case.yaml",
        {
            "case_id": "EXT-1",
            "policy": "./my-authority.yaml",
            "child": {"first_name": "Test", "last_name": "Child"},
            "plan": {"start": "2026-11-16"},
            "meetings": [{"type": "initial", "date": "2026-11-16"}],
        },
    )
    case = api.load(case_path)
    assert case.profile["name"] == "my-authority"
    assert case.profile["closures"] == [dt.date(2026, 11, 20)]
    keys = [r["key"] for r in case.profile["rules"]]
    assert "independent_chair" not in keys
    assert {"panel_eligible", "escalation_raise", "meeting_record"} <= set(keys)
    assert keys.count("meeting_record") == 1
    assert case.profile["escalation"]  # inherited

    out = api.due_dates_json(case, dt.date(2026, 11, 17))
    assert out["policy"] == "my-authority"
    by_rule = {d["rule"]: d for d in out["deadlines"]}
    # 5 working days from Mon 16 Nov, skipping the closure on Fri 20 Nov: 17, 18, 19, 23, 24.
    assert by_rule["meeting_record"]["due"] == "2026-11-24"
    assert by_rule["meeting_record"]["basis"] == "5 working days"
    assert "independent_chair" not in by_rule
    assert by_rule["next_review"]["due"] == "2027-02-16"


def test_builtin_profiles_are_unchanged_by_an_extending_profile(write_file):
    path = write_file(
        "mine.yaml",
        {
            "extends": "hertfordshire",
            "name": "mine",
            "closures": ["2026-11-20"],
            "remove_rules": ["panel_date", "panel_referral"],
        },
    )
    mine = load_profile(str(path))
    herts = load_profile("hertfordshire")
    assert "panel_date" not in {r["key"] for r in mine["rules"]}
    assert "panel_date" in {r["key"] for r in herts["rules"]}
    assert herts["closures"] == []


MINIMAL_PROFILE = {
    "name": "tiny",
    "label": "Tiny",
    "title": "Tiny Council - test profile",
    "document": "Tiny Council CIN procedures",
    "authority": {"name": "Tiny Council"},
    "meeting_labels": {"initial": "Initial meeting", "review": "Review meeting"},
    "review_outcomes": {"continue": "The plan continues."},
    "rules": [
        {
            "key": "next_review",
            "label": "Next review",
            "from": [{"event": "plan_start", "label": "the start of the plan"}],
            "offset": {"months": 3},
            "source": "Plans are reviewed within three months of the plan starting.",
        },
    ],
}


def _with_rule(**changes) -> dict:
    data = copy.deepcopy(MINIMAL_PROFILE)
    rule = data["rules"][0]
    for key, value in changes.items():
        if value is None:
            rule.pop(key, None)
        else:
            rule[key] = value
    return data


def test_minimal_profile_file_loads(write_file):
    profile = load_profile(str(write_file("tiny.yaml", MINIMAL_PROFILE)))
    assert [r["key"] for r in profile["rules"]] == ["next_review"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(_with_rule(source=None), ["rule 'next_review'", "source", "Required"], id="no-source"),
        pytest.param(
            _with_rule(**{"from": [{"event": "full_moon", "label": "the moon"}]}),
            ["rule 'next_review'", "from[0].event", "Must be one of"],
            id="unknown-event",
        ),
        pytest.param(
            _with_rule(offset={"months": 3, "working_days": 10}),
            ["rule 'next_review'", "offset", "exactly one of"],
            id="two-offsets",
        ),
        pytest.param(_with_rule(offset={"fortnights": 2}), ["rule 'next_review'", "offset"], id="unknown-unit"),
        pytest.param(
            _with_rule(**{"from": [{"event": "rule", "rule": "no_such_rule", "label": "x"}]}),
            ["rule 'next_review'", "'no_such_rule'", "does not have"],
            id="rule-anchor-to-missing-rule",
        ),
        pytest.param(
            _with_rule(**{"from": [{"event": "field", "label": "x"}]}),
            ["rule 'next_review'", "needs: field"],
            id="event-without-its-parameter",
        ),
        pytest.param({**MINIMAL_PROFILE, "extends": "nosuch"}, ["Unknown policy 'nosuch'"], id="unknown-builtin"),
        pytest.param(
            _with_rule(offset=[{"when": {"child.disabld": True}, "months": 3}, {"weeks": 6}]),
            ["rule 'next_review'", "Not a field of the case file: child.disabld"],
            id="misspelt-condition",
        ),
        pytest.param(
            _with_rule(**{"from": [{"event": "field", "field": "plan.strat", "label": "x"}]}),
            ["rule 'next_review'", "plan.strat"],
            id="misspelt-anchor-field",
        ),
        pytest.param({"extends": "hertfordshire"}, ["has no 'name' of its own"], id="extends-without-name"),
        pytest.param(
            _with_rule(
                exceptions=[
                    {
                        "when": {"plan.longer_term_support": True},
                        "note": "because {plan.reasn}",
                        "source": "Exceptions are made for plans needing longer support.",
                    }
                ]
            ),
            ["rule 'next_review'", "Not a field of the case file: plan.reasn"],
            id="misspelt-note-path",
        ),
        pytest.param(
            _with_rule(unless={"plan.legal_bassis": "s17(10)(c)"}),
            ["rule 'next_review'", "plan.legal_bassis"],
            id="misspelt-unless",
        ),
        pytest.param(
            _with_rule(history=True, **{"from": [{"event": "plan_start", "label": "the start"}]}),
            ["rule 'next_review'", "history", "latest_held_"],
            id="history-without-a-latest-event",
        ),
        pytest.param(
            _with_rule(plan_end="sometimes"),
            ["rule 'next_review'", "plan_end", "Must be one of"],
            id="unknown-plan-end-behaviour",
        ),
    ],
)
def test_broken_profile_names_the_problem(write_file, data, expected):
    path = write_file("broken.yaml", data)
    with pytest.raises(PolicyError) as info:
        load_profile(str(path))
    message = str(info.value)
    for fragment in expected:
        assert fragment in message
    assert "('rules'" not in message  # a path for people, not a Python tuple


def test_extends_loop_is_an_error_naming_the_files(write_file):
    write_file("a.yaml", {"extends": "./b.yaml", "name": "a"})
    b = write_file("b.yaml", {"extends": "./a.yaml", "name": "b"})
    with pytest.raises(PolicyError, match="extends itself") as info:
        load_profile(str(b))
    assert "a.yaml" in str(info.value) and "b.yaml" in str(info.value)


def test_profile_that_extends_itself_is_an_error(write_file):
    path = write_file("self.yaml", {"extends": "./self.yaml", "name": "self"})
    with pytest.raises(PolicyError, match="extends itself"):
        load_profile(str(path))


def test_missing_profile_file_says_where_it_looked(tmp_path):
    with pytest.raises(PolicyError, match="was not found") as info:
        load_profile("./nowhere.yaml", tmp_path)
    assert str(tmp_path) in str(info.value)

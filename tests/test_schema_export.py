"""The committed JSON Schemas (schemas/*.schema.json) are what scripts/export_schema.py makes from the models now."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from cin_docs.models.case import MEETING_TYPES, CaseFile
from cin_docs.policies.profile import ANCHOR_EVENTS, OFFSET_UNITS, SATISFYING_EVENTS, Profile

ROOT = Path(__file__).resolve().parent.parent


def _load_script():
    spec = importlib.util.spec_from_file_location("export_schema", ROOT / "scripts" / "export_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


export_schema = _load_script()


@pytest.mark.parametrize("file_name", list(export_schema.SCHEMAS))
def test_committed_schema_is_not_stale(file_name):
    committed = (ROOT / "schemas" / file_name).read_text(encoding="utf-8")
    assert committed == export_schema.render(file_name), (
        f"schemas/{file_name} is stale: run `make schemas` (python scripts/export_schema.py) and commit it"
    )


@pytest.mark.parametrize("file_name", list(export_schema.SCHEMAS))
def test_rendering_is_deterministic_and_tidy(file_name):
    text = export_schema.render(file_name)
    assert text == export_schema.render(file_name)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(export_schema, "SCHEMAS_DIR", tmp_path)
    monkeypatch.setattr(export_schema, "ROOT", tmp_path)
    assert export_schema.main(["--check"]) == 1
    assert "Stale" in capsys.readouterr().err
    assert export_schema.main([]) == 0
    assert export_schema.main(["--check"]) == 0
    (tmp_path / "case.schema.json").write_text("{}\n")
    assert export_schema.main(["--check"]) == 1


@pytest.fixture(scope="module")
def case_schema():
    return json.loads((ROOT / "schemas" / "case.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def profile_schema():
    return json.loads((ROOT / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))


def _data_keys(schema_cls) -> set[str]:
    return {f.data_key or name for name, f in schema_cls().fields.items()}


def test_case_schema_header(case_schema):
    assert case_schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert case_schema["$id"] and case_schema["title"] == "cin-docs case file"
    assert "YYYY-MM-DD" in case_schema["description"]
    assert "$ref" not in case_schema  # the root is inlined, so title and description are not ignored


def test_case_schema_root(case_schema):
    assert case_schema["type"] == "object"
    assert case_schema["additionalProperties"] is False  # unknown keys are errors, as in the model
    assert set(case_schema["properties"]) == _data_keys(CaseFile)
    assert set(case_schema["required"]) == {"case_id", "policy", "child"}
    assert case_schema["properties"]["child"]["$ref"] == "#/definitions/Child"
    assert set(case_schema["definitions"]["Child"]["required"]) == {"first_name", "last_name"}


def test_case_schema_details_the_engine_relies_on(case_schema):
    defs = case_schema["definitions"]
    meeting = defs["Meeting"]
    assert meeting["properties"]["type"]["enum"] == list(MEETING_TYPES)
    assert set(meeting["required"]) == {"type", "date"}
    assert meeting["properties"]["date"] == {"type": "string", "format": "date"}
    time_pattern = re.compile(meeting["properties"]["time"]["pattern"])
    assert time_pattern.match("10:00") and time_pattern.match("9:30") and not time_pattern.match("24:00")
    assert case_schema["properties"]["meetings"]["items"]["$ref"] == "#/definitions/Meeting"
    assert case_schema["properties"]["support"]["enum"] == ["cin", "nrpf"]
    assert defs["Stage"]["properties"]["resolved"]["type"] == ["string", "null"]  # `resolved: null` is allowed
    assert defs["Plan"]["properties"]["visit_interval_weeks"]["type"] == "integer"
    assert {"ongoing", "continuing"} <= set(json.dumps(defs["Action"]["properties"]["due"]).replace('"', " ").split())


def test_every_nested_reference_resolves(case_schema, profile_schema):
    for schema in (case_schema, profile_schema):
        refs = set(re.findall(r'"#/definitions/([A-Za-z]+)"', json.dumps(schema)))
        assert refs <= set(schema["definitions"])


def test_profile_schema(profile_schema):
    assert profile_schema["$id"] != "" and profile_schema["title"] == "cin-docs policy profile"
    assert "extends" in profile_schema["description"]
    assert set(profile_schema["properties"]) == _data_keys(Profile)
    rule = profile_schema["definitions"]["Rule"]
    assert {"key", "label", "from", "source"} <= set(rule["required"])
    assert "from" in rule["properties"] and '"from_"' not in json.dumps(profile_schema)
    offset_shapes = rule["properties"]["offset"]["anyOf"]
    single = offset_shapes[0]
    assert set(OFFSET_UNITS) <= set(single["properties"])
    assert offset_shapes[1]["items"] == single
    assert profile_schema["definitions"]["Anchor"]["properties"]["event"]["enum"] == list(ANCHOR_EVENTS)
    assert profile_schema["definitions"]["Satisfier"]["properties"]["event"]["enum"] == list(SATISFYING_EVENTS)
    assert "fields" in profile_schema["definitions"]["Satisfier"]["properties"]

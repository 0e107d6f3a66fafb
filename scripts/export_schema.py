"""Writes the JSON Schemas of the case file and of policy profiles (schemas/*.schema.json) from the marshmallow models.

Run `make schemas` (or `python scripts/export_schema.py`) after changing cin_docs/models or the profile schema;
`--check` exits 1 if a committed schema is stale (tests/test_schema_export.py does the same).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from marshmallow_jsonschema import JSONSchema

from cin_docs.models.case import CaseFile
from cin_docs.policies.profile import Profile

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = ROOT / "schemas"

SCHEMAS = {
    "case.schema.json": (
        CaseFile,
        "urn:cin-docs:schema:case-file",
        "cin-docs case file",
        "One child's Child in Need case: the child, family and professionals, the plan, meetings, visits, panel, "
        "transfer, escalations and NRPF support. Dates are written YYYY-MM-DD and times HH:MM (24-hour clock). "
        "Unknown keys are errors. Generated from cin_docs.models.case by scripts/export_schema.py; do not edit.",
    ),
    "profile.schema.json": (
        Profile,
        "urn:cin-docs:schema:policy-profile",
        "cin-docs policy profile",
        "A local authority's Child in Need timescales as data: each rule names the event it counts from, the offset, "
        "when it applies, what satisfies it, the policy sentence it comes from and worked examples. A profile with "
        "'extends:' may leave out anything it inherits; the required fields apply to the merged profile. Generated "
        "from cin_docs.policies.profile by scripts/export_schema.py; do not edit.",
    ),
}


def build(file_name: str) -> dict:
    """The schema for one file: the root model's object at the top level, its nested models under definitions."""
    schema_cls, schema_id, title, description = SCHEMAS[file_name]
    generated = JSONSchema().dump(schema_cls())
    definitions = dict(generated["definitions"])
    root_name = generated["$ref"].rsplit("/", 1)[-1]
    root = definitions.pop(root_name)
    # draft-07 ignores keywords beside a root "$ref", so the root object is inlined instead of referenced.
    if f'"#/definitions/{root_name}"' in json.dumps(definitions):
        definitions[root_name] = root  # still referenced from inside (recursive model): keep it
    for model in [root, *definitions.values()]:
        for key, prop in model.get("properties", {}).items():
            # The attribute name ("from_") is Python's; the file says "from".
            for part in (prop, prop.get("items") or {}):
                if "title" in part:
                    part["title"] = key
    return {
        "$schema": generated["$schema"],
        "$id": schema_id,
        "title": title,
        "description": description,
        **{k: v for k, v in root.items() if k != "title"},
        "definitions": definitions,
    }


def render(file_name: str) -> str:
    """Deterministic text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(build(file_name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Only report stale schema files (exit 1 if any).")
    args = parser.parse_args(argv)
    stale = []
    for file_name in SCHEMAS:
        path = SCHEMAS_DIR / file_name
        text = render(file_name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            SCHEMAS_DIR.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"Wrote {path.relative_to(ROOT)}")
    if args.check and stale:
        print("Stale (run `make schemas`): " + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the data-to-insight CIN census validator (csc-validator-be-cin) on one XML return; print JSON findings.

Runs inside .venv-cinvalidator (`make cinvalidator`), never in the project's own environment: the validator pins
pandas<2. Usage: .venv-cinvalidator/bin/python scripts/cin_validator_check.py cin.xml [ruleset]
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import sys
import warnings
import xml.etree.ElementTree as ET


def main(argv: list[str]) -> int:
    path = argv[1]
    ruleset = argv[2] if len(argv) > 2 else "cin2026_27"
    warnings.simplefilter("ignore")
    from cin_validator import cin_validator

    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    root = ET.parse(path).getroot()
    with contextlib.redirect_stdout(io.StringIO()):  # some rules print
        data = cin_validator.process_data(cin_validator.convert_data(root))
        validator = cin_validator.CinValidator(data, registry)
    findings = []
    issues = validator.full_issue_df
    for code, group in issues.groupby("rule_code"):
        rule = registry.get(str(code))
        findings.append(
            {
                "code": str(code),
                "type": rule.rule_type.value,
                "message": rule.message,
                "children": sorted({str(c) for c in group["child_id"].dropna()}),
                "la_level": False,
            }
        )
    for code in sorted(set(validator.multichild_issues["rule_code"].astype(str))):
        rule = registry.get(code)
        findings.append(
            {"code": code, "type": rule.rule_type.value, "message": rule.message, "children": [], "la_level": True}
        )
    json.dump({"ruleset": ruleset, "rules_run": len(registry), "findings": findings}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The README's command reference is the commands' own --help, and its two set-up commands exist in the Makefile."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _reference_module():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_command_reference_is_up_to_date():
    module = _reference_module()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.updated_readme(text) == text, "README is stale: run `python scripts/cli_reference.py`"


def test_readme_opens_with_the_two_make_targets_that_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    assert [line.split()[1] for line in first_block.strip().splitlines()] == ["demo", "test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")

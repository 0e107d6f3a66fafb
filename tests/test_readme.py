"""The README's command reference is the commands' own --help, and its two set-up commands exist in the Makefile."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_command_reference_is_up_to_date():
    # In a fresh interpreter: other tests may have changed the in-process command registry.
    import subprocess
    import sys

    code = (
        "import sys, importlib.util; spec = importlib.util.spec_from_file_location('r', sys.argv[1]); "
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
        "sys.stdout.write(m.updated_readme(open(sys.argv[2], encoding='utf-8').read()))"
    )
    readme = ROOT / "README.md"
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "scripts" / "cli_reference.py"), str(readme)],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.stdout == readme.read_text(encoding="utf-8"), "README is stale: run scripts/cli_reference.py"


def test_readme_opens_with_the_two_make_targets_that_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    assert [line.split()[1] for line in first_block.strip().splitlines()] == ["demo", "test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")

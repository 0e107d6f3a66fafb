"""Regenerate templates/docx/*.docx from code: one module per document kind in scripts/docx_kinds/."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import docx_builder as b  # noqa: E402


def builders() -> dict:
    """kind module name -> its build(b) function, for every scripts/docx_kinds/*.py."""
    out = {}
    for path in sorted((HERE / "docx_kinds").glob("*.py")):
        if path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"docx_kinds.{path.stem}")
        out[path.stem] = module.build
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the named kinds (all when none are named) into templates/docx (or the folder in $DOCX_OUT)."""
    import os

    available = builders()
    kinds = list(argv if argv is not None else sys.argv[1:]) or sorted(available)
    unknown = [kind for kind in kinds if kind not in available]
    if unknown:
        print(f"Error: unknown document kind(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    target = os.environ.get("DOCX_OUT")
    for kind in kinds:
        name, document = available[kind](b)
        print(b.save(document, name, Path(target) if target else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())

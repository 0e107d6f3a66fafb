"""Regenerate templates/docx/*.docx from code: one builder function per document kind, registered in BUILDERS."""

from __future__ import annotations

import sys
from collections.abc import Callable

import docx_builder as b

# kind -> function returning (file name, python-docx Document). Add one entry per document kind.
BUILDERS: dict[str, Callable[[], tuple[str, object]]] = {}


def main(argv: list[str] | None = None) -> int:
    """Build the named kinds (all when none are named) into templates/docx."""
    kinds = list(argv if argv is not None else sys.argv[1:]) or sorted(BUILDERS)
    unknown = [kind for kind in kinds if kind not in BUILDERS]
    if unknown:
        print(f"Error: unknown document kind(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    for kind in kinds:
        name, document = BUILDERS[kind]()
        print(b.save(document, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())

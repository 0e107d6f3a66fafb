"""Write the README's CLI reference from the commands' own --help (a test checks the README is up to date)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def commands(group: click.Group, prefix: list[str]):
    yield prefix, group
    if isinstance(group, click.Group):
        for name in sorted(group.commands):
            yield from commands(group.commands[name], prefix + [name])


def reference() -> str:
    sys.path.insert(0, str(ROOT))
    from cin_docs.cli import cli

    parts = [START, ""]
    for path, command in commands(cli, ["cin-docs"]):
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        parts += [f"### `{' '.join(path)}`", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    parts.append(END)
    return "\n".join(parts)


def updated_readme(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return head + reference() + tail


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START not in text:
        text = text.rstrip("\n") + "\n\n## Command reference\n\n" + START + END + "\n"
    readme.write_text(updated_readme(text), encoding="utf-8")
    print(f"Updated the command reference in {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

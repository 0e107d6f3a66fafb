"""Safe loading of case files, profiles and configuration (YAML or JSON), with line numbers for error messages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import InputFileError

#: Case files are a few kilobytes; anything this large is a mistake (or an attack), not a case file.
MAX_BYTES = 2 * 1024 * 1024


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates and times as text and refuses aliases.

    Dates stay text so that marshmallow reports an impossible date (2026-02-30) against its field instead of
    PyYAML failing on the whole file; times stay text so that YAML 1.1 does not read `10:00` as the number 600.
    Aliases are refused because no case file needs them and they make "billion laughs" bombs possible.
    """

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:  # PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
            raise yaml.MarkedYAMLError(
                None, None,
                "YAML aliases (*name) are not allowed in cin-docs files; write the value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # PyYAML keeps the last of two equal keys: a second `meetings:` block would silently replace the first.
        seen: set[str] = set()
        for key_node, _ in node.value:
            key = getattr(key_node, "value", None)
            if isinstance(key, str):
                if key in seen:
                    raise yaml.MarkedYAMLError(
                        None, None, f"the key '{key}' appears twice in the same section; merge the two",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$""", re.X
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", re.X
)

_SafeLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SafeLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_SafeLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


class LoadedFile:
    """The parsed data of one file plus a way to find the line of a field path."""

    def __init__(self, path: Path, data: Any, root_node: yaml.Node | None):
        self.path = path
        self.data = data
        self._root = root_node

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest node of `path` that exists in the file (None for JSON)."""
        node, line = self._root, None
        for key in path:
            if isinstance(node, yaml.MappingNode):
                # An unknown key is in the file too (that is why it is reported), so it is found like any other.
                found = next((v for k, v in node.value if getattr(k, "value", None) == str(key)), None)
                if found is None:
                    return line
                node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
            else:
                return line
            line = node.start_mark.line + 1
        return line


def read_text(path: Path, what: str = "case file") -> str:
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"The {what} {path} does not exist. Check the path and try again.")
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not a {what}. Give the path of a .yaml or .json file.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputFileError(
            f"The {what} {path} is {size // (1024 * 1024)} MB, larger than the {MAX_BYTES // (1024 * 1024)} MB "
            f"cin-docs accepts. A {what} is a small text file; check that this is the right file."
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"The {what} {path} cannot be read ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(
            f"The {what} {path} is not UTF-8 text. Save it as UTF-8 (in most editors: Save As, encoding UTF-8)."
        ) from None
    if not text.strip():
        raise InputFileError(f"The {what} {path} is empty. It should hold the case details as YAML or JSON.")
    return text


def load_file(path: Path | str, what: str = "case file") -> LoadedFile:
    """Read a YAML or JSON file into plain data, refusing anything that is not a mapping at the top."""
    path = Path(path)
    text = read_text(path, what)
    root = None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                f"The {what} {path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from None
        except RecursionError:
            raise InputFileError(f"The {what} {path} is nested too deeply to be a {what}.") from None
    else:
        try:
            loader = _SafeLoader(text)
            try:
                root = loader.get_single_node()
                data = loader.construct_document(root) if root is not None else None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = exc.problem or exc.context or "it cannot be read"
            raise InputFileError(
                f"The {what} {path} is not valid YAML{where}: {problem}. "
                "Check the indentation and that every 'key: value' pair is on its own line."
            ) from None
        except yaml.YAMLError as exc:
            raise InputFileError(f"The {what} {path} is not valid YAML: {exc}.") from None
        except RecursionError:
            raise InputFileError(f"The {what} {path} is nested too deeply to be a {what}.") from None
    if not isinstance(data, dict):
        raise InputFileError(
            f"The {what} {path} should hold named fields (like 'case_id: ...') at the top level, "
            f"but it holds {_kind(data)}."
        )
    return LoadedFile(path, data, root)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    return "a single value"

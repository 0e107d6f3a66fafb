"""Safe loading of case files, profiles and configuration (YAML or JSON), with line numbers for error messages."""

from __future__ import annotations

import json
import os
import re
import stat
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
                None,
                None,
                "YAML aliases (*name) are not allowed in cin-docs files; write the value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # PyYAML keeps the last of two equal keys: a second `meetings:` block would silently replace the first.
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                # `<<: {...}` copies keys in past the duplicate check below (and they silently lose to the keys beside it).
                raise yaml.MarkedYAMLError(
                    None,
                    None,
                    "YAML merge keys (<<) are not allowed in cin-docs files; write the fields out in full",
                    key_node.start_mark,
                )
            key = getattr(key_node, "value", None)
            if isinstance(key, str):
                if key in seen:
                    raise yaml.MarkedYAMLError(
                        None,
                        None,
                        f"the key '{key}' appears twice in the same section; merge the two",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_INT = re.compile(r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$""", re.X)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.X,
)

_SafeLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SafeLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_SafeLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))

_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)  # libyaml's C parser, if PyYAML has it

#: _SafeLoader on libyaml's C parser when PyYAML has it, else None.
_FastLoader: type[_SafeLoader] | None

if _CParser is not None:

    class _CFastLoader(_CParser, _SafeLoader):  # type: ignore[misc]
        """_SafeLoader on libyaml's C parser (several times faster on a large caseload).

        Everything above the parser is _SafeLoader's (its resolvers, the duplicate-key check and any other
        construct-time check it gains), because the C parser comes first only for reading and composing. The C
        composer cannot be hooked to refuse an alias where it stands, so a text that could hold an anchor or alias
        never comes here (see _may_alias); and any YAML error is reported by _SafeLoader, so the messages are the
        same whichever parser read the file.
        """

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _FastLoader = _CFastLoader
else:  # pragma: no cover - PyYAML without libyaml
    _FastLoader = None

#: An anchor (&name) or alias (*name) can only start after a space, a flow indicator or at a line start.
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[\]{},:-])[&*][^\s,\]}]", re.M)


def _may_alias(text: str) -> bool:
    """True when the text could hold an anchor, an alias or a merge key ('<<'): the checking loader reads it."""
    return "<<" in text or _ANCHOR_OR_ALIAS.search(text) is not None


def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """(root node, data) of a YAML text: the C parser when it is safe to use, else the checking pure-Python one."""
    if _FastLoader is not None and not _may_alias(text):
        loader = _FastLoader(text)
        try:
            root = loader.get_single_node()
            return root, (loader.construct_document(root) if root is not None else None)
        except yaml.YAMLError:
            pass  # report it as _SafeLoader words it
        finally:
            loader.dispose()
    loader = _SafeLoader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


class LoadedFile:
    """The parsed data of one file plus a way to find the line of a field path."""

    def __init__(self, path: Path, data: Any, root_node: yaml.Node | None):
        self.path = path
        self.data = data
        self._root = root_node
        # Each mapping's keys are indexed once, on first use: finding the line of every error stays linear in the
        # size of the file (a scan per error made 40,000 unknown keys take a minute).
        self._keys: dict[int, dict[str, yaml.Node]] = {}

    def _index(self, node: yaml.MappingNode) -> dict[str, yaml.Node]:
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for k, v in node.value:
                index.setdefault(str(getattr(k, "value", "")), v)
            self._keys[id(node)] = index
        return index

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest node of `path` that exists in the file (None for JSON)."""
        node, line = self._root, None
        for key in path:
            if isinstance(node, yaml.MappingNode):
                found = self._index(node).get(str(key))
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
    """The text of a regular file of at most MAX_BYTES; the limit applies to what is read, not to what stat says."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError(f"The {what} {path} does not exist. Check the path and try again.") from None
    except OSError as exc:
        raise InputFileError(f"The {what} {path} cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"{path} is a folder, not a {what}. Give the path of a .yaml or .json file.")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO would block for ever and /dev/zero never ends; st_size is 0 for both.
        raise InputFileError(
            f"{path} is not an ordinary file (it is a device, pipe or socket). "
            f"Give the path of the {what} itself, a .yaml or .json file."
        )
    if info.st_size > MAX_BYTES:
        raise InputFileError(_too_big(path, what, info.st_size))
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since stat, opening it must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputFileError(f"{path} is not an ordinary file. Give the path of the {what} itself.")
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputFileError(f"The {what} {path} cannot be read ({exc.strerror}).") from None
    if len(raw) > MAX_BYTES:
        raise InputFileError(_too_big(path, what, len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(
            f"The {what} {path} is not UTF-8 text. Save it as UTF-8 (in most editors: Save As, encoding UTF-8)."
        ) from None
    if not text.strip():
        raise InputFileError(f"The {what} {path} is empty. It should hold the case details as YAML or JSON.")
    return text


def _too_big(path: Path, what: str, size: int) -> str:
    amount = f"{size // (1024 * 1024)} MB" if size > MAX_BYTES + 1 else f"over {MAX_BYTES // (1024 * 1024)} MB"
    return (
        f"The {what} {path} is {amount}, larger than the "
        f"{MAX_BYTES // (1024 * 1024)} MB cin-docs accepts. A {what} is a small text file; check that this is "
        "the right file."
    )


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads hook: like YAML, a key given twice in one object is an error, not a silent overwrite."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


#: Characters no case file needs and that do harm: control characters (terminal escape sequences, XML-invalid),
#: lone surrogates (cannot be written as UTF-8) and Unicode non-characters (U+FFFE, U+FFFF: not well-formed XML).
def _bad_character(text: str) -> str | None:
    for ch in text:
        code = ord(ch)
        if ch in "\t\n\r":
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F:
            return f"a control character (U+{code:04X}), which cannot be printed or saved in a document"
        if 0xD800 <= code <= 0xDFFF:
            return (
                f"half of an emoji or other character (U+{code:04X}), probably from a pasted \\u escape; "
                "write the character itself"
            )
        if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
            return f"the non-character U+{code:04X}, which Word and PDF files cannot hold"
    return None


#: Field names (keys) are short words; a longer key is a mistake, and it would be echoed in the error message.
MAX_KEY_LENGTH = 200


def _character_problems(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    bad = _bad_character(key)
                    if bad:
                        problems.append((where, f"a field name holds {bad}"))
                        continue
                    if len(key) > MAX_KEY_LENGTH:
                        problems.append((where, f"a field name is longer than {MAX_KEY_LENGTH} characters"))
                        continue
                stack.append((where + (key,), item))
        elif isinstance(value, list):
            stack.extend((where + (i,), item) for i, item in enumerate(value))
        elif isinstance(value, str):
            bad = _bad_character(value)
            if bad:
                problems.append((where, f"holds {bad}"))

    return sorted(problems, key=lambda p: [str(k) for k in p[0]])


def load_file(path: Path | str, what: str = "case file") -> LoadedFile:
    """Read a YAML or JSON file into plain data, refusing anything that is not a mapping at the top."""
    path = Path(path)
    text = read_text(path, what)
    root = None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except _DuplicateKey as exc:
            raise InputFileError(
                f"The {what} {path} gives the key '{_printable(exc.key)}' twice in the same section; merge the two."
            ) from None
        except json.JSONDecodeError as exc:
            raise InputFileError(
                f"The {what} {path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from None
        except RecursionError:
            raise InputFileError(f"The {what} {path} is nested too deeply to be a {what}.") from None
        except ValueError:  # an integer of thousands of digits (Python's int max str digits)
            raise InputFileError(_huge_number(path, what)) from None
    else:
        try:
            root, data = _parse_yaml(text)
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
        except ValueError:  # an integer of thousands of digits (Python's int max str digits)
            raise InputFileError(_huge_number(path, what)) from None
    if not isinstance(data, dict):
        raise InputFileError(
            f"The {what} {path} should hold named fields (like 'case_id: ...') at the top level, "
            f"but it holds {_kind(data)}."
        )
    loaded = LoadedFile(path, data, root)
    problems = _character_problems(data)
    if problems:
        from .models import format_path

        listed = "; ".join(
            format_path(where) + (f" (line {line})" if (line := loaded.line_of(where)) else "") + f": {message}"
            for where, message in problems[:20]
        )
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise InputFileError(
            f"The {what} {path} has values that cannot be used: {listed}{more}. "
            "Retype those values, or delete the stray characters."
        )
    return loaded


def _huge_number(path: Path, what: str) -> str:
    return (
        f"The {what} {path} holds a number with thousands of digits, which cannot be a value in a {what}. "
        "Check the file; put quotes around a long reference number to keep it as text."
    )


def _printable(text: str) -> str:
    """Text from a file made safe to print on a terminal: control characters shown as \\xNN, never sent raw."""
    return "".join(
        ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}" for ch in text
    )


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    return "a single value"

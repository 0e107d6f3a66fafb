"""The exact words a person sees when a file cannot be read, and the line the field errors point at.

test_inputs.py checks that each bad file gives one error paragraph through the CLI; this file pins the whole message
of each, because the words (which file, which line and column, what to do next) are the feature.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import write

from cin_docs import inputs
from cin_docs.errors import InputFileError
from cin_docs.inputs import load_file, read_text

FIX = "Check the indentation and that every 'key: value' pair is on its own line."


def message(path: Path, what: str | None = None) -> str:
    with pytest.raises(InputFileError) as err:
        load_file(path) if what is None else load_file(path, what)
    return err.value.message


def test_missing_file_and_folder(tmp_path):
    assert message(tmp_path / "nowhere.yaml") == (
        f"The case file {tmp_path / 'nowhere.yaml'} does not exist. Check the path and try again."
    )
    assert message(tmp_path) == f"{tmp_path} is a folder, not a case file. Give the path of a .yaml or .json file."


def test_what_the_file_is_called_comes_from_the_caller(tmp_path):
    assert message(tmp_path / "p.yaml", "policy profile") == (
        f"The policy profile {tmp_path / 'p.yaml'} does not exist. Check the path and try again."
    )
    with pytest.raises(InputFileError) as err:
        read_text(tmp_path / "q.yaml")
    assert err.value.message.startswith("The case file ")


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_BYTES", 2 * 1024 * 1024)
    path = write(tmp_path / "big.yaml", b"a" * (5 * 1024 * 1024 + 10))
    assert message(path) == (
        f"The case file {path} is 5 MB, larger than the 2 MB cin-docs accepts. A case file is a small text file; "
        "check that this is the right file."
    )


def test_unreadable(tmp_path, monkeypatch):
    path = write(tmp_path / "locked.yaml", "a: 1\n")

    import os

    real_open = os.open

    def refuse(name, *args, **kwargs):
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert message(path) == f"The case file {path} cannot be read (Permission denied)."


def test_not_utf8_empty_and_byte_order_mark(tmp_path):
    latin = write(tmp_path / "latin.yaml", "name: Ren\xe9e\n".encode("latin-1"))
    assert message(latin) == (
        f"The case file {latin} is not UTF-8 text. Save it as UTF-8 (in most editors: Save As, encoding UTF-8)."
    )
    empty = write(tmp_path / "empty.yaml", " \n\t\n")
    assert message(empty) == f"The case file {empty} is empty. It should hold the case details as YAML or JSON."
    # A byte order mark (Windows Notepad) is not part of the first key.
    assert load_file(write(tmp_path / "bom.yaml", "\ufeffcase_id: A-1\n")).data == {"case_id": "A-1"}
    assert load_file(write(tmp_path / "BOM.JSON", '\ufeff{"case_id": "A-1"}')).data == {"case_id": "A-1"}


def test_invalid_json_names_line_and_column(tmp_path):
    path = write(tmp_path / "case.json", '{\n  "case_id": "A-1",\n}')
    assert message(path) == (
        f"The case file {path} is not valid JSON: Expecting property name enclosed in double "
        "quotes at line 3, column 1."
    )
    deep = write(tmp_path / "deep.json", "[" * 5000)
    assert message(deep) == f"The case file {deep} is nested too deeply to be a case file."


def test_invalid_yaml_names_line_and_column(tmp_path):
    path = write(tmp_path / "case.yaml", "case_id: A-1\nchild:\n  first_name: [Ann\n  last_name: B\n")
    assert message(path) == (
        f"The case file {path} is not valid YAML at line 4, column 12: expected ',' or ']', but got ':'. {FIX}"
    )
    tabs = write(tmp_path / "tabs.yaml", "case_id: A-1\nchild:\n\tfirst_name: Ann\n")
    assert message(tabs) == (
        f"The case file {tabs} is not valid YAML at line 3, column 1: found character '\\t' "
        f"that cannot start any token. {FIX}"
    )


def test_an_alias_is_refused_where_it_is_used(tmp_path):
    path = write(tmp_path / "case.yaml", "a: &x 1\nb:\n  c: *x\n")
    assert message(path) == (
        f"The case file {path} is not valid YAML at line 3, column 6: YAML aliases (*name) are "
        f"not allowed in cin-docs files; write the value out in full. {FIX}"
    )


def test_a_key_given_twice_is_refused_at_the_second(tmp_path):
    path = write(tmp_path / "case.yaml", "case_id: A-1\nchild:\n  first_name: A\n  first_name: B\n")
    assert message(path) == (
        f"The case file {path} is not valid YAML at line 4, column 3: the key 'first_name' "
        f"appears twice in the same section; merge the two. {FIX}"
    )
    # The same key in two different sections is fine.
    assert load_file(write(tmp_path / "ok.yaml", "a: {name: x}\nb: {name: y}\n")).data == {
        "a": {"name": "x"},
        "b": {"name": "y"},
    }


@pytest.mark.parametrize(
    ("content", "holds"),
    [
        ("# only a comment\n", "nothing"),
        ("- a\n- b\n", "a list"),
        ("just words\n", "a single value"),
    ],
)
def test_the_top_level_must_be_named_fields(tmp_path, content, holds):
    path = write(tmp_path / "case.yaml", content)
    assert message(path) == (
        f"The case file {path} should hold named fields (like 'case_id: ...') at the top level, but it holds {holds}."
    )


def test_loaded_file_keeps_its_path_and_data(tmp_path):
    path = write(tmp_path / "case.yaml", "case_id: A-1\n")
    loaded = load_file(str(path))
    assert (loaded.path, loaded.data) == (path, {"case_id": "A-1"})


LINES = """\
case_id: A-1
child:
  first_name: Ann
  views:
    in_own_words: I like school.
meetings:
  - type: initial
    date: 2026-11-16
  -
    type: review
    date: 2026-12-01
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("case_id",), 1),
        (("child", "first_name"), 3),
        (("child", "views"), 5),  # a section: its first line
        (("child", "views", "in_own_words"), 5),
        (("meetings", 0, "date"), 8),
        (("meetings", 1), 10),
        (("meetings", 1, "type"), 10),
        (("meetings", 2, "date"), 7),  # no third meeting: the list itself
        (("meetings", "0"), 7),  # not an index: the list itself
        (("child", "last_name"), 3),  # missing: the section it is missing from
        (("nowhere", "at", "all"), None),
        ((), None),
    ],
)
def test_line_of(tmp_path, path, line):
    assert load_file(write(tmp_path / "case.yaml", LINES)).line_of(path) == line


def test_json_has_no_lines(tmp_path):
    loaded = load_file(write(tmp_path / "case.json", json.dumps({"case_id": "A-1", "child": {"first_name": "A"}})))
    assert loaded.line_of(("child", "first_name")) is None


def test_a_raw_control_character_is_named(tmp_path):
    """PyYAML refuses a raw control character before parsing (an error without a line mark)."""
    path = write(tmp_path / "case.yaml", "case_id: A\x07-1\n")
    text = message(path)
    assert text.startswith(f"The case file {path} is not valid YAML: unacceptable character #x0007")

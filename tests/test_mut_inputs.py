"""Loading case files: the exact words and line a person sees for each refusal the mutation run (make mutation)
showed no test held, and that the fast (libyaml) and the checking pure-Python YAML loaders agree on every one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from factories import write

from cin_docs import inputs
from cin_docs.errors import InputFileError
from cin_docs.inputs import MAX_BYTES, load_file

HOW_TO_FIX = "Retype those values, or delete the stray characters."
CONTROL = "holds a control character (U+{:04X}), which cannot be printed or saved in a document"
NON_CHARACTER = "holds the non-character U+{:04X}, which Word and PDF files cannot hold"
HALF = (
    "holds half of an emoji or other character (U+{:04X}), probably from a pasted \\u escape; "
    "write the character itself"
)


def refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as info:
        load_file(path)
    return info.value.message


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request, monkeypatch):
    """Run the test with each YAML loader: the fast one is the default; None makes the checking one read it all."""
    if request.param == "pure-python":
        monkeypatch.setattr(inputs, "_FastLoader", None)
    elif inputs._FastLoader is None:  # pragma: no cover - PyYAML without libyaml
        pytest.fail("PyYAML has no libyaml here, so the fast loader cannot be compared")
    return request.param


# --- YAML refusals, same words from both loaders ------------------------------------------------------------------


def test_a_merge_key_is_refused_at_its_line(tmp_path, loader):
    path = write(tmp_path / "case.yaml", "case_id: A\nplan:\n  <<: {start: 2026-01-01}\n")
    assert refusal(path) == (
        f"The case file {path} is not valid YAML at line 3, column 3: YAML merge keys (<<) are not allowed in "
        "cin-docs files; write the fields out in full. Check the indentation and that every 'key: value' pair is "
        "on its own line."
    )


def test_a_file_of_comments_only_holds_nothing(tmp_path, loader):
    path = write(tmp_path / "case.yaml", "# the case details will go here\n")
    assert refusal(path) == (
        f"The case file {path} should hold named fields (like 'case_id: ...') at the top level, but it holds nothing."
    )


def test_control_characters_are_listed_by_field_and_line_in_field_order(tmp_path, loader):
    # Found while walking the file in another order; listed in the order of the fields' names. A number as a key
    # (line 2) sorts with the names rather than breaking the listing.
    path = write(tmp_path / "case.yaml", 'case_id: A\n1: "\\a"\nb: "\\x01"\na: ["ok", "x\\x7f"]\n')
    assert refusal(path) == (
        f"The case file {path} has values that cannot be used: [1] (line 2): {CONTROL.format(7)}; "
        f"a[1] (line 4): {CONTROL.format(0x7F)}; b (line 3): {CONTROL.format(1)}. {HOW_TO_FIX}"
    )


def test_a_control_character_after_a_tab_or_a_line_break_is_still_found(tmp_path, loader):
    # Tab, line feed and carriage return are allowed (they are how people write); what follows them is still read.
    path = write(tmp_path / "case.yaml", 'a: "line\\tone\\x0c"\nb: "x\\ny\\x1b"\nc: "one\\r\\ntwo"\n')
    assert refusal(path) == (
        f"The case file {path} has values that cannot be used: a (line 1): {CONTROL.format(0x0C)}; "
        f"b (line 2): {CONTROL.format(0x1B)}. {HOW_TO_FIX}"
    )


@pytest.mark.parametrize(
    ("escape", "message"),
    [
        ("\\x7f", CONTROL.format(0x7F)),  # DEL, the first of the C1 block's neighbours
        ("\\x80", CONTROL.format(0x80)),
        ("\\x9f", CONTROL.format(0x9F)),  # the last C1 control
        ("\\ufdd0", NON_CHARACTER.format(0xFDD0)),
        ("\\ufdef", NON_CHARACTER.format(0xFDEF)),
        ("\\ufffe", NON_CHARACTER.format(0xFFFE)),
        ("\\uffff", NON_CHARACTER.format(0xFFFF)),
        ("\\U0001FFFE", NON_CHARACTER.format(0x1FFFE)),
    ],
)
def test_each_kind_of_unusable_character_is_named(tmp_path, loader, escape, message):
    path = write(tmp_path / "case.yaml", f'case_id: A\nnotes: "x{escape}y"\n')
    assert (
        refusal(path) == f"The case file {path} has values that cannot be used: notes (line 2): {message}. {HOW_TO_FIX}"
    )


def test_the_characters_next_to_the_refused_ones_are_accepted(tmp_path, loader):
    # U+00A0 no-break space, U+D7FF, U+E000 (private use), U+FDCF, U+FDF0 (Arabic ligatures), U+FFFD (replacement).
    text = 'notes: "\\xa0 \\ud7ff \\ue000 \\ufdcf \\ufdf0 \\ufffd \\t tab"\n'
    assert load_file(write(tmp_path / "case.yaml", text)).data == {
        "notes": "\xa0 \ud7ff \ue000 \ufdcf \ufdf0 \ufffd \t tab"
    }


def test_field_names_with_control_characters_or_too_long_are_each_listed(tmp_path, loader):
    long_name = "x" * 201
    text = f'case_id: A\nplan:\n  "a\\x07": 1\n  "b\\x08": 2\n  {long_name}: 3\n  {"y" * 200}: 4\n  c: "\\x1b"\n'
    path = write(tmp_path / "case.yaml", text)
    name_holds = "a field name holds a control character (U+{:04X}), which cannot be printed or saved in a document"
    assert refusal(path) == (
        f"The case file {path} has values that cannot be used: plan (line 3): {name_holds.format(7)}; "
        f"plan (line 3): {name_holds.format(8)}; plan (line 3): a field name is longer than 200 characters; "
        f"plan.c (line 7): {CONTROL.format(0x1B)}. {HOW_TO_FIX}"
    )


def test_a_field_name_of_200_characters_is_accepted(tmp_path, loader):
    name = "n" * 200
    assert load_file(write(tmp_path / "case.yaml", f"{name}: 1\n")).data == {name: 1}


def test_a_number_of_thousands_of_digits_is_refused_in_words(tmp_path, loader):
    path = write(tmp_path / "case.yaml", "case_id: A\nreference: " + "9" * 5000 + "\n")
    assert refusal(path) == (
        f"The case file {path} holds a number with thousands of digits, which cannot be a value in a case file. "
        "Check the file; put quotes around a long reference number to keep it as text."
    )


# --- JSON ---------------------------------------------------------------------------------------------------------


def test_json_lone_surrogates_are_named(tmp_path):
    path = write(tmp_path / "case.json", '{"a": "\\ud800", "b": "x\\udfff"}')
    assert refusal(path) == (
        f"The case file {path} has values that cannot be used: a: {HALF.format(0xD800)}; b: {HALF.format(0xDFFF)}. "
        f"{HOW_TO_FIX}"
    )


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("start", "start"),
        ("a\\u001bb", "a\\x1bb"),  # an escape sequence is shown, never sent to the terminal
        ("x\\u0085y", "x\\x85y"),  # a C1 control (next line)
        ("x\\u2028y", "x\\u2028y"),  # a line separator, beyond Latin-1
    ],
)
def test_a_json_key_given_twice_is_named_printably(tmp_path, key, shown):
    path = write(tmp_path / "case.json", f'{{"case_id": "A", "plan": {{"{key}": 1, "{key}": 2}}}}')
    assert refusal(path) == f"The case file {path} gives the key '{shown}' twice in the same section; merge the two."


def test_a_json_number_of_thousands_of_digits_is_refused_in_words(tmp_path):
    path = write(tmp_path / "case.json", '{"reference": ' + "9" * 5000 + "}")
    assert refusal(path) == (
        f"The case file {path} holds a number with thousands of digits, which cannot be a value in a case file. "
        "Check the file; put quotes around a long reference number to keep it as text."
    )


@pytest.mark.parametrize(
    ("count", "listed", "more"), [(20, 20, ""), (21, 20, " (and 1 more)"), (22, 20, " (and 2 more)")]
)
def test_at_most_20_unusable_values_are_listed_then_how_many_more(tmp_path, loader, count, listed, more):
    # Fields f01, f02, ... each on their own line, each holding a bell character (U+0007).
    text = "".join(f'f{i:02d}: "\\a"\n' for i in range(1, count + 1))
    path = write(tmp_path / "case.yaml", text)
    shown = "; ".join(f"f{i:02d} (line {i}): {CONTROL.format(7)}" for i in range(1, listed + 1))
    assert refusal(path) == f"The case file {path} has values that cannot be used: {shown}{more}. {HOW_TO_FIX}"


# --- the file itself ------------------------------------------------------------------------------------------------


def test_a_device_is_refused(tmp_path):
    assert refusal(Path("/dev/null")) == (
        "/dev/null is not an ordinary file (it is a device, pipe or socket). "
        "Give the path of the case file itself, a .yaml or .json file."
    )


def test_a_name_too_long_for_the_system_is_a_plain_error(tmp_path):
    path = tmp_path / ("c" * 300 + ".yaml")
    assert refusal(path) == f"The case file {path} cannot be read (File name too long)."


@pytest.mark.parametrize(
    ("extra", "amount"),
    [(1, "over 2 MB"), (2, "2 MB"), (3 * 1024 * 1024, "5 MB")],
)
def test_a_file_over_the_limit_says_by_how_much(tmp_path, extra, amount):
    # 2 MB + 1 byte is "over 2 MB" (not "2 MB", which would read as within the limit); 2 MB + 2 bytes and more are
    # given in whole megabytes.
    path = write(tmp_path / "case.yaml", b"#" * (MAX_BYTES + extra))
    assert refusal(path) == (
        f"The case file {path} is {amount}, larger than the 2 MB cin-docs accepts. A case file is a small text file; "
        "check that this is the right file."
    )


def test_a_file_of_exactly_the_limit_is_read(tmp_path):
    head = "case_id: A\n"
    path = write(tmp_path / "case.yaml", head + "#" * (MAX_BYTES - len(head)))
    assert load_file(path).data == {"case_id": "A"}


def _stat_says_small_regular_file(monkeypatch, tmp_path, target: Path) -> None:
    """The file is swapped between the check and the read: the check saw a small ordinary file."""
    small = write(tmp_path / "small.yaml", "a: 1\n")
    real = Path.stat

    def stat(self, *args, **kwargs):
        return real(small if self == target else self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)


def test_a_file_swapped_for_a_pipe_after_the_check_is_refused_without_waiting(tmp_path, monkeypatch):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    _stat_says_small_regular_file(monkeypatch, tmp_path, fifo)
    assert refusal(fifo) == f"{fifo} is not an ordinary file. Give the path of the case file itself."


def test_a_file_that_grew_after_the_check_is_refused_by_what_was_read(tmp_path, monkeypatch):
    path = write(tmp_path / "case.yaml", b"#" * (MAX_BYTES + 5000))
    _stat_says_small_regular_file(monkeypatch, tmp_path, path)
    assert refusal(path) == (
        f"The case file {path} is over 2 MB, larger than the 2 MB cin-docs accepts. A case file is a small text "
        "file; check that this is the right file."
    )

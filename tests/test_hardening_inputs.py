"""Bad input is a plain message, never "unexpected problem … report it" (L1), and is refused up front (L4, L5, L8,
M5): non-regular files, duplicate and merge keys, control characters, huge numbers, endless lists."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cin_docs.cli import cli, printable
from cin_docs.render.docx import reproducible_zip

ROOT = Path(__file__).resolve().parents[1]
MID_PLAN = ROOT / "samples" / "hillingdon-mid-plan.yaml"
GOOD = """\
case_id: IN-1
policy: hillingdon
child:
  first_name: Test
  last_name: Child
  date_of_birth: 2016-04-02
"""


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def plain_error(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    text = result.stderr
    assert text.startswith("Error: ") or "Error: " in text, text
    assert "unexpected problem" not in text and "report it" not in text and "Traceback" not in result.output
    return text


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- files that are not files ----------------------------------------------------------------------------------


def test_dev_zero_and_a_fifo_are_refused_at_once(tmp_path):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    for path in ("/dev/zero", str(fifo)):
        assert "is not an ordinary file" in plain_error(run("validate", path))
        assert "is not an ordinary file" in plain_error(run("--config", path, "validate", str(MID_PLAN)))
    assert time.monotonic() - start < 10


# ---- strictness ------------------------------------------------------------------------------------------------


def test_json_duplicate_keys_are_refused_like_yaml_ones(tmp_path):
    path = write(tmp_path, '{"case_id": "X1", "policy": "hillingdon", "case_id": "X2"}', "case.json")
    assert "gives the key 'case_id' twice in the same section" in plain_error(run("validate", str(path)))


def test_yaml_merge_keys_are_refused(tmp_path):
    path = write(tmp_path, GOOD + "<<: {case_id: X2}\n")
    assert "YAML merge keys (<<) are not allowed" in plain_error(run("validate", str(path)))


def test_a_case_id_with_a_trailing_newline_is_invalid(tmp_path):
    path = write(tmp_path, GOOD.replace("case_id: IN-1", 'case_id: "IN-1\\n"'))
    assert "case_id (line 1): Must be 1-40 letters" in plain_error(run("validate", str(path)))


@pytest.mark.parametrize("value, message", [('" "', "Must not be blank"), ('"Amy\\nSmith"', "Must be on one line")])
def test_blank_names_and_names_on_two_lines_are_refused(tmp_path, value, message):
    path = write(tmp_path, GOOD.replace("first_name: Test", f"first_name: {value}"))
    assert f"child.first_name (line 4): {message}" in plain_error(run("validate", str(path)))


@pytest.mark.parametrize(
    "value, shown",
    [
        ('"A\\ud800"', "U+D800"),  # a lone surrogate from a YAML escape
        ('"\\ud83d\\ude00"', "U+D83D"),  # a JSON-style pair pasted into YAML
        ('"Amy\\uFFFE"', "U+FFFE"),  # made the Word file "not well-formed XML … a bug in the template"
        ('"\\e]0;PWNED\\a"', "U+001B"),  # a terminal escape sequence (sets the window title)
    ],
)
def test_characters_that_cannot_be_printed_or_saved_are_refused_by_path_without_echoing(tmp_path, value, shown):
    path = write(tmp_path, GOOD.replace("first_name: Test", f"first_name: {value}"))
    text = plain_error(run("validate", str(path)))
    assert "child.first_name (line 4)" in text and shown in text
    assert "\x1b" not in text and "PWNED" not in text


def test_an_escape_sequence_in_an_unknown_key_is_never_echoed(tmp_path):
    path = write(tmp_path, GOOD + '"\\e]52;c;ZXZpbA==\\a": 1\n')
    text = plain_error(run("validate", str(path)))
    assert "\x1b" not in text and "\x07" not in text and "a field name holds a control character" in text


def test_printable_shows_control_characters_and_keeps_line_breaks():
    assert printable("a\x1b]0;x\x07b\nc") == "a\\x1b]0;x\\x07b\nc"


@pytest.mark.parametrize(
    "name, text",
    [
        ("bigint.yaml", GOOD + "extra: " + "9" * 5000 + "\n"),
        ("bigint.json", '{"case_id": "X", "n": ' + "9" * 5000 + "}"),
    ],
)
def test_a_number_of_thousands_of_digits_is_a_plain_error(tmp_path, name, text):
    assert "a number with thousands of digits" in plain_error(run("validate", str(write(tmp_path, text, name))))


# ---- bounded work ----------------------------------------------------------------------------------------------


def test_a_list_of_200000_lines_is_refused_before_anything_is_rendered(tmp_path, monkeypatch):
    # The limit is checked when the file is validated, so the renderer (which took 7.6 GB on this) never starts.
    import cin_docs.render.pdf as pdf

    def must_not_render(*args, **kwargs):
        raise AssertionError("the PDF renderer was reached")

    monkeypatch.setattr(pdf, "render_pdf", must_not_render)
    data = yaml.safe_load(MID_PLAN.read_text(encoding="utf-8"))
    data["plan"]["distribution"] = ["x"] * 200000
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=10**9), encoding="utf-8")
    assert path.stat().st_size < 2 * 1024 * 1024
    text = plain_error(run("render", "plan", str(path), "--format", "pdf", "-o", str(tmp_path / "o")))
    assert "plan.distribution" in text and "Too many entries: at most 1000" in text


def test_a_value_of_any_field_is_bounded(tmp_path):
    path = write(tmp_path, GOOD + "authority: {name: X, logo: " + "a" * 60000 + ", email: " + "b" * 300 + "@x.uk}\n")
    text = plain_error(run("validate", str(path)))
    assert "authority.logo (line 7): Too long: at most 500 characters." in text
    assert "authority.email (line 7): Too long: at most 254 characters." in text


def test_error_lines_for_many_unknown_keys_come_from_an_index_built_once(tmp_path, monkeypatch):
    # Quadratic before: every error's line was found by scanning the whole mapping. Now each mapping's keys are
    # indexed once, so 20,000 errors read each key once (counted, not timed: timings live in make bench).
    from cin_docs import inputs

    built = []
    real_index = inputs.LoadedFile._index

    def counting_index(self, node):
        if id(node) not in self._keys:
            built.append(len(node.value))
        return real_index(self, node)

    monkeypatch.setattr(inputs.LoadedFile, "_index", counting_index)
    keys = "".join(f"k{n}: 1\n" for n in range(20000))
    path = write(tmp_path, GOOD + keys)
    text = plain_error(run("validate", str(path)))
    assert "k19999 (line 20006): Unknown field" in text
    assert built.count(max(built)) == 1, "the top-level mapping is indexed once, not once per error"
    assert sum(built) < 2 * 20010


# ---- every user-caused failure is a plain message (L1) ---------------------------------------------------------


@pytest.mark.parametrize("meeting", ["²", "٣"])
def test_meeting_numbers_in_other_digits_are_a_plain_error_not_meeting_3(meeting):
    text = plain_error(
        run(
            "render",
            "invitation",
            str(MID_PLAN),
            "--meeting",
            meeting,
            "--as-of",
            "2026-11-23",
            "-o",
            "/nonexistent-should-not-be-made",
        )
    )
    assert "--meeting takes a meeting's number" in text


def test_an_empty_ics_name_is_a_usage_error():
    assert "--ics needs the name of a file" in plain_error(run("due-dates", str(MID_PLAN), "--ics", ""), 2)


@pytest.mark.parametrize(
    "args",
    [
        ("render", "plan", str(MID_PLAN), "--as-of", "2108-01-01"),
        ("pack", "panel", str(MID_PLAN), "--panel-date", "9999-12-31"),
    ],
)
def test_dates_beyond_2100_on_the_command_line_are_usage_errors(args):
    result = run(*args)
    assert result.exit_code == 2 and "must fall between 1900 and 2100" in result.output


def test_word_files_dated_after_2107_still_zip():
    data = reproducible_zip(reproducible_zip_source(), dt.date(2150, 1, 1))
    assert data[:2] == b"PK"


def reproducible_zip_source() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", "<a/>")
    return buffer.getvalue()


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_a_closed_pipe_is_quiet(reader):
    command = f'"{sys.executable}" -m cin_docs.cli due-dates "{MID_PLAN}" --as-of 2026-11-23 | {reader}'
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    if reader == "head -1":
        assert result.stdout.startswith("Deadlines for case HIL-2026-0143")
    assert result.stderr == ""


def test_a_console_that_cannot_show_every_character_still_gets_the_output():
    result = subprocess.run(
        [sys.executable, "-m", "cin_docs.cli", "policies", "show", "hillingdon"],
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "latin-1"},
    )
    assert result.returncode == 0, result.stderr
    assert b"next_visit" in result.stdout and result.stderr == b""

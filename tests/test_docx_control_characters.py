"""Control characters in the case file never reach a Word document, and never stop one being made.

A form feed or bell can arrive in a case file as a JSON or YAML escape ("\\f"), or pasted from another system. XML
1.0 forbids them; docxtpl would turn \\a into a new paragraph and \\f into a page break; lxml refuses them in the
document properties with a ValueError. The Word file made from a case with them must be the very file made from
the same case without them.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner

from cin_docs.cli import cli
from textutil import docx_text

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "hillingdon-mid-plan.yaml"
CONTROL = "\f\a\x01\v\x1f"
# A byte XML forbids (tab, line feed and carriage return are allowed).
FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _dirty(text: str) -> str:
    """Control characters at the start, in the middle and at the end of `text`."""
    middle = len(text) // 2
    return f"\f{text[:middle]}{CONTROL}{text[middle:]}\a"


def _render(tmp_path: Path, name: str, data: dict, dirty: dict | None = None, kind: str = "plan") -> bytes:
    """The Word file for `data`. The loader refuses control characters in a case file (tests/test_hardening_inputs),
    so `dirty` ({path tuple: value}) is put into the loaded case in memory: what a profile, a configuration file or
    any future way in could still hand the renderer, which must then strip them itself."""
    import datetime as dt

    from cin_docs import api
    from cin_docs.documents import Options

    folder = tmp_path / name
    folder.mkdir()
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    case = api.load(path, {"closures": []})
    for keys, value in (dirty or {}).items():
        target = case.data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    result = api.render(case, kind, Options(as_of=dt.date(2026, 11, 23)), ("docx",), folder / "out")
    (out,) = result.paths
    return out.read_bytes()


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("control")
    clean = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    clean["plan"]["actions"][1]["action"] = "First line.\nSecond line."
    # The child's name is in the header and the body; the authority's name is also the document's author property.
    # Body text, one line and several lines (a multi-line text takes docxtpl's Listing path).
    dirty = {
        ("child", "first_name"): _dirty(clean["child"]["first_name"]),
        ("authority", "name"): _dirty(clean["authority"]["name"]),
        ("plan", "actions", 0, "action"): _dirty(clean["plan"]["actions"][0]["action"]),
        ("plan", "actions", 1, "action"): f"First{CONTROL} line.\n\fSecond line.\a",
    }
    return _render(tmp_path, "clean", clean), _render(tmp_path, "dirty", clean, dirty), clean


def test_a_case_file_with_them_is_refused_at_loading(tmp_path):
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["child"]["first_name"] = _dirty(data["child"]["first_name"])
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and "child.first_name" in result.output and "control character" in result.output


def test_the_case_really_has_control_characters():
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    assert "\f" in yaml.safe_load(yaml.safe_dump({"x": _dirty(data["child"]["first_name"])}))["x"]


def test_no_xml_part_holds_a_forbidden_character(renders):
    _, dirty, _ = renders
    with zipfile.ZipFile(io.BytesIO(dirty)) as package:
        bad = {
            name: FORBIDDEN.findall(package.read(name))
            for name in package.namelist()
            if name.endswith((".xml", ".rels"))
        }
    assert {name: found for name, found in bad.items() if found} == {}


def test_the_word_file_is_the_one_made_without_them(renders):
    clean, dirty, _ = renders
    # No page break, paragraph or character more or less: the two packages are identical byte for byte.
    assert dirty == clean


def test_the_text_is_there_without_them(renders):
    _, dirty, data = renders
    text = docx_text(dirty)
    assert data["child"]["first_name"] in text
    assert data["plan"]["actions"][0]["action"] in text
    assert "First line." in text and "Second line." in text
    assert docx.Document(io.BytesIO(dirty)).core_properties.author == data["authority"]["name"]

"""The C (libyaml) loading path gives the same data, lines and refusals as the checking pure-Python loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cin_docs import inputs
from cin_docs.errors import InputFileError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))

pytestmark = pytest.mark.skipif(inputs._FastLoader is None, reason="PyYAML was built without libyaml")


def parse_with(loader_class, text):
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root)
    finally:
        loader.dispose()


def lines(node, out=None):
    out = [] if out is None else out
    out.append((node.tag, node.start_mark.line, node.start_mark.column))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines(key, out)
            lines(value, out)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            lines(item, out)
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_same_data_and_line_numbers_on_every_sample(sample):
    text = sample.read_text(encoding="utf-8")
    assert not inputs._may_alias(text)  # the samples take the fast path
    fast_root, fast = parse_with(inputs._FastLoader, text)
    slow_root, slow = parse_with(inputs._SafeLoader, text)
    assert fast == slow
    assert lines(fast_root) == lines(slow_root)


def test_the_fast_path_is_the_one_load_file_uses(monkeypatch, tmp_path):
    used = []
    real = inputs._FastLoader

    class Spy(real):
        def __init__(self, stream):
            used.append(True)
            super().__init__(stream)

    monkeypatch.setattr(inputs, "_FastLoader", Spy)
    path = tmp_path / "c.yaml"
    path.write_text("case_id: A\nwhen: 2026-01-02\ntime: 10:00\n", encoding="utf-8")
    data = inputs.load_file(path).data
    assert used and data == {"case_id": "A", "when": "2026-01-02", "time": "10:00"}  # dates and times stay text


def _error(tmp_path, text) -> str:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        inputs.load_file(path)
    return info.value.message


def test_duplicate_keys_are_refused_on_the_fast_path(tmp_path):
    text = "case_id: A\nplan:\n  start: 2026-01-01\n  start: 2026-02-01\n"
    assert not inputs._may_alias(text)
    message = _error(tmp_path, text)
    assert "the key 'start' appears twice in the same section" in message and "line 4" in message


@pytest.mark.parametrize(
    "text", ["a: &x 1\nb: *x\n", "a: [&x 1, *x]\n", "- &a\n  k: v\n- *a\n", "a: {b: &x 1, c: *x}\n"]
)
def test_anything_that_may_alias_goes_to_the_checking_loader(tmp_path, text):
    assert inputs._may_alias(text)
    assert "YAML aliases (*name) are not allowed" in _error(tmp_path, text)


def test_merge_keys_take_the_checking_loader():
    assert inputs._may_alias("a: 1\nb:\n  <<: {c: 2}\n")


def test_text_with_stars_in_it_still_loads(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("notes: 'rated *5* stars & more'\nlist: [a*b]\n", encoding="utf-8")
    assert inputs.load_file(path).data["notes"] == "rated *5* stars & more"


def test_syntax_errors_are_worded_as_before(tmp_path):
    text = "case_id: A\nplan:\n  start: 2026-01-01\n bad: [\n"
    message = _error(tmp_path, text)
    with pytest.raises(yaml.MarkedYAMLError) as info:
        parse_with(inputs._SafeLoader, text)
    assert (info.value.problem or info.value.context) in message

"""Small builders the engine and input tests share: a minimal case file, and a file written as given."""

from __future__ import annotations

from pathlib import Path


def case_data(case_id: str, policy: str = "hillingdon", child: dict | None = None, **fields) -> dict:
    """A minimal case file (as a YAML file would give it: dates as text); `child` fields are merged into the
    child's, every other field replaces the top-level key."""
    data = {"case_id": case_id, "policy": policy, "child": {"first_name": "Test", "last_name": "Child"}}
    data["child"].update(child or {})
    data.update(fields)
    return data


def write(path: Path, content: str | bytes) -> Path:
    """`content` written to `path` byte for byte (bytes) or as UTF-8 (text)."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path

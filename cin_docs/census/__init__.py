"""DfE Children in Need census code lists (data in codes.yaml) and their meanings in words."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CODES_FILE = Path(__file__).with_name("codes.yaml")


@lru_cache(maxsize=None)
def _all() -> dict[str, dict[str, str]]:
    with CODES_FILE.open(encoding="utf-8") as handle:
        return {name: {str(k): str(v) for k, v in codes.items()} for name, codes in yaml.safe_load(handle).items()}


def codes(list_name: str) -> dict[str, str]:
    """{code: meaning} for one census list, e.g. codes('closure_reason')['RC7']."""
    return dict(_all()[list_name])


def meaning(list_name: str, code: str | None) -> str | None:
    """The meaning of one code in words, or None when no code is given."""
    if code is None:
        return None
    return _all()[list_name][code]

"""DfE Children in Need census code lists (data in codes.yaml) and their meanings in words."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

CODES_FILE = Path(__file__).with_name("codes.yaml")


@cache
def _all() -> dict[str, dict[str, str]]:
    # Our own file, so libyaml's loader when PyYAML has it (a tenth of the pure-Python parse, which ran on every case
    # file validated); the same data either way.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with CODES_FILE.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=loader)
    return {name: {str(k): str(v) for k, v in codes.items()} for name, codes in data.items()}


def codes(list_name: str) -> dict[str, str]:
    """{code: meaning} for one census list, e.g. codes('closure_reason')['RC7']."""
    return dict(_all()[list_name])


def meaning(list_name: str, code: str | None) -> str | None:
    """The meaning of one code in words, or None when no code is given."""
    if code is None:
        return None
    return _all()[list_name][code]


#: The check-letter alphabet of a unique pupil number (DfE UPN guide): value 0 = A ... 22 = Z, without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(upn: str) -> str | None:
    """The check letter characters 2-13 of a UPN call for (weights 2 to 13, remainder of 23), or None if malformed."""
    if len(upn) != 13:
        return None
    total = 0
    for weight, char in enumerate(upn[1:], start=2):
        if char.isdigit():
            value = int(char)
        elif char in UPN_LETTERS:  # a temporary UPN ends in a letter
            value = UPN_LETTERS.index(char)
        else:
            return None
        total += value * weight
    return UPN_LETTERS[total % 23]

"""Build templates/html/fonts/cin-docs-Form.ttf: the font of the escalation form's fillable fields.

A PDF form field must carry its whole font (a viewer redraws what the user types with it), so the form used to embed
all of DejaVu Sans (~380 KB compressed). This is DejaVu Sans cut down to what names, job titles, agencies, dates and
notes in English case work use: Latin (Basic, Latin-1, Extended-A and B, so Polish, Romanian, Turkish, Vietnamese
base letters), combining accents, Greek and Cyrillic letters, and common punctuation and symbols. Renamed, as the
DejaVu/Bitstream licence asks of modified fonts (templates/html/fonts/LICENSE). A test checks the shipped file is
what this script builds.

    .venv/bin/python scripts/build_form_font.py
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "templates" / "html" / "fonts" / "DejaVuSans.ttf"
TARGET = ROOT / "templates" / "html" / "fonts" / "cin-docs-Form.ttf"
FAMILY = "cin-docs Form"

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese and Welsh ŵ ŷ are here and in Extended-A)
    (0x2010, 0x2027),  # dashes, quotation marks, bullet, ellipsis
    (0x2030, 0x203A),  # per mille, primes, single angle quotes
    (0x20AC, 0x20AC),  # euro
    (0x2116, 0x2116),  # numero
    (0x2122, 0x2122),  # trade mark
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus
    (0x2713, 0x2714),  # check marks
    (0xFFFD, 0xFFFD),  # replacement character
]


def build() -> bytes:
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset": FontForge's timestamps, dropped
    font = TTFont(SOURCE, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # the same bytes on every build
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for low, high in RANGES for u in range(low, high + 1)])
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 4:
            names.setName(FAMILY, 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName("cin-docs-Form", 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            names.setName(
                f"{FAMILY}: subset of DejaVu Sans 2.37", 3, record.platformID, record.platEncID, record.langID
            )
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def main() -> int:
    data = build()
    TARGET.write_bytes(data)
    print(
        f"Wrote {TARGET.relative_to(ROOT)} ({len(data) // 1024} KB; DejaVuSans.ttf is {SOURCE.stat().st_size // 1024} KB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

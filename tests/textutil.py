"""Text extraction from rendered documents, for tests that compare the DOCX and PDF of the same context."""

from __future__ import annotations

import io
import re

import docx
import pypdf
from docx.table import Table
from docx.text.paragraph import Paragraph


def docx_text(data: bytes) -> str:
    """Body paragraphs and table cells in document order, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        lines.append(cell.text)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def norm(text: str) -> str:
    """Whitespace folded to single spaces, so line wrapping does not matter."""
    return re.sub(r"\s+", " ", text).strip()


def contains_all(text: str, needles) -> list[str]:
    """The needles (after folding whitespace) that `text` does NOT contain."""
    folded = norm(text)
    return [n for n in needles if norm(n) not in folded]


GOLDEN_DIR = __import__("pathlib").Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Compare extracted text with tests/golden/<name>.txt; UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    import os

    golden = GOLDEN_DIR / f"{name}.txt"
    text += "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"No golden file {golden}: run the tests once with UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), f"{name} changed: check it, then rerun with UPDATE_GOLDEN=1"

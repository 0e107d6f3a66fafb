"""Word tables are laid out like the PDF's (review M6): fixed column widths in the PDF's proportions across the text
width, rows that never split over pages, and header rows that repeat."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from cin_docs import resources

TEMPLATES = sorted(resources.docx_templates_dir().glob("*.docx"))
TEXT_WIDTH_TWIPS = 9638  # 17 cm between 2 cm margins on A4


def tables(path):
    return docx.Document(io.BytesIO(path.read_bytes())).tables


def grid_widths(table) -> list[int]:
    return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def first_texts(table) -> list[str]:
    return [c.text for c in table.rows[0].cells]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_table_has_fixed_widths_across_the_page_and_whole_rows(path):
    for n, table in enumerate(tables(path)):
        layout = table._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed", (path.name, n, first_texts(table))
        widths = grid_widths(table)
        assert abs(sum(widths) - TEXT_WIDTH_TWIPS) <= len(widths), (path.name, n, widths)
        for row in table.rows:
            tr_pr = row._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None, (path.name, n, first_texts(table))
            for cell, width in zip(row.cells, widths):
                assert abs(cell.width.twips - width) <= 1 if cell.width is not None else False, (path.name, n)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_tables_with_a_header_row_repeat_it_on_every_page(path):
    for table in tables(path):
        first = table.rows[0]
        cells = first.cells
        bold = all(r.bold for c in cells for p in c.paragraphs for r in p.runs if r.text.strip())
        looks_like_header = bold and all(c.text.strip() and "{" not in c.text for c in cells)
        if looks_like_header and len(table.columns) > 2:
            assert first._tr.trPr.find(qn("w:tblHeader")) is not None, (path.name, first_texts(table))


def test_the_plans_action_table_gives_the_text_the_room():
    (actions,) = [
        t
        for t in tables(resources.docx_templates_dir() / "plan.docx")
        if first_texts(t)[:2] == ["Ref", "What will be done"]
    ]
    widths = dict(zip(first_texts(actions), grid_widths(actions)))
    assert widths["Ref"] * 3 < widths["What will be done"]
    assert widths["Status"] < widths["How progress will be measured"]


def test_the_panel_decisions_number_column_is_narrow():
    (lines,) = [
        t
        for t in tables(resources.docx_templates_dir() / "panel-summary.docx")
        if first_texts(t) == ["No.", "Decision"]
    ]
    number, decision = grid_widths(lines)
    assert number * 8 < decision


def test_label_value_tables_take_the_pdfs_30_70_split():
    facts = tables(resources.docx_templates_dir() / "case-summary.docx")[0]
    label, value = grid_widths(facts)
    assert 0.25 < label / (label + value) < 0.35

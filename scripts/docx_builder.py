"""Building blocks for the docxtpl templates in templates/docx: house page setup, styles, header, footer, loops."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

try:
    from cin_docs import resources
    from cin_docs.render.docx import reproducible_zip
except ModuleNotFoundError:  # run from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from cin_docs import resources
    from cin_docs.render.docx import reproducible_zip

# Arial rather than the PDF's DejaVu Sans: staff restyle these in Word, where Arial is always installed.
FONT = "Arial"
LANGUAGE = "en-GB"
HEADING_SIZES = {1: 16, 2: 13, 3: 12, 4: 11}
# Fixed so that rebuilding an unchanged template gives identical bytes (and no diff in review).
BUILD_STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

HEADER_LINES = ("{{ authority.name }}", "{{ child.full_name }} · Case {{ case_id }}")
FOOTER_LINE = "{{ doc.title }} · produced {{ doc.produced|longdate }} under the {{ doc.policy_label }} policy"


def new_template(title_expr: str) -> docx.document.Document:
    """A blank A4 template with house styles, header and footer; title_expr (may be "") becomes its first heading."""
    document = docx.Document()
    _set_styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Cm(2)
    section.header_distance = section.footer_distance = Cm(1)
    _set_header(section)
    _set_footer(section)
    props = document.core_properties
    props.title, props.author, props.comments, props.language = title_expr, "cin-docs", "", LANGUAGE
    props.created = props.modified = BUILD_STAMP
    disclosure_lines(document)
    if title_expr:
        heading(document, title_expr, 1)
    return document


def disclosure_lines(document) -> None:
    """The --allow-disclosure warning and the redacted-copy note, first on the page when set (as in base.html)."""
    for key, colour in (("warning", RGBColor(0xB0, 0x00, 0x20)), ("copy_note", RGBColor(0x1F, 0x3A, 0x5F))):
        para(document, f"{{%p if disclosure.{key} %}}")
        run = document.add_paragraph().add_run(f"{{{{ disclosure.{key} }}}}")
        run.bold = True
        run.font.color.rgb = colour
        para(document, "{%p endif %}")


def heading(document, text: str, level: int):
    """A Heading 1/2/3 paragraph."""
    return document.add_heading(text, level)


def para(document, text: str, style: str | None = None):
    """A paragraph of (Jinja) text in `style`, Normal by default."""
    return document.add_paragraph(text, style=style)


#: The width between the margins of an A4 page with 2 cm margins, which every table fills (as width: 100% in the PDF).
TEXT_WIDTH_CM = 17.0
#: Label column of a label/value table, as `table.facts th { width: 30% }` in print.css.
FACTS_LABEL_SHARE = 0.30


def set_widths(grid, weights) -> None:
    """Fixed column widths in proportion to `weights` across the text width (the PDF's proportions).

    Without this python-docx gives every column the same width, so "Ref" is as wide as "What will be done". A fixed
    layout makes Word and LibreOffice draw the same widths rather than re-balancing by content.
    """
    total = float(sum(weights))
    widths = [Cm(TEXT_WIDTH_CM * w / total) for w in weights]
    grid.autofit = False  # w:tblLayout type="fixed"
    tbl_pr = grid._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    for column, width in zip(grid.columns, widths):
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def keep_rows_whole(grid) -> None:
    """Rows never split across pages (as tr { break-inside: avoid } in the PDF)."""
    for row in grid.rows:
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.append(OxmlElement("w:cantSplit"))


def repeat_header(grid) -> None:
    """Word repeats a row marked tblHeader at the top of every page the table spans (thead in the PDF)."""
    tr_pr = grid.rows[0]._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.append(OxmlElement("w:tblHeader"))


def facts(document, rows, widths_cm: tuple[float, float] | None = None, keep_together: bool = False):
    """A two-column label/value Table Grid table (labels bold), as table.facts in the HTML.

    rows: (label, Jinja value expression) pairs, or (label, value, condition) where the row appears only when the
    Jinja expression `condition` is true; keep_together stops Word splitting the table over pages.
    """
    grid = document.add_table(rows=0, cols=2)
    grid.style = document.styles["Table Grid"]
    for n, spec in enumerate(rows):
        label, value = spec[0], spec[1]
        condition = spec[2] if len(spec) > 2 else None
        if condition:
            grid.add_row().cells[0].paragraphs[0].add_run(f"{{%tr if {condition} %}}")
        row = grid.add_row()
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
        if keep_together and n < len(rows) - 1:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
        if condition:
            grid.add_row().cells[0].paragraphs[0].add_run("{%tr endif %}")
    if widths_cm:
        set_widths(grid, widths_cm)
    else:
        set_widths(grid, (FACTS_LABEL_SHARE, 1 - FACTS_LABEL_SHARE))
    keep_rows_whole(grid)
    return grid


def letterhead(document) -> None:
    """The sending authority's name, team, address and contacts, right-aligned, as .letterhead in the HTML."""
    for text in (
        "{{ authority.name }}{% if authority.team %}, {{ authority.team }}{% endif %}",
        "{{ authority.address_lines|join(', ') }}",
        "{% if authority.phone %}Telephone: {{ authority.phone }}{% endif %}"
        "{% if authority.email %}  Email: {{ authority.email }}{% endif %}",
    ):
        para(document, text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def table(document, headers: list[str], row_loop: str, cells: list[str], widths=None):
    """A Table Grid table: a repeating bold header row, then one row per item of row_loop ("for a in plan.actions").

    widths: relative column widths, as the PDF's (print.css); without them, widths follow the header lengths.
    """
    if len(headers) != len(cells):
        raise ValueError(f"table(): {len(headers)} headers but {len(cells)} cells")
    if widths is not None and len(widths) != len(headers):
        raise ValueError(f"table(): {len(headers)} headers but {len(widths)} widths")
    grid = document.add_table(rows=4, cols=len(headers))
    grid.style = document.styles["Table Grid"]
    header_row, loop_start, body_row, loop_end = grid.rows
    for cell, text in zip(header_row.cells, headers):
        cell.paragraphs[0].add_run(text).bold = True
    # Word repeats a row marked tblHeader at the top of every page the table spans.
    header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    # docxtpl replaces a whole row holding a {%tr %} tag with that tag, so the loop wraps exactly the body row.
    loop_start.cells[0].paragraphs[0].add_run(f"{{%tr {row_loop.strip()} %}}")
    for cell, expr in zip(body_row.cells, cells):
        cell.paragraphs[0].add_run(expr)
    loop_end.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    set_widths(grid, widths or [max(len(h), 6) for h in headers])
    keep_rows_whole(grid)
    return grid


def table_or(
    document, test: str, headers: list[str], row_loop: str, cells: list[str], empty: str = "None recorded.", widths=None
):
    """A table shown when the Jinja expression `test` is true, else the sentence `empty` (as {% if %} in the HTML)."""
    para(document, f"{{%p if {test} %}}")
    grid = table(document, headers, row_loop, cells, widths)
    para(document, "{%p else %}")
    para(document, empty)
    para(document, "{%p endif %}")
    return grid


def save(document, name: str, directory: Path | None = None) -> Path:
    """Write the template as templates/docx/<name> (or into `directory`) with reproducible bytes."""
    target = Path(directory) if directory is not None else resources.docx_templates_dir()
    target.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    document.save(buffer)
    path = target / name
    path.write_bytes(reproducible_zip(buffer.getvalue(), BUILD_STAMP.date()))
    return path


def _set_styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_run_font(default_rpr, FONT)
    _set_language(default_rpr)
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    _set_run_font(normal.element.get_or_add_rPr(), FONT)
    _set_language(normal.element.get_or_add_rPr())
    for level, size in HEADING_SIZES.items():
        style = styles[f"Heading {level}"]
        _set_run_font(style.element.get_or_add_rPr(), FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)  # also drops the theme colour, which would otherwise win
        style.paragraph_format.space_before = Pt(12 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True


def _set_run_font(rpr, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    # Theme font attributes take precedence over named fonts in Word, so remove them.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _set_header(section) -> None:
    header = section.header
    first = header.paragraphs[0]
    # The authority's logo (a docxtpl InlineImage made at render time) before its name, when one is configured.
    first.add_run("{% if authority.logo_image %}{{ authority.logo_image }}  {% endif %}")
    first.add_run(HEADER_LINES[0]).bold = True
    header.add_paragraph(HEADER_LINES[1])
    for paragraph in header.paragraphs:
        paragraph.paragraph_format.space_after = Pt(0)
        for run in paragraph.runs:
            run.font.size = Pt(9)


def _set_footer(section) -> None:
    footer = section.footer
    line = footer.paragraphs[0]
    line.add_run(FOOTER_LINE)
    pages = footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run("Page ")
    _add_field(pages, "PAGE")
    pages.add_run(" of ")
    _add_field(pages, "NUMPAGES")
    for paragraph in footer.paragraphs:
        paragraph.paragraph_format.space_after = Pt(0)
        for run in paragraph.runs:
            run.font.size = Pt(9)


def _add_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / placeholder / end runs."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text

"""Word template for the CIN panel summary report (mirrors the summary_report macro in templates/html/panel-summary.html)."""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

NAME = "panel-summary.docx"
NOT_RECORDED = "not recorded"


def _loop_facts(doc, loop: str):
    """A two-column table with one row per item of `loop` ("for row in child_rows"): bold label, value."""
    grid = doc.add_table(rows=3, cols=2)
    grid.style = doc.styles["Table Grid"]
    start, body, end = grid.rows
    start.cells[0].paragraphs[0].add_run(f"{{%tr {loop} %}}")
    body.cells[0].paragraphs[0].add_run("{{ row.label }}").bold = True
    body.cells[1].paragraphs[0].add_run("{{ row.value }}")
    body._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    end.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _label_width(grid)
    return grid


def _label_width(grid, width=Cm(5)):
    import docx_builder

    docx_builder.set_widths(grid, (width.cm, docx_builder.TEXT_WIDTH_CM - width.cm))
    docx_builder.keep_rows_whole(grid)


def _row_height(row, height_cm: float):
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Cm(height_cm).twips)))
    height.set(qn("w:hRule"), "atLeast")
    row._tr.get_or_add_trPr().append(height)


def _text_or_not_recorded(b, doc, expr: str):
    b.para(doc, f"{{{{ {expr} or '{NOT_RECORDED}' }}}}")


def _list_or_not_recorded(b, doc, items: str, style: str):
    b.para(doc, f"{{%p if {items} %}}")
    b.para(doc, f"{{%p for item in {items} %}}")
    b.para(doc, "{{ item }}", style)
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p else %}")
    b.para(doc, NOT_RECORDED)
    b.para(doc, "{%p endif %}")


def _views(b, doc, items: str):
    b.para(doc, f"{{%p if {items} %}}")
    b.para(doc, f"{{%p for v in {items} %}}")
    b.para(doc, "{{ v.source }}:").runs[0].italic = True
    p = b.para(doc, "{{ v.text }}")
    p.paragraph_format.left_indent = Cm(1)
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p else %}")
    b.para(doc, NOT_RECORDED)
    b.para(doc, "{%p endif %}")


def build(b):
    doc = b.new_template("{{ doc.title }}")
    b.para(doc, "{{ panel.name }} · {{ panel.date_text }}").runs[0].bold = True

    b.heading(doc, "Child and plan", 2)
    _loop_facts(doc, "for row in child_rows")
    b.heading(doc, "Why {{ child.known_as }} is a Child in Need", 3)
    _text_or_not_recorded(b, doc, "plan_info.why_in_need")

    b.heading(doc, "The panel", 2)
    _loop_facts(doc, "for row in panel_rows")
    b.para(doc, "{%p if panel.presenters_source %}")
    b.para(doc, "Policy: “{{ panel.presenters_source }}”").runs[0].font.size = Pt(9)
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Why the case is referred to panel", 2)
    _list_or_not_recorded(b, doc, "panel.reasons", "List Bullet")

    b.heading(doc, "Presenting issues", 2)
    _text_or_not_recorded(b, doc, "panel.presenting_issues")

    b.heading(doc, "Plan history", 2)
    b.para(doc, "{{ history_summary }}")
    b.para(doc, "{%p if history %}")
    b.table(
        doc,
        ["Date", "Meeting", "Chair", "Outcome", "Decisions"],
        "for m in history",
        ["{{ m.date }}", "{{ m.meeting }}", "{{ m.chair }}", "{{ m.outcome }}", "{{ m.decisions }}"],
        widths=[19, 19, 14, 18, 30],
    )
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Progress and barriers", 2)
    b.heading(doc, "Progress", 3)
    _text_or_not_recorded(b, doc, "panel.progress")
    b.heading(doc, "Barriers", 3)
    _text_or_not_recorded(b, doc, "panel.barriers")
    b.heading(doc, "Actions in the plan", 3)
    b.para(doc, "{%p if actions %}")
    b.table(
        doc,
        ["Action", "Who", "By when", "Status"],
        "for a in actions",
        [
            "{{ a.action }}",
            "{{ a.owner }}{% if a.agency %}, {{ a.agency }}{% endif %}",
            "{{ a.due }}",
            "{{ a.status }}",
        ],
        widths=[41, 26, 20, 13],
    )
    b.para(doc, "{%p else %}")
    b.para(doc, "The plan has no actions recorded.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Views of the child and family", 2)
    b.heading(doc, "{{ child.known_as }}'s views", 3)
    _views(b, doc, "child_views")
    b.heading(doc, "The family's views", 3)
    _views(b, doc, "family_views")
    b.para(doc, "{%p if family_expectations %}")
    b.heading(doc, "What the family expects", 3)
    b.para(doc, "{{ family_expectations }}")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "What the panel is asked to decide", 2)
    _list_or_not_recorded(b, doc, "panel.asked_to_decide", "List Number")

    b.para(doc, "{%p if timescales %}")
    b.heading(doc, "Panel timescales", 2)
    b.table(
        doc,
        ["What", "Due", "Status", "How it is worked out"],
        "for t in timescales",
        ["{{ t.label }}", "{{ t.due_text }}", "{{ t.status_text }}", "{{ t.explanation }}"],
        widths=[28, 20, 16, 36],
    )
    b.para(doc, "{%p endif %}")

    # The decisions section is the form the chair completes at the panel: it starts its own page, as in the PDF.
    heading = b.heading(doc, "Decisions of the panel", 2)
    heading.paragraph_format.page_break_before = True
    b.para(doc, "{%p if decisions.blank %}")
    b.para(doc, "To be completed at the panel by the chair.")
    b.para(doc, "{%p else %}")
    b.para(doc, "Decisions recorded on {{ decisions.recorded_text or 'not recorded' }}.")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if decisions.options %}")
    b.heading(doc, "What the panel may decide", 3)
    b.para(doc, "{%p for o in decisions.options %}")
    b.para(doc, "{% if decisions.blank %}☐{% else %}•{% endif %} {{ o }}").paragraph_format.left_indent = Cm(0.4)
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p if decisions.options_source %}")
    b.para(doc, "Policy: “{{ decisions.options_source }}”").runs[0].font.size = Pt(9)
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p endif %}")
    lines = b.table(
        doc, ["No.", "Decision"], "for d in decisions.rows", ["{{ d.number }}", "{{ d.text }}"], widths=[8, 92]
    )
    # Room to write by hand when the decisions are blank (an empty row is short, a filled one grows as needed).
    _row_height(lines.rows[2], 1.0)
    b.para(doc, "{%p if decisions.blank %}")
    sign = doc.add_table(rows=3, cols=2)
    sign.style = doc.styles["Table Grid"]
    for row, label in zip(sign.rows, ("Chair's name", "Signature", "Date")):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        _row_height(row, 1.0)
    _label_width(sign)
    b.para(doc, "{%p endif %}")
    p = b.para(doc, "")
    p.add_run("Upload the decisions to the child's case record:").bold = True
    p.add_run(" {{ decisions.upload_text }}")
    b.para(doc, "{%p if decisions.upload_source %}")
    src = b.para(doc, "Policy: “{{ decisions.upload_source }}”")
    src.runs[0].font.size = Pt(9)
    b.para(doc, "{%p endif %}")
    return NAME, doc

"""Word template for the escalation monitoring form (mirrors templates/html/escalation.html)."""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

NAME = "escalation.docx"

# Word's own check box content controls show U+2612 / U+2610 in MS Gothic; the same font keeps the boxes square.
BOX_FONT = "MS Gothic"


def build(b):
    doc = b.new_template("")
    p = b.para(doc, "{{ protocol.board }}")
    p.runs[0].bold = True
    p.paragraph_format.space_after = Pt(0)
    b.heading(doc, "{{ doc.title }}", 1)
    p = b.para(doc, "A tool to record decisions and to monitor the effectiveness of the Escalation Protocol")
    p.runs[0].italic = True

    b.para(doc, "{%p if immediate_risk %}")
    p = b.para(
        doc, "Immediate risk of significant harm: concerns must be escalated to both managers on the same working day."
    )
    p.runs[0].bold = True
    _warning_box(p)
    b.para(doc, "{%p if immediate_risk.raise %}")
    p = doc.add_paragraph()
    p.add_run("Escalate by ")
    p.add_run("{{ immediate_risk.raise.due|longdate }}").bold = True
    p.add_run(": {{ immediate_risk.raise.status_text }} ({{ immediate_risk.raise.explanation }}).")
    _warning_box(p)
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if bypass %}")
    p = doc.add_paragraph()
    p.add_run("Bypassing the stages:").bold = True
    p.add_run(" {{ bypass.text }}")
    _warning_box(p)
    p = b.para(
        doc,
        "{% if bypass.recorded %}{% if bypass.recorded.decided %}The referring agency decided to bypass "
        "the stages{% if bypass.recorded.date %} on {{ bypass.recorded.date|longdate }}{% endif %}"
        "{% if bypass.recorded.senior_officer %} and consulted {{ bypass.recorded.senior_officer }}"
        "{% endif %}.{% else %}The referring agency decided not to bypass the stages.{% endif %}"
        "{% if bypass.recorded.reason %} {{ bypass.recorded.reason }}{% endif %}{% else %}Decision on "
        "bypassing the stages: not recorded.{% endif %}",
    )
    _warning_box(p)
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p endif %}")

    b.facts(
        doc,
        [
            (
                "Child/family name",
                "{{ child.full_name }}{% if family %} (family: {% for m in family %}{{ m.name }}, "
                "{{ m.relationship }}{% if not loop.last %}; {% endif %}{% endfor %}){% endif %}",
            ),
            ("Case ID", "{{ case_id }}"),
            (
                "Escalation",
                "Escalation {{ escalation.number }} of {{ escalation.count }} (raised "
                "{{ escalation.raised_on|longdate }})",
            ),
            ("Date of the disagreement", "{{ escalation.disagreement|longdate }}"),
            (
                "Raised by",
                "{% if escalation.raised_by %}{{ escalation.raised_by.name }}"
                "{% if escalation.raised_by.designation %}, {{ escalation.raised_by.designation }}{% endif %}"
                "{% if escalation.raised_by.agency %}, {{ escalation.raised_by.agency }}{% endif %}"
                "{% if escalation.raised_by.date %}, on {{ escalation.raised_by.date|longdate }}{% endif %}"
                "{% else %}not recorded{% endif %}",
            ),
            ("Immediate risk of significant harm", "{{ escalation.immediate_risk|yesno }}"),
            (
                "Stage reached",
                "{% if escalation.stage_reached %}Stage {{ escalation.stage_reached }}"
                "{% else %}No stage has started yet{% endif %}",
            ),
            ("Protocol", "{{ protocol.name }}, {{ protocol.document }}"),
        ],
        widths_cm=(5.5, 11.5),
    )

    p = doc.add_paragraph()
    p.add_run(
        "Occasionally situations arise when workers within one agency feel that the decision made by a worker "
        "from another agency, about a child or young person, is not a safe decision. Disagreements should be "
        "resolved at the lowest possible stage, and resolution should be sought within the shortest timescale "
        "possible to ensure the child is protected. "
    )
    p.add_run(
        "This form is to be used at the point of escalation to the practitioner's manager (stage "
        "{{ protocol.form_from_stage }}) and at each further step of the Escalation Protocol."
    ).bold = True
    _small(p)

    b.heading(doc, "Checklist", 2)
    b.para(doc, "{%p for q in checklist %}")
    p = doc.add_paragraph()
    box = p.add_run("{% if q.checked %}\u2612{% else %}\u2610{% endif %}")
    _font(box, BOX_FONT)
    box.font.size = Pt(13)
    p.add_run("  {{ q.question }}")
    p.paragraph_format.left_indent = Cm(0.8)
    p.paragraph_format.first_line_indent = Cm(-0.8)
    b.para(doc, "{%p endfor %}")
    p = doc.add_paragraph()
    p.add_run("Action note:").bold = True
    p.add_run(
        " a copy of this form is to be held on the child/family file in all agencies involved in resolution of "
        "professional difficulties. If escalating to the next stage, use this form as a basis for reporting to "
        "the manager at the next stage. Please send a copy to the {{ protocol.board }} team on completion."
    )
    _small(p)

    b.para(doc, "{%p if actors %}")
    b.heading(doc, "Who acts at each stage", 2)
    grid = b.table(
        doc,
        ["Stage", "Agency", "Who acts"],
        "for a in actors",
        ["{{ a.stage }}", "{{ a.agency }}", "{{ a.who }}"],
        widths=[16, 24, 60],
    )
    _small_cells(grid)
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Summary of reason for dispute", 2)
    b.para(doc, "{{ escalation.reason or 'not recorded' }}")
    b.heading(doc, "Views of all agencies concerned", 3)
    b.para(doc, "{%p if escalation.agency_views %}")
    b.table(
        doc, ["Agency", "View"], "for v in escalation.agency_views", ["{{ v.agency }}", "{{ v.view }}"], widths=[28, 72]
    )
    b.para(doc, "{%p else %}")
    b.para(doc, "No agency's view is recorded.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Agreed outcomes or actions", 2)
    _small(b.para(doc, "If satisfactorily resolved; if unresolved, this includes escalation to the next stage."))
    b.para(doc, "{{ escalation.agreed_outcomes or 'not recorded' }}")

    b.heading(doc, "Referring and receiving managers", 2)
    managers = doc.add_table(rows=6, cols=3)
    managers.style = doc.styles["Table Grid"]
    for cell, text in zip(managers.rows[0].cells[1:], ("Referring manager", "Receiving manager")):
        cell.paragraphs[0].add_run(text).bold = True
    managers.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    rows = [
        ("Name", "{{ managers.%s.name or '' }}"),
        ("Designation", "{{ managers.%s.designation or '' }}"),
        ("Agency", "{{ managers.%s.agency or '' }}"),
        ("Date", "{{ managers.%s.date|longdate if managers.%s.date else '' }}"),
        ("Signature", ""),
    ]
    for row, (label, expr) in zip(managers.rows[1:], rows):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        for cell, role in zip(row.cells[1:], ("referring", "receiving")):
            if expr:
                cell.paragraphs[0].add_run(expr.replace("%s", role))
    managers.rows[5].height = Cm(1.4)  # room to sign a printed copy
    b.set_widths(managers, (19, 40.5, 40.5))
    b.keep_rows_whole(managers)
    for row in list(managers.rows)[:-1]:  # the managers' box stays on one page, as in the PDF
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True

    b.heading(doc, "Resolution", 2)
    b.facts(
        doc,
        [
            ("Stage at which resolution achieved", "{{ form.resolution_stage }}"),
            ("How effective the policy/practice was in resolving the issue", "{{ form.effectiveness }}"),
            ("Time taken to reach resolution", "{{ form.time_to_resolve }}"),
        ],
        widths_cm=(5.5, 11.5),
    )

    b.heading(doc, "Stage timeline", 2)
    b.para(doc, "{%p if escalation.stages %}")
    b.table(
        doc,
        ["Stage", "Started", "Responded", "Resolved", "Outcome confirmed in writing"],
        "for s in escalation.stages",
        [
            "Stage {{ s.stage }}",
            "{{ s.started|longdate }}",
            "{{ s.responded|longdate }}",
            "{{ s.resolved|longdate if s.resolved else 'not resolved' }}",
            "{{ s.confirmed|longdate }}",
        ],
        widths=[11, 22.25, 22.25, 22.25, 22.25],
    )
    b.para(doc, "{%p if escalation.stages|selectattr('notes')|list %}")
    b.heading(doc, "Notes on each stage", 3)
    b.para(doc, "{%p for s in escalation.stages if s.notes %}")
    b.para(doc, "Stage {{ s.stage }}: {{ s.notes }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p else %}")
    b.para(doc, "No stage has started yet.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Deadlines under the protocol", 3)
    b.para(doc, "{%p if timeline %}")
    b.table(
        doc,
        ["Deadline", "Due", "Status", "How it was worked out"],
        "for d in timeline",
        ["{{ d.label }}", "{{ d.due|longdate }}", "{{ d.status_text }}", "{{ d.explanation }}"],
        widths=[30, 19, 19, 32],
    )
    b.para(doc, "{%p else %}")
    b.para(doc, "No deadline applies yet.")
    b.para(doc, "{%p endif %}")
    return NAME, doc


def _small(paragraph):
    for run in paragraph.runs:
        run.font.size = Pt(10)
    return paragraph


def _font(run, name):
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _warning_box(paragraph):
    """Red left border and pink shading, as the .warning box in the PDF."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side, size in (("top", 8), ("left", 36), ("bottom", 8), ("right", 8)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), "AA0000")
        borders.append(edge)
    ppr.append(borders)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "FDECEA")
    ppr.append(shading)


def _small_cells(grid, size: float = 9.5):
    """A smaller type size in every cell, as table.actors { font-size: 9.5pt } in the PDF."""
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)

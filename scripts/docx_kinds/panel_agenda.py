"""Word template for the CIN panel agenda (mirrors the front page and agenda of templates/html/panel-pack.html)."""

from docx.shared import Pt

NAME = "panel-agenda.docx"


def build(b):
    doc = b.new_template("")
    # The agenda is about a panel sitting, not one child: its running header names the panel instead.
    header = doc.sections[0].header.paragraphs
    header[1].runs[0].text = "{{ panel.name }} · {{ panel.date_text }}"
    b.para(doc, "{{ authority.name }}{% if authority.team %}, {{ authority.team }}{% endif %}")
    b.heading(doc, "{{ panel.name }}", 1)
    b.para(doc, "Agenda for {{ panel.date_text }}").runs[0].bold = True
    grid = doc.add_table(rows=3, cols=2)
    grid.style = doc.styles["Table Grid"]
    start, body, end = grid.rows
    start.cells[0].paragraphs[0].add_run("{%tr for row in facts %}")
    body.cells[0].paragraphs[0].add_run("{{ row.label }}").bold = True
    body.cells[1].paragraphs[0].add_run("{{ row.value }}")
    end.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    b.set_widths(grid, (4, 13))
    b.keep_rows_whole(grid)

    b.heading(doc, "Agenda", 2)
    b.para(doc, "{%p if has_times %}")
    agenda = b.table(
        doc,
        ["Slot", "Time", "Case ID", "Child", "Presenter", "Why referred"],
        "for item in agenda",
        [
            "{{ item.slot }}",
            "{{ item.time }}",
            "{{ item.case_id }}",
            "{{ item.child }}",
            "{{ item.presenter }}",
            "{{ item.reason }}",
        ],
        widths=[7, 14, 14, 18, 20, 27],
    )
    _small(agenda)
    b.para(doc, "{%p else %}")
    agenda = b.table(
        doc,
        ["Item", "Case ID", "Child", "Presenter", "Why referred"],
        "for item in agenda",
        ["{{ item.slot }}", "{{ item.case_id }}", "{{ item.child }}", "{{ item.presenter }}", "{{ item.reason }}"],
        widths=[8, 15, 20, 22, 35],
    )
    _small(agenda)
    b.para(doc, "{%p endif %}")

    b.para(doc, "{%p if notes %}")
    b.heading(doc, "Notes for the chair", 2)
    b.para(doc, "{%p for note in notes %}")
    b.para(doc, "{{ note }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p endif %}")

    b.para(
        doc,
        "This pack holds personal information about children and their families. Keep it secure, share it "
        "only with panel members, and destroy printed copies after the panel.",
    ).runs[0].font.size = Pt(9)
    return NAME, doc


def _small(grid):
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9.5)

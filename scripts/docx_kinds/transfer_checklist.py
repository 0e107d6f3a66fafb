"""Word template for the transfer checklist (mirrors templates/html/transfer-checklist.html)."""

NAME = "transfer-checklist.docx"


def build(b):
    doc = b.new_template("Transfer checklist: {{ child.full_name }}")
    b.para(
        doc,
        "{{ child.full_name }} is moving to the area of {{ transfer.receiving_authority.name }}"
        "{% if transfer.move_date %} on {{ transfer.move_date|longdate }}{% endif %}. Checked on "
        "{{ doc.produced|longdate }} against the {{ doc.policy_label }} policy for children on a Child in "
        "Need plan who move to another local authority.",
    )
    b.para(doc, "{%p if outstanding %}")
    p = b.para(doc, "Still to do or record ({{ outstanding|length }}): {{ outstanding|join('; ') }}.")
    p.runs[0].bold = True
    b.para(doc, "{%p else %}")
    b.para(doc, "Every check is done.").runs[0].bold = True
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p for s in sections %}")
    b.heading(doc, "{{ s.title }}", 2)
    b.table(
        doc,
        ["Check", "Done", "Details"],
        "for r in s.rows",
        ["{{ r.item }}", "{{ r.done|yesno }}", "{{ r.detail }}"],
        widths=[34, 13, 53],
    )
    b.para(doc, "{%p endfor %}")
    b.heading(doc, "Sign-off", 2)
    grid = doc.add_table(rows=3, cols=4)
    grid.style = doc.styles["Table Grid"]
    rows = [
        ("Role", "Name", "Signature", "Date"),
        ("Social Worker", "{{ social_worker.name }}", "", ""),
        ("Team Manager", "{{ manager.name if manager else '' }}", "", ""),
    ]
    for r, (row, values) in enumerate(zip(grid.rows, rows)):
        for cell, text in zip(row.cells, values):
            run = cell.paragraphs[0].add_run(text)
            run.bold = r == 0
    b.set_widths(grid, (22, 34, 26, 18))
    b.keep_rows_whole(grid)
    b.repeat_header(grid)
    return NAME, doc

"""Word template for the child's own invitation (mirrors templates/html/invitation-child.html)."""

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from docx_kinds.invitation import after_table, columns, keep_with_next

NAME = "invitation-child.docx"


def build(b):
    doc = b.new_template("")
    doc.styles["Normal"].font.size = Pt(12)  # a little larger for a child reader, as .child-letter in print.css
    b.para(
        doc, "{{ authority.name }}{% if authority.team %}, {{ authority.team }}{% endif %}"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    b.para(doc, "{{ doc.produced|longdate }}")
    b.heading(doc, "{{ letter.heading_before }}{{ child.known_as|nobreak }}{{ letter.heading_after }}", 1)
    b.para(doc, "Dear {{ recipient.salutation }},")
    b.para(doc, "{%p for line in letter.about %}")
    b.para(doc, "{{ line }}")
    b.para(doc, "{%p endfor %}")
    b.heading(doc, "When and where", 2)
    columns(
        b.facts(
            doc,
            [
                ("When", "{{ letter.when }}"),
                ("Where", "{{ letter.where }}"),
            ],
            widths_cm=(3.5, 13.5),
            keep_together=True,
        ),
        (3.5, 13.5),
    )
    b.para(doc, "{%p if letter.join %}")
    after_table(b.para(doc, "{{ letter.join }}"))
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if letter.chair_line %}")
    after_table(b.para(doc, "{{ letter.chair_line }}"))
    b.para(doc, "{%p endif %}")
    b.heading(doc, "How you can take part", 2)
    b.para(doc, "{%p for way in letter.ways %}")
    b.para(doc, "{{ way }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p if recipient.adjustments %}")
    b.heading(doc, "What we will do to help", 2)
    b.para(doc, "{%p for line in recipient.adjustments %}")
    b.para(doc, "{{ line }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if bring %}")
    b.heading(doc, "You could bring", 2)
    b.para(doc, "{%p for item in bring %}")
    b.para(doc, "{{ item }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p endif %}")
    b.heading(doc, "What happens to what you say", 2)
    b.para(doc, "{%p for line in letter.happens %}")
    b.para(doc, "{{ line }}")
    b.para(doc, "{%p endfor %}")
    b.heading(doc, "Let us know", 2)
    keep_with_next(b.para(doc, "{{ letter.reply }}"))
    contact = columns(
        b.facts(
            doc,
            [
                (
                    "{{ social_worker.name }}",
                    "{{ social_worker.phone or 'via the main switchboard' }}"
                    "{% if social_worker.email %}, {{ social_worker.email }}{% endif %}",
                ),
            ],
            widths_cm=(5.0, 12.0),
            keep_together=True,
        ),
        (5.0, 12.0),
    )
    for cell in contact.rows[-1].cells:
        keep_with_next(cell.paragraphs[0])
    keep_with_next(after_table(b.para(doc, "{{ letter.signoff }}")))
    b.para(doc, "{{ social_worker.name }}{% if social_worker.role %}, {{ social_worker.role }}{% endif %}")
    return NAME, doc

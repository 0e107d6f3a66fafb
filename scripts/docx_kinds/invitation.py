"""Word template for invitation letters (mirrors templates/html/invitation.html)."""

NAME = "invitation.docx"


def build(b):
    doc = b.new_template("")
    b.letterhead(doc)
    b.para(
        doc,
        "{{ recipient.name }}{% if recipient.variant == 'professional' and recipient.agency %}, "
        "{{ recipient.relationship }}, {{ recipient.agency }}{% endif %}",
    )
    b.para(doc, "{% for line in recipient.address_lines %}{{ line }}{% if not loop.last %}, {% endif %}{% endfor %}")
    b.para(doc, "Date: {{ doc.produced|longdate }}    Our reference: {{ case_id }}")
    b.heading(doc, "Invitation to {{ meeting.a_label }} for {{ child.full_name|nobreak }}", 1)
    b.para(doc, "Dear {{ recipient.salutation }},")
    b.para(
        doc,
        "You are invited to {{ meeting.a_label }} for {{ child.full_name }}{% if child.date_of_birth %} "
        "(date of birth {{ child.date_of_birth|dob }}){% endif %}.",
    )
    b.heading(doc, "What the meeting is for", 2)
    b.para(doc, "{{ meeting.purpose }}")
    b.heading(doc, "When and where", 2)
    rows = [
        ("Date", "{{ meeting.date|longdate }}"),
        (
            "Time",
            "{% if meeting.time %}{% if recipient.variant == 'family' %}{{ meeting.time|time12 }}"
            "{% if meeting.end_time %} to {{ meeting.end_time|time12 }}{% endif %}{% else %}"
            "{{ meeting.time|time }}{% if meeting.end_time %} to {{ meeting.end_time|time }}{% endif %}"
            "{% endif %}{% else %}to be confirmed{% endif %}",
        ),
        # Rows shown only when there is a venue / remote joining, as in the HTML ({%tr %} replaces its whole row).
        ("{%tr if meeting.venue %}", ""),
        ("Where", "{{ meeting.venue }}"),
        ("{%tr endif %}", ""),
        ("{%tr if meeting.remote %}", ""),
        (
            "Joining remotely",
            "{% if meeting.remote.how == 'phone' %}By phone"
            "{% elif meeting.remote.how == 'video' %}By video call{% else %}By phone or video call"
            "{% endif %}{% if meeting.remote.details %}: {{ meeting.remote.details }}{% endif %}",
        ),
        ("{%tr endif %}", ""),
        ("Chair", "{{ meeting.chair or 'to be confirmed' }}"),
    ]
    columns(b.facts(doc, rows, widths_cm=(4.0, 13.0), keep_together=True), (4.0, 13.0))

    b.para(doc, "{%p if recipient.variant == 'family' %}")
    b.heading(doc, "What we would like from you", 2)
    b.para(
        doc,
        "We want to know what {{ child.known_as }} thinks and feels. {{ child.known_as }} can share "
        "{{ pronouns.their }} views in any way: by coming to the meeting, drawing, writing, or talking to "
        "{{ social_worker.name }} beforehand. An advocate can help {{ child.known_as }} have a say, if "
        "{{ pronouns.they }} would like one.",
    )
    b.para(
        doc,
        "Your views matter too. Please come ready to say what is going well, what worries you, and what "
        "help would make a difference.",
    )
    b.para(doc, "{%p if family_network %}")
    b.para(
        doc,
        "The plan made at this meeting belongs to your family. You can invite the people who support you; "
        "anyone who cannot come in person, including relatives who live abroad, can join by phone or a "
        "video app such as WhatsApp, FaceTime or Skype.",
    )
    b.para(doc, "{%p elif recipient.lives_abroad %}")
    b.para(
        doc,
        "As you live abroad, you are welcome to join by phone or by a video app such as WhatsApp, FaceTime or Skype.",
    )
    b.para(doc, "{%p endif %}")
    b.heading(doc, "Help to take part", 2)
    b.para(
        doc,
        "{% if recipient.interpreter_needed %}We will book an interpreter{% if recipient.language %} in "
        "{{ recipient.language }}{% endif %} for the meeting.{% else %}If you would like an interpreter, or "
        "the letter in another language or format, please tell us.{% endif %}",
        "List Bullet",
    )
    b.para(doc, "{%p for line in recipient.adjustments %}")
    b.para(doc, "{{ line }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(
        doc,
        "If the time, the place, travel or childcare make it hard for you to come, please tell us and we "
        "will try to change the arrangements.",
        "List Bullet",
    )
    b.para(doc, "{%p else %}")
    b.heading(doc, "What we are asking of you", 2)
    b.para(
        doc,
        "Please come ready to share your agency's information about {{ child.known_as }} and the family, "
        "your view of how the plan is working, and what your service will contribute to the plan.",
    )
    b.para(doc, "{%p if health_report %}")
    p = b.para(
        doc,
        "If you cannot attend: please send apologies and a written report directly to "
        "{{ social_worker.name }} by {{ health_report.due_time|time }} on {{ health_report.due|longdate }} "
        "(48 hours before the meeting{% if health_report.moved %}, brought forward to a working day"
        "{% endif %}).",
    )
    p.runs[0].bold = True
    b.para(doc, "{%p else %}")
    b.para(
        doc,
        "If you cannot attend: please tell {{ social_worker.name }} and send a written update of your "
        "involvement with the family before the meeting, so it can be shared at the meeting.",
    )
    b.para(doc, "{%p endif %}")
    b.para(
        doc,
        "After the meeting you will receive the record and the plan. Please check them for accuracy and tell "
        "us of any corrections.",
    )
    b.para(doc, "{%p if recipient.adjustments %}")
    b.heading(doc, "Help to take part", 2)
    b.para(doc, "{%p for line in recipient.adjustments %}")
    b.para(doc, "{{ line }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p endif %}")
    b.heading(doc, "What to bring", 2)
    b.para(doc, "{%p for item in bring %}")
    b.para(doc, "{{ item }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.heading(doc, "Please let us know", 2)
    keep_with_next(
        b.para(
            doc,
            "{% if meeting.reply_by %}Please tell {{ social_worker.name }} by "
            "{{ meeting.reply_by|longdate }} whether you can come.{% else %}Please tell "
            "{{ social_worker.name }} as soon as you can whether you can come.{% endif %}",
        )
    )
    contact = columns(
        b.facts(
            doc,
            [
                (
                    "Social worker",
                    "{{ social_worker.name }}{% if social_worker.role %}, {{ social_worker.role }}{% endif %}"
                    "{% if social_worker.team %}, {{ social_worker.team }}{% endif %}",
                ),
                ("Telephone", "{{ social_worker.phone or 'via the main switchboard' }}"),
                ("Email", "{{ social_worker.email or 'not given' }}"),
            ],
            widths_cm=(4.0, 13.0),
            keep_together=True,
        ),
        (4.0, 13.0),
    )
    # The reply details, contacts and signature stay on one page (.keep-together in the HTML).
    for cell in contact.rows[-1].cells:
        keep_with_next(cell.paragraphs[0])
    keep_with_next(after_table(b.para(doc, "Yours sincerely,")))
    b.para(doc, "{{ social_worker.name }}, {{ social_worker.role or 'Social Worker' }}, {{ authority.name }}")
    b.heading(doc, "Who has been invited", 2)
    b.para(doc, "{%p for p in meeting.invitees %}")
    b.para(doc, "{{ p.name }}: {{ p.relationship }}{% if p.agency %}, {{ p.agency }}{% endif %}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    return NAME, doc


def columns(grid, widths_cm):
    """Fixed column widths in the table grid too (LibreOffice and Word read gridCol, not only the cells)."""
    from docx.shared import Cm

    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm):
        column.width = Cm(width)
    return grid


def keep_with_next(paragraph):
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def after_table(paragraph):
    """Space above a paragraph that follows a table (Word puts none)."""
    from docx.shared import Pt

    paragraph.paragraph_format.space_before = Pt(8)
    return paragraph

"""Word template for invitation letters (mirrors templates/html/invitation.html)."""

NAME = "invitation.docx"


def build(b):
    doc = b.new_template("")
    b.letterhead(doc)
    b.para(doc, "{{ recipient.name }}{% if recipient.variant == 'professional' and recipient.agency %}, "
                "{{ recipient.relationship }}, {{ recipient.agency }}{% endif %}")
    b.para(doc, "{% for line in recipient.address_lines %}{{ line }}{% if not loop.last %}, {% endif %}{% endfor %}")
    b.para(doc, "Date: {{ doc.produced|longdate }}    Our reference: {{ case_id }}")
    b.heading(doc, "Invitation to a {{ meeting.label }} for {{ child.full_name }}", 1)
    b.para(doc, "Dear {{ child.known_as if recipient.is_child else recipient.name }},")
    b.para(doc, "{% if recipient.is_child %}You are invited to a meeting about you and the help you and your family "
                "are getting. This is your meeting too, and we really want to know what you think.{% else %}"
                "You are invited to a {{ meeting.label }} for {{ child.full_name }}{% if child.date_of_birth %} "
                "(date of birth {{ child.date_of_birth|longdate }}){% endif %}.{% endif %}")
    b.heading(doc, "What the meeting is for", 2)
    b.para(doc, "{{ meeting.purpose }}")
    b.heading(doc, "When and where", 2)
    facts = doc.add_table(rows=5, cols=2)
    facts.style = doc.styles["Table Grid"]
    rows = [
        ("Date", "{{ meeting.date|longdate }}"),
        ("Time", "{% if meeting.time %}{{ meeting.time|time }}{% if meeting.end_time %} to "
                 "{{ meeting.end_time|time }}{% endif %}{% else %}to be confirmed{% endif %}"),
        ("Where", "{% if meeting.venue %}{{ meeting.venue }}{% else %}Remote meeting{% endif %}"),
        ("Joining remotely", "{% if meeting.remote %}{% if meeting.remote.how == 'phone' %}By phone"
                             "{% elif meeting.remote.how == 'video' %}By video call{% else %}By phone or video call"
                             "{% endif %}{% if meeting.remote.details %}: {{ meeting.remote.details }}{% endif %}"
                             "{% else %}Not applicable{% endif %}"),
        ("Chair", "{{ meeting.chair or 'to be confirmed' }}"),
    ]
    for row, (label, value) in zip(facts.rows, rows):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    b.set_widths(facts, (30, 70))
    b.keep_rows_whole(facts)

    b.para(doc, "{%p if recipient.variant == 'family' %}")
    b.heading(doc, "What we would like from you", 2)
    b.para(doc, "{%p if recipient.is_child %}")
    b.para(doc, "We want to hear what you think and how you feel. You can tell us in any way you like: come to the "
                "meeting, draw a picture, write something down, or tell {{ social_worker.name }} before the meeting. "
                "If you would like someone to help you say what you think, you can have an advocate; just ask.")
    b.para(doc, "{%p else %}")
    b.para(doc, "We want to know what {{ child.known_as }} thinks and feels. {{ child.known_as }} can share their "
                "views in any way that suits them: by coming to the meeting, drawing, writing, or talking to "
                "{{ social_worker.name }} beforehand. An advocate can help {{ child.known_as }} have their say if "
                "they would like one.")
    b.para(doc, "Your views matter too. Please come ready to say what is going well, what worries you, and what "
                "help would make a difference.")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if family_network %}")
    b.para(doc, "The plan made at this meeting belongs to your family. You can invite the people who support you; "
                "anyone who cannot come in person, including relatives who live abroad, can join by phone or a "
                "video app such as WhatsApp, FaceTime or Skype.")
    b.para(doc, "{%p elif recipient.lives_abroad %}")
    b.para(doc, "As you live abroad, you are welcome to join by phone or by a video app such as WhatsApp, FaceTime "
                "or Skype.")
    b.para(doc, "{%p endif %}")
    b.heading(doc, "Help to take part", 2)
    b.para(doc, "{% if recipient.interpreter_needed %}We will book an interpreter{% if recipient.language %} in "
                "{{ recipient.language }}{% endif %} for the meeting.{% else %}If you would like an interpreter, or "
                "the letter in another language or format, please tell us.{% endif %}", "List Bullet")
    b.para(doc, "{%p if recipient.communication_needs %}")
    b.para(doc, "We have noted these communication needs and will plan for them: {{ recipient.communication_needs }}",
           "List Bullet")
    b.para(doc, "{%p endif %}")
    b.para(doc, "If the time, the place, travel or childcare make it hard for you to come, please tell us and we "
                "will try to change the arrangements.", "List Bullet")
    b.para(doc, "{%p else %}")
    b.heading(doc, "What we are asking of you", 2)
    b.para(doc, "Please come ready to share your agency's information about {{ child.known_as }} and the family, "
                "your view of how the plan is working, and what your service will contribute to the plan.")
    b.para(doc, "{%p if health_report %}")
    p = b.para(doc, "If you cannot attend: please send apologies and a written report directly to "
                    "{{ social_worker.name }} by {{ health_report.due_time|time }} on {{ health_report.due|longdate }} "
                    "(48 hours before the meeting{% if health_report.moved %}, brought forward to a working day"
                    "{% endif %}).")
    p.runs[0].bold = True
    b.para(doc, "{%p else %}")
    b.para(doc, "If you cannot attend: please tell {{ social_worker.name }} and send a written update of your "
                "involvement with the family before the meeting, so it can be shared at the meeting.")
    b.para(doc, "{%p endif %}")
    b.para(doc, "After the meeting you will receive the record and the plan. Please check them for accuracy and tell "
                "us of any corrections.")
    b.para(doc, "{%p endif %}")
    b.heading(doc, "What to bring", 2)
    b.para(doc, "{%p for item in bring %}")
    b.para(doc, "{{ item }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.heading(doc, "Please let us know", 2)
    b.para(doc, "{% if meeting.reply_by %}Please tell {{ social_worker.name }} by {{ meeting.reply_by|longdate }} "
                "whether you can come.{% else %}Please tell {{ social_worker.name }} as soon as you can whether you "
                "can come.{% endif %}")
    contact = doc.add_table(rows=3, cols=2)
    contact.style = doc.styles["Table Grid"]
    for row, (label, value) in zip(contact.rows, [
        ("Social worker", "{{ social_worker.name }}{% if social_worker.role %}, {{ social_worker.role }}{% endif %}"
                          "{% if social_worker.team %}, {{ social_worker.team }}{% endif %}"),
        ("Telephone", "{{ social_worker.phone or 'via the main switchboard' }}"),
        ("Email", "{{ social_worker.email or 'not given' }}"),
    ]):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    b.set_widths(contact, (30, 70))
    b.keep_rows_whole(contact)
    # The contact box stays on one page (the Social worker row split across pages 1 and 2 in review M6).
    for row in list(contact.rows)[:-1]:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    b.para(doc, "Yours sincerely,")
    b.para(doc, "{{ social_worker.name }}, {{ social_worker.role or 'Social Worker' }}, {{ authority.name }}")
    b.heading(doc, "Who has been invited", 2)
    b.para(doc, "{%p for p in meeting.invitees %}")
    b.para(doc, "{{ p.name }}: {{ p.relationship }}{% if p.agency %}, {{ p.agency }}{% endif %}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    return NAME, doc

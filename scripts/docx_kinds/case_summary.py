"""Word template for the case summary (mirrors templates/html/case-summary.html)."""

NAME = "case-summary.docx"


def staff_row(grid, who, role):
    cells = grid.add_row().cells
    for cell, text in zip(
        cells,
        [
            f"{{{{ {who}.name }}}}",
            f"{{{{ {who}.role or '{role}' }}}}",
            "{{ authority.name }}",
            f"{{{{ {who}.phone or 'telephone not given' }}}}",
        ],
    ):
        cell.paragraphs[0].add_run(text)
    cells[3].add_paragraph(f"{{{{ {who}.email or 'email not given' }}}}")


def build(b):
    doc = b.new_template("Case summary: {{ child.full_name }}")
    b.para(
        doc,
        "The case of {{ child.full_name }} as recorded by {{ authority.name }} on "
        "{{ doc.produced|longdate }} (case {{ case_id }}).",
    )

    b.heading(doc, "The child", 2)
    b.facts(
        doc,
        [
            (
                "Name",
                "{{ child.full_name }}{% if child.preferred_name %} (known as {{ child.preferred_name }}){% endif %}",
            ),
            (
                "Date of birth",
                "{% if child.date_of_birth %}{{ child.date_of_birth|dob }} (aged {{ child.age }})"
                "{% else %}not recorded{% endif %}",
            ),
            ("Gender", "{{ child.gender or 'not recorded' }}"),
            ("Ethnicity", "{{ child.ethnicity or 'not recorded' }}"),
            ("Religion", "{{ child.religion or 'not recorded' }}"),
            ("First language", "{{ child.first_language or 'not recorded' }}"),
            ("Disabled child (s17(10)(c))", "{{ child.disabled|yesno }}"),
            ("Disability or health condition", "{{ child.disability or 'none recorded' }}"),
            ("Communication needs", "{{ child.communication_needs or 'none recorded' }}"),
            (
                "Address",
                "{% if child.address_lines %}{{ child.address_lines|join(', ') }}{% else %}not recorded{% endif %}",
            ),
            ("School", "{{ child.school or 'not recorded' }}"),
            ("GP", "{{ child.gp or 'not recorded' }}"),
        ],
    )

    b.heading(doc, "Family and network", 2)
    b.table_or(
        doc,
        "family or network",
        ["Name", "Relationship", "Parental responsibility", "Lives with the child", "Telephone"],
        "for m in family + network",
        [
            "{{ m.name }}",
            "{{ m.relationship }}{% if m.do_not_send %}. Do not send anything to this "
            "person: {{ m.do_not_send.reason }}{% endif %}",
            "{{ m.parental_responsibility|yesno }}",
            "{{ m.lives_with_child|yesno }}",
            "{{ m.phone or 'not given' }}",
        ],
        widths=[26, 22, 18, 16, 18],
    )

    b.heading(doc, "Professionals involved", 2)
    grid = b.table(
        doc,
        ["Name", "Role", "Agency", "Telephone and email"],
        "for p in professionals",
        ["{{ p.name }}", "{{ p.role }}", "{{ p.agency }}", "{{ p.phone or 'telephone not given' }}"],
        widths=[22, 22, 24, 32],
    )
    grid.rows[2].cells[3].add_paragraph("{{ p.email or 'email not given' }}")
    staff_row(grid, "social_worker", "Social Worker")
    # The manager row exists only when a manager is recorded, as in the HTML.
    grid.add_row().cells[0].paragraphs[0].add_run("{%tr if manager %}")
    staff_row(grid, "manager", "Team Manager")
    grid.add_row().cells[0].paragraphs[0].add_run("{%tr endif %}")
    b.keep_rows_whole(grid)

    b.heading(doc, "Assessment", 2)
    b.facts(
        doc,
        [
            ("Completed", "{{ assessment.completed|longdate }}"),
            ("Decision that a plan is needed", "{{ assessment.plan_decision|longdate }}"),
        ],
    )
    b.para(doc, "{{ assessment.summary or 'No summary of the assessment is recorded.' }}")

    b.heading(doc, "Child in Need plan", 2)
    b.para(doc, "{%p if plan %}")
    b.facts(
        doc,
        [
            ("Plan started", "{{ plan.start|longdate }}"),
            ("Legal basis", "{{ plan.legal_basis or 'not recorded' }}"),
            (
                "Visits",
                "{% if plan.visit_interval_weeks %}at least every {{ plan.visit_interval_weeks }} weeks"
                "{% else %}as the policy sets{% endif %}",
            ),
        ],
    )
    b.heading(doc, "Why {{ child.known_as }} is a Child in Need", 3)
    b.para(doc, "{{ plan.why_in_need or 'not recorded' }}")
    b.heading(doc, "Needs and services", 3)
    b.table_or(
        doc,
        "plan.needs",
        ["Need", "Services"],
        "for n in plan.needs",
        ["{{ n.need }}", "{{ n.services or 'not recorded' }}"],
        widths=[50, 50],
    )
    b.heading(doc, "Risks", 3)
    b.table_or(
        doc, "risks", ["Area", "What we know"], "for r in risks", ["{{ r.area }}", "{{ r.detail }}"], widths=[28, 72]
    )
    b.heading(doc, "Outcomes", 3)
    b.para(doc, "{%p if plan.outcomes %}")
    b.para(doc, "{%p for o in plan.outcomes %}")
    b.para(doc, "{{ o.id }}: {{ o.outcome }}{% if o.bee %} ({{ o.bee }}){% endif %}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p else %}")
    b.para(doc, "None recorded.")
    b.para(doc, "{%p endif %}")
    b.heading(doc, "Actions", 3)
    b.table_or(
        doc,
        "actions",
        ["Action", "Who", "By when", "Status"],
        "for a in actions",
        [
            "{{ a.action }}",
            "{{ a.owner or 'not named' }}{% if a.agency %}, {{ a.agency }}{% endif %}",
            "{% if a.open_ended %}{{ a.open_ended }} (no date){% else %}{{ a.due|longdate }}{% endif %}",
            "{{ a.status }}",
        ],
        widths=[44, 24, 18, 14],
    )
    b.heading(doc, "Contingency plan", 3)
    b.para(doc, "{{ plan.contingency or 'not recorded' }}")
    b.para(doc, "{%p else %}")
    b.para(doc, "The case file holds no Child in Need plan.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Views", 2)
    b.heading(doc, "{{ child.known_as }}'s views", 3)
    b.para(doc, "{{ child_views or 'not recorded' }}")
    b.heading(doc, "The family's views", 3)
    b.para(doc, "{{ family_views or 'not recorded' }}")

    b.heading(doc, "Meetings and visits", 2)
    b.table_or(
        doc,
        "history",
        ["Date", "Meeting", "Chair", "Outcome"],
        "for m in history",
        [
            "{{ m.date|longdate }}",
            "{{ m.label }}",
            "{{ m.chair or 'not recorded' }}",
            "{% if not m.held %}Planned{% else %}{{ m.outcome or 'Held' }}{% endif %}",
        ],
        empty="No meetings are recorded.",
        widths=[26, 30, 22, 22],
    )
    b.para(
        doc,
        "Visits recorded: {{ visits.count }}. Latest visit: {{ visits.latest|longdate }}. "
        "Latest seen alone: {{ visits.latest_seen_alone|longdate }}.",
    )

    b.heading(doc, "Deadlines still to meet", 2)
    b.table_or(
        doc,
        "deadlines",
        ["What", "Due", "Status", "Why"],
        "for d in deadlines",
        [
            "{{ d.label }}",
            "{{ d.due|longdate }}{% if d.due_time %} {{ d.due_time|time }}{% endif %}",
            "{{ d.status|capitalize }}",
            "{{ d.explanation }}",
        ],
        empty="No deadlines are open or overdue on {{ doc.produced|longdate }}.",
        widths=[24, 20, 12, 44],
    )
    b.heading(doc, "History: on the record, not things to do", 3)
    b.table_or(
        doc,
        "deadline_history",
        ["What", "Was due", "What happened", "Why"],
        "for d in deadline_history",
        ["{{ d.label }}", "{{ d.due|longdate }}", "{{ d.what_happened }}", "{{ d.explanation }}"],
        empty="Nothing came late or was missed.",
        widths=[24, 20, 20, 36],
    )
    b.para(doc, "Deadlines under the {{ doc.policy_label }} policy, worked out on {{ doc.produced|longdate }}.")
    return NAME, doc

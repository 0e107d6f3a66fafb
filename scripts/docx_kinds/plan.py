"""Word template for the SMART Child in Need plan (mirrors templates/html/plan.html)."""

NAME = "plan.docx"


def _facts(b, doc, rows):
    grid = b.facts(doc, rows)
    _widths(grid, [4.5, 12.5])
    return grid


def _widths(grid, cms):
    """Fixed column widths in cm (the page is 17 cm wide inside the margins), as the PDF's table widths."""
    import docx_builder

    docx_builder.set_widths(grid, cms)


def build(b):
    doc = b.new_template("Child in Need Plan for {{ child.full_name }}")
    b.para(
        doc,
        "{{ authority.name }}{% if authority.team %}, {{ authority.team }}{% endif %} · Case {{ case_id }} · "
        "Produced {{ doc.produced|longdate }} under the {{ doc.policy_label }} policy",
    )

    b.heading(doc, "Child's details", 2)
    _facts(
        b,
        doc,
        [
            (
                "Name",
                "{{ child.full_name }}{% if child.preferred_name %} (known as {{ child.preferred_name }}){% endif %}",
            ),
            (
                "Date of birth",
                "{% if child.date_of_birth %}{{ child.date_of_birth|dob }} (age {{ child.age }})"
                "{% else %}not recorded{% endif %}",
            ),
            ("Gender", "{{ child.gender or 'not recorded' }}"),
            ("Ethnicity", "{{ child.ethnicity or 'not recorded' }}"),
            ("Religion", "{{ child.religion or 'not recorded' }}"),
            ("First language", "{{ child.first_language or 'not recorded' }}"),
            (
                "Disability",
                "{% if child.disabled %}Yes{% if child.disability %}: {{ child.disability }}{% endif %}"
                "{% else %}No{% endif %}",
            ),
            ("Communication needs", "{{ child.communication_needs or 'none recorded' }}"),
            ("Address", "{{ child.address_lines|join(', ') if child.address_lines else 'not recorded' }}"),
            ("School", "{{ child.school or 'not recorded' }}"),
            ("GP", "{{ child.gp or 'not recorded' }}"),
            (
                "Social worker",
                "{% if social_worker %}{{ social_worker.name }}{% if social_worker.phone %}, "
                "{{ social_worker.phone }}{% endif %}{% if social_worker.email %}, {{ social_worker.email }}"
                "{% endif %}{% else %}not recorded{% endif %}",
            ),
            ("Team manager", "{% if team_manager %}{{ team_manager.name }}{% else %}not recorded{% endif %}"),
            ("Plan started", "{{ plan.start|longdate }}"),
            (
                "Plan last updated",
                "{% if plan.last_meeting %}at the {{ plan.last_meeting.label }} on "
                "{{ plan.last_meeting.date|longdate }}{% else %}not yet agreed at a meeting{% endif %}",
            ),
        ],
    )

    b.heading(doc, "Legal basis", 2)
    p = b.para(doc, "")
    p.add_run("{% if plan.legal_basis %}{{ plan.legal_basis.law }}:").bold = True
    p.add_run(" {{ plan.legal_basis.words }}{% else %}Legal basis: not recorded.{% endif %}")

    b.heading(doc, "Why {{ child.known_as }} is in need", 2)
    b.para(doc, "{{ plan.why_in_need or 'not recorded' }}")

    b.heading(doc, "Developmental needs and services", 2)
    b.para(doc, "{%p if plan.needs %}")
    grid = b.table(
        doc,
        ["Identified need", "Services required"],
        "for n in plan.needs",
        ["{{ n.need }}", "{{ n.services or 'not recorded' }}"],
    )
    _widths(grid, [8.5, 8.5])
    b.para(doc, "{%p else %}")
    b.para(doc, "No developmental needs recorded.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Risks", 2)
    risks = b.table(
        doc,
        ["Risk", "What is known and how it is managed"],
        "for r in plan.risks",
        ["{{ r.label }}", "{{ r.text or 'not recorded' }}"],
    )
    # The HTML shows this table without a header row (labels in the first column); keep the texts the same.
    risks._tbl.remove(risks.rows[0]._tr)
    _widths(risks, [4.5, 12.5])

    b.heading(doc, "Views, wishes and feelings", 2)
    b.heading(doc, "{{ child.known_as }}'s views", 3)
    b.para(doc, "{{ plan.child_views or 'not recorded' }}")
    b.para(doc, "{%p if plan.child_own_words %}")
    b.para(
        doc,
        "In {{ child.known_as }}'s own words{% if plan.child_own_words.format_words %} "
        "({{ plan.child_own_words.format_words }}){% endif %}{% if plan.child_own_words.recorded_on %}, "
        "recorded on {{ plan.child_own_words.recorded_on|longdate }}{% endif %}"
        "{% if plan.child_own_words.advocate %}, with the help of {{ plan.child_own_words.advocate }}"
        "{% endif %}:",
    )
    quote = b.para(doc, "{{ plan.child_own_words.in_own_words }}", "Quote")
    quote.runs[0].italic = True
    b.para(doc, "{%p endif %}")
    b.heading(doc, "The family's views", 3)
    b.para(doc, "{{ plan.family_views or 'not recorded' }}")
    b.heading(doc, "What the family expect from the plan", 3)
    b.para(doc, "{{ plan.family_expectations or 'not recorded' }}")

    b.heading(doc, "Outcomes", 2)
    b.para(doc, "{%p if six_bees %}")
    b.para(doc, "Each outcome is linked to one of Hertfordshire's 6 Bees: {{ bees|joinlist }}.")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if plan.outcomes and six_bees %}")
    grid = b.table(
        doc,
        ["Ref", "Outcome for {{ child.known_as }}", "6 Bees", "Actions"],
        "for o in plan.outcomes",
        [
            "{{ o.id }}",
            "{{ o.outcome }}",
            "{{ o.bee or 'not recorded' }}",
            "{{ o.actions|join(', ') if o.actions else 'none' }}",
        ],
    )
    _widths(grid, [1.2, 10.3, 2.8, 2.7])
    b.para(doc, "{%p elif plan.outcomes %}")
    grid = b.table(
        doc,
        ["Ref", "Outcome for {{ child.known_as }}", "Actions"],
        "for o in plan.outcomes",
        ["{{ o.id }}", "{{ o.outcome }}", "{{ o.actions|join(', ') if o.actions else 'none' }}"],
    )
    _widths(grid, [1.2, 13.1, 2.7])
    b.para(doc, "{%p else %}")
    b.para(doc, "No outcomes recorded.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Actions", 2)
    b.para(doc, "{%p if plan.actions %}")
    actions = b.table(
        doc,
        ["Ref", "What will be done", "Who", "By when", "How progress will be measured", "Outcome", "Status"],
        "for a in plan.actions",
        [
            "{{ a.ref }}",
            "{{ a.action }}",
            "{{ a.owner or 'not named' }}",
            "{% if a.due_note %}{{ a.due_note }}{% else %}{{ a.due|longdate }}{% endif %}",
            "{{ a.measure or 'not recorded' }}",
            "{{ a.outcome or 'none' }}",
            "{{ a.status }}",
        ],
    )
    # The agency on its own line under the owner's name, as in the PDF.
    who = actions.rows[2].cells[2].add_paragraph()
    who.add_run("{% if a.agency %}{{ a.agency }}{% endif %}").italic = True
    _small_table(b, actions)
    _widths(actions, [1.0, 3.8, 2.6, 2.2, 3.6, 1.8, 2.0])
    b.para(doc, "{%p else %}")
    b.para(doc, "No actions recorded.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Roles and responsibilities", 2)
    b.para(doc, "{%p if plan.roles %}")
    grid = b.table(
        doc,
        ["Who", "Responsibility", "Nature and frequency of contact"],
        "for r in plan.roles",
        ["{{ r.who }}", "{{ r.responsibility }}", "{{ r.contact_frequency or 'not recorded' }}"],
    )
    _widths(grid, [4.0, 7.0, 6.0])
    b.para(doc, "{%p else %}")
    b.para(doc, "No roles recorded.")
    b.para(doc, "{%p endif %}")
    b.heading(doc, "Visits to {{ child.known_as }}", 3)
    b.para(
        doc,
        "{% if visits %}The social worker will visit {{ child.known_as }} {{ visits.frequency }} "
        "({{ visits.set_by }}). {% if visits.overdue %}The next visit is OVERDUE: it was due by "
        "{{ visits.next_due|longdate }}{% else %}The next visit is due by {{ visits.next_due|longdate }}"
        "{% endif %}, counted from "
        "{{ visits.from_label }} on {{ visits.from_date|longdate }}{% if visits.moved %} and brought forward "
        "to a working day{% endif %}.{% else %}Visit frequency: not yet set (the plan has no start date and "
        "no visits are recorded).{% endif %}",
    )

    b.heading(doc, "Contingency plan", 2)
    b.para(doc, "{{ plan.contingency or 'not recorded' }}")

    b.heading(doc, "If there are concerns about significant harm", 2)
    b.para(
        doc,
        "If at any time there are concerns that {{ child.known_as }} may be at risk of significant harm, the "
        "{{ child_protection.procedures }} must be followed. This may lead to a strategy discussion and a "
        "child protection enquiry under section 47 of the Children Act 1989.",
    )

    b.heading(doc, "Review points", 2)
    b.para(
        doc,
        "{% if review.next_review %}The next review of this plan must be held by "
        "{{ review.next_review.due|longdate }}.{% else %}Next review: not yet set.{% endif %}"
        "{% if review.plan_end %}{% if review.plan_end.status == 'info' %} The usual target for a plan to "
        "end ({{ review.plan_end.due|longdate }}) is {{ review.plan_end.policy_note }}.{% else %} The plan "
        "is expected to end by {{ review.plan_end.due|longdate }} (a target, not a deadline).{% endif %}"
        "{% endif %}",
    )
    b.para(doc, "{%p if review.points %}")
    grid = b.table(
        doc,
        ["Review point", "Date", "How the date is worked out"],
        "for d in review.points",
        ["{{ d.label }}", "{{ d.due|longdate }}{% if d.note %} ({{ d.note }}){% endif %}", "{{ d.explanation }}"],
    )
    _widths(grid, [4.5, 4.0, 8.5])
    b.para(doc, "{%p endif %}")
    b.heading(doc, "History: on the record, not things to do", 3)
    history = b.table_or(
        doc,
        "review.history",
        ["What", "Was due", "What happened"],
        "for d in review.history",
        ["{{ d.label }}", "{{ d.due|longdate }}", "{{ d.what_happened }}"],
        "Nothing came late or was missed.",
    )
    _widths(history, [4.5, 4.0, 8.5])
    b.heading(doc, "How progress will be judged", 3)
    b.para(doc, "{{ plan.review_judgement or 'not recorded' }}")

    b.heading(doc, "Resources and funding", 2)
    _facts(
        b,
        doc,
        [
            ("Resources needed", "{{ plan.resources or 'not recorded' }}"),
            ("Funding panel", "{{ plan.funding_panel or 'No request to ' ~ funding_panel_name ~ ' recorded.' }}"),
        ],
    )

    b.heading(doc, "SMART check", 2)
    b.para(doc, "{%p if smart.findings %}")
    b.para(doc, "{%p if smart.produced_anyway %}")
    p = b.para(doc, "")
    p.add_run("This plan was produced although the SMART check found errors.").bold = True
    p.add_run(" They must be put right before the plan is agreed.")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{{ smart.summary }}")
    grid = b.table(
        doc,
        ["Level", "Where", "What to check"],
        "for f in smart.findings",
        ["{{ f.label }}", "{{ f.where }}", "{{ f.message }}"],
    )
    _widths(grid, [2.0, 4.0, 11.0])
    b.para(doc, "{%p else %}")
    p = b.para(
        doc,
        "No problems found: every action has a named person responsible, a due date within the plan and "
        "a measure, and every outcome has at least one action.",
    )
    p.runs[0].bold = True
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Sign-off", 2)
    _facts(
        b,
        doc,
        [
            (
                "Signed off by",
                "{% if plan.signed_off %}{{ plan.signed_off.name }}{% if plan.signed_off.role %}, "
                "{{ plan.signed_off.role }}{% endif %}{% else %}Not yet signed off by the line or team "
                "manager.{% endif %}",
            ),
            ("Date", "{% if plan.signed_off %}{{ plan.signed_off.date|longdate }}{% else %}not recorded{% endif %}"),
        ],
    )

    b.heading(doc, "Distribution", 2)
    b.para(doc, "Copies of this plan go to:")
    b.para(doc, "{%p for line in plan.distribution %}")
    b.para(doc, "{{ line }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    return NAME, doc


def _small_table(b, grid):
    """9 pt text in a wide table, as in the PDF (seven columns on A4 portrait)."""
    from docx.shared import Pt

    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)

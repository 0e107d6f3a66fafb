"""Word template for the closing summary (mirrors templates/html/closing-summary.html)."""

from docx.shared import Cm, Pt

NAME = "closing-summary.docx"

ACTION_HEADERS = ["Ref", "Action", "Who", "Final status", "Last rated at a meeting"]
ACTION_CELLS = [
    "{{ a.ref }}",
    "{{ a.action }}",
    "{{ a.owner or 'not named' }}{% if a.agency %}, {{ a.agency }}{% endif %}",
    "{{ a.status }}",
    "{{ a.last_rating or 'not rated' }}",
]
ACTION_WIDTHS = [7, 37, 22, 14, 20]


def _if_else(b, doc, test: str, body, empty: str = "Not recorded."):
    b.para(doc, f"{{%p if {test} %}}")
    body()
    b.para(doc, "{%p else %}")
    b.para(doc, empty)
    b.para(doc, "{%p endif %}")


def _agreed(who: str) -> str:
    a = f"agreement.{who}"
    return (
        f"{{% if {a} %}}Agreed by {{{{ {a}.name }}}}{{% if {a}.role %}}, {{{{ {a}.role }}}}{{% endif %}}"
        f"{{% if {a}.date %}}, on {{{{ {a}.date|longdate }}}}{{% endif %}}{{% else %}}not recorded{{% endif %}}"
    )


def build(b):
    doc = b.new_template("Closing summary: {{ child.full_name }}")
    b.para(
        doc,
        "The end of the Child in Need plan for {{ child.full_name }}{% if child.preferred_name %} (known as "
        "{{ child.preferred_name }}){% endif %}, recorded by {{ authority.name }} (case {{ case_id }}).",
    )
    b.facts(
        doc,
        [
            ("Child", "{{ child.full_name }}"),
            (
                "Date of birth",
                "{% if child.date_of_birth %}{{ child.date_of_birth|dob }}{% else %}not recorded{% endif %}",
            ),
            ("Case ID", "{{ case_id }}"),
            ("Legal basis", "{{ plan_dates.legal_basis or 'not recorded' }}"),
            (
                "Plan started",
                "{% if plan_dates.start %}{{ plan_dates.start|longdate }}{% else %}not recorded{% endif %}",
            ),
            (
                "Plan ended",
                "{{ plan_dates.end|longdate }}{% if plan_dates.ended_by_closure %} (the closure date){% endif %}",
            ),
            ("Length of the plan", "{{ plan_dates.length or 'not known (no plan start date)' }}"),
            ("Case closed", "{{ closure.date|longdate }}"),
            ("Reason for closure", "{{ closure.reason_text }} (census code {{ closure.reason_code }})"),
            (
                "Social worker",
                "{% if social_worker %}{{ social_worker.name }}{% if social_worker.team %}, "
                "{{ social_worker.team }}{% endif %}{% else %}not recorded{% endif %}",
            ),
            ("Policy", "{{ doc.policy_document }}"),
        ],
    )

    b.heading(doc, "Why the plan is ending", 2)
    b.para(doc, "{{ closure.summary or 'Not recorded.' }}")
    b.para(doc, "{%p if plan_dates.why_in_need %}")
    b.heading(doc, "Why {{ child.known_as }} was a Child in Need", 3)
    b.para(doc, "{{ plan_dates.why_in_need }}")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "The work done", 2)
    b.heading(doc, "Needs and services", 3)
    b.table_or(
        doc,
        "needs",
        ["Identified need", "Services provided"],
        "for n in needs",
        ["{{ n.need }}", "{{ n.services or 'not recorded' }}"],
        widths=[50, 50],
    )
    b.heading(doc, "Outcomes and actions", 3)
    b.para(doc, "{{ work.summary }}")
    b.para(doc, "{%p for o in work.outcomes %}")
    b.heading(doc, "{{ o.id }}: {{ o.outcome }}{% if o.bee %} ({{ o.bee }}){% endif %}", 4)
    b.table_or(
        doc,
        "o.actions",
        ACTION_HEADERS,
        "for a in o.actions",
        ACTION_CELLS,
        "No actions served this outcome.",
        widths=ACTION_WIDTHS,
    )
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p if work.other %}")
    b.heading(doc, "{% if work.outcomes %}Other actions{% else %}Actions{% endif %}", 4)
    b.table(doc, ACTION_HEADERS, "for a in work.other", ACTION_CELLS, widths=ACTION_WIDTHS)
    b.para(doc, "{%p endif %}")
    b.heading(doc, "Meetings held", 3)
    b.table_or(
        doc,
        "meetings",
        ["Date", "Meeting", "Chair", "Outcome"],
        "for m in meetings",
        [
            "{{ m.date|longdate }}",
            "{{ m.label }}",
            "{{ m.chair or 'not recorded' }}",
            "{{ m.outcome or 'not recorded' }}",
        ],
        widths=[28, 30, 20, 22],
    )

    b.heading(doc, "Views", 2)
    b.heading(doc, "The professionals' views", 3)
    b.para(doc, "{%p if views_from.professionals %}")
    b.para(doc, "From {{ views_from.professionals }}.")
    b.para(doc, "{%p endif %}")
    b.table_or(
        doc,
        "professionals_views",
        ["Who", "View"],
        "for v in professionals_views",
        [
            "{{ v.name }}{% if v.role %}, {{ v.role }}{% endif %}{% if v.agency %}, {{ v.agency }}{% endif %}",
            "{{ v.view }}",
        ],
        "Not recorded.",
        widths=[30, 70],
    )
    b.heading(doc, "{{ child.known_as }}'s views, wishes and feelings", 3)

    def own_words():
        b.para(
            doc,
            "{% if views_from.child %}From {{ views_from.child }}:{% else %}In {{ child.known_as }}'s own "
            "words ({{ child_views.format_words }}{% if child_views.recorded_on %}, "
            "{{ child_views.recorded_on|longdate }}{% endif %}{% if child_views.advocate %}, with "
            "{{ child_views.advocate }}{% endif %}):{% endif %}",
        )
        quote = b.para(doc, "{{ child_views.in_own_words }}")
        quote.paragraph_format.left_indent = Cm(1)

    _if_else(b, doc, "child_views", own_words)
    b.heading(doc, "The parents' and carers' views", 3)
    b.para(doc, "{%p if views_from.family %}")
    b.para(doc, "From {{ views_from.family }}.")
    b.para(doc, "{%p endif %}")
    b.table_or(
        doc,
        "family_views",
        ["Who", "View"],
        "for v in family_views",
        ["{{ v.name }}{% if v.role %}, {{ v.role }}{% endif %}", "{{ v.view }}"],
        "Not recorded.",
        widths=[30, 70],
    )

    b.heading(doc, "What happens next", 2)
    b.facts(
        doc,
        [
            ("Next steps", "{{ closure.next_steps or 'not recorded' }}"),
            (
                "In detail",
                "{{ closure.next_steps_detail or 'not recorded' }}{% if closure.next_steps_from %} (from the "
                "record of the {{ closure.next_steps_from }}){% endif %}",
            ),
            (
                "Lead professional",
                "{% if closure.lead_professional %}{{ closure.lead_professional.name }}"
                "{% if closure.lead_professional.role %}, {{ closure.lead_professional.role }}{% endif %}"
                "{% if closure.lead_professional.agency %}, {{ closure.lead_professional.agency }}"
                "{% endif %}{% else %}none named{% endif %}",
            ),
        ],
    )

    b.heading(doc, "Agreement to end the plan", 2)
    b.facts(
        doc,
        [
            ("Team manager", _agreed("team_manager")),
            (
                "Early Help manager",
                _agreed("early_help_manager"),
                "agreement.early_help_required or agreement.early_help_manager",
            ),
        ],
        keep_together=True,
    )
    b.para(doc, "{%p if agreement.source %}")
    b.para(doc, "Policy: “{{ agreement.source }}”").runs[0].font.size = Pt(9)
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Deadline history", 2)
    b.para(
        doc,
        "For the record: deadlines under the {{ doc.policy_label }} policy that were met late or missed "
        "during the plan, worked out on {{ doc.produced|longdate }}.",
    )
    b.table_or(
        doc,
        "lapses",
        ["What", "Due", "Status", "How it is worked out"],
        "for d in lapses",
        [
            "{{ d.label }}",
            "{{ d.due|longdate }}",
            "{{ d.status|capitalize }}{% if d.satisfied_on %} (done {{ d.satisfied_on|longdate }}){% endif %}",
            "{{ d.explanation }}",
        ],
        "None: no deadline was met late or missed.",
        widths=[24, 20, 18, 38],
    )

    b.heading(doc, "Distribution", 2)
    b.table(
        doc,
        ["Name", "Role and agency", "Why"],
        "for p in distribution",
        [
            "{{ p.name }}",
            "{{ p.role or 'not recorded' }}{% if p.agency %}, {{ p.agency }}{% endif %}",
            "{{ p.note or '' }}",
        ],
        widths=[28, 36, 36],
    )
    return NAME, doc

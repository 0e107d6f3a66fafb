"""Word template for the review record (mirrors templates/html/review-record.html)."""

NAME = "review-record.docx"

NONE = "None recorded."


def _bullets(b, doc, items: str, intro: str | None = None):
    """Bullets for each item of `items`, or "None recorded." (an optional intro paragraph before the bullets)."""
    b.para(doc, f"{{%p if {items} %}}")
    if intro:
        b.para(doc, intro)
    b.para(doc, f"{{%p for u in {items} %}}")
    b.para(doc, "{{ u }}", "List Bullet")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p else %}")
    b.para(doc, NONE)
    b.para(doc, "{%p endif %}")


def _people(b, doc, items: str):
    b.para(doc, f"{{%p if {items} %}}")
    b.table(
        doc,
        ["Name", "Role", "Agency"],
        f"for p in {items}",
        ["{{ p.name }}", "{{ p.role or 'not recorded' }}", "{{ p.agency or 'not recorded' }}"],
        widths=[28, 36, 36],
    )
    b.para(doc, "{%p else %}")
    b.para(doc, NONE)
    b.para(doc, "{%p endif %}")


def _source(b, doc, expr: str):
    """The policy sentence a section comes from, in small type, when there is one."""
    from docx.shared import Pt

    b.para(doc, f"{{%p if {expr} %}}")
    b.para(doc, f"Policy: “{{{{ {expr} }}}}”").runs[0].font.size = Pt(9)
    b.para(doc, "{%p endif %}")


DEADLINE_HEADERS = ["What", "Due", "Status", "How it is worked out"]
DEADLINE_CELLS = [
    "{{ d.label }}",
    "{{ d.due|longdate }}",
    "{{ d.status_label }}{% if d.satisfied_on %} (done {{ d.satisfied_on|longdate }}){% endif %}",
    "{{ d.explanation }}",
]
DEADLINE_WIDTHS = [22, 18, 22, 38]


def build(b):
    doc = b.new_template("{{ doc.title }}")
    b.para(doc, "{{ doc.kind_title }} · {{ meeting.type_label }} · {{ child.full_name }}")
    b.facts(
        doc,
        [
            (
                "Child",
                "{{ child.full_name }}{% if child.preferred_name %} (known as {{ child.preferred_name }}){% endif %}",
            ),
            ("Date of birth", "{{ child.date_of_birth|dob }}"),
            ("Case ID", "{{ case_id }}"),
            ("Meeting", "{{ meeting.type_label }}: {{ meeting.label }}"),
            ("Date", "{{ meeting.date|longdate }}"),
            (
                "Time",
                "{% if meeting.time %}{{ meeting.time|time }}{% if meeting.end_time %} to {{ meeting.end_time|time }}"
                "{% endif %}{% else %}not recorded{% endif %}",
            ),
            ("Venue", "{{ meeting.venue or 'not recorded' }}"),
            ("Joining remotely", "{{ meeting.remote_text or 'Not applicable' }}"),
            (
                "Chair",
                "{% if meeting.chair %}{{ meeting.chair.name }}{% if meeting.chair.role %}, {{ meeting.chair.role }}"
                "{% endif %}{% if meeting.chair.agency %}, {{ meeting.chair.agency }}{% endif %}{% else %}"
                "not recorded{% endif %}",
            ),
            (
                "Social worker",
                "{% if social_worker %}{{ social_worker.name }}{% if social_worker.team %}, "
                "{{ social_worker.team }}{% endif %}{% else %}not recorded{% endif %}",
            ),
            ("Outcome", "{{ outcome.label }}"),
            (
                "Next review due",
                "{% if deadlines.next_review %}{{ deadlines.next_review.due|longdate }}{% else %}"
                "none under this policy{% endif %}",
            ),
            ("Policy", "{{ doc.policy_document }}"),
        ],
    )
    b.para(doc, "{%p if meeting.purpose %}")
    p = b.para(doc, "Purpose: ")
    p.runs[0].bold = True
    p.add_run("{{ meeting.purpose }}")
    b.para(doc, "{%p endif %}")

    b.para(doc, "{%p if chairing %}")
    b.heading(doc, "Chairing", 2)
    b.facts(
        doc,
        [
            (
                "Chaired by",
                "{% if chairing.chair %}{{ chairing.chair.name }}{% if chairing.chair.role %}, "
                "{{ chairing.chair.role }}{% endif %}{% if chairing.by_manager %} (the line manager){% endif %}"
                "{% else %}not recorded{% endif %}",
            ),
            (
                "Why the line manager delegated the chair",
                "{{ chairing.reason or 'not recorded (required when the line manager does not chair)' }}"
                "{% if chairing.manager %} (line manager: {{ chairing.manager }}){% endif %}",
                "not chairing.by_manager",
            ),
            (
                "Review meetings will be chaired by",
                "{% if chairing.reviews_chair %}{{ chairing.reviews_chair.name }}{% if chairing.reviews_chair.role %}, "
                "{{ chairing.reviews_chair.role }}{% endif %}{% else %}not recorded (to be agreed at this meeting)"
                "{% endif %}",
            ),
        ],
    )
    _source(b, doc, "chairing.source")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Who took part", 2)
    b.heading(doc, "Attendees", 3)
    _people(b, doc, "meeting.attendees")
    b.heading(doc, "Apologies", 3)
    _people(b, doc, "meeting.apologies")
    b.heading(doc, "Written reports received", 3)
    b.para(doc, "{%p if meeting.reports %}")
    b.table(
        doc,
        ["From", "Received", "Summary", "Shared at the meeting"],
        "for r in meeting.reports",
        [
            "{{ r.name }}{% if r.role %}, {{ r.role }}{% endif %}{% if r.agency %}, {{ r.agency }}{% endif %}",
            "{{ r.received|longdate }}",
            "{{ r.summary or 'not recorded' }}",
            "{{ r.shared|yesno }}",
        ],
        widths=[30, 22, 34, 14],
    )
    b.para(doc, "{%p else %}")
    b.para(doc, NONE)
    b.para(doc, "{%p endif %}")

    b.heading(doc, "The child and family", 2)
    b.facts(
        doc,
        [
            ("Child seen", "{{ meeting.child_seen|yesno }}"),
            ("Child seen alone", "{{ meeting.child_seen_alone|yesno }}"),
        ],
    )
    b.heading(doc, "The child's views", 3)
    b.para(doc, "{{ meeting.child_views or 'Not recorded.' }}")
    b.heading(doc, "The family's views", 3)
    b.para(doc, "{{ meeting.family_views or 'Not recorded.' }}")

    b.heading(doc, "Progress against the plan", 2)
    b.para(doc, "{{ progress.summary }}")
    b.para(doc, "{%p if progress.initial %}")
    b.para(
        doc,
        "At the initial meeting the plan's actions are agreed; their progress is reviewed at the meetings that follow.",
    )
    b.para(doc, "{%p endif %}")
    b.table(
        doc,
        ["Ref", "Action", "Who", "Due", "Progress", "Evidence"],
        "for a in progress.rows",
        [
            "{{ a.ref }}",
            "{{ a.action }}",
            "{{ a.owner or 'not recorded' }}{% if a.agency %}, {{ a.agency }}{% endif %}",
            "{{ a.due|longdate }}",
            "{{ a.rating_label }}",
            "{{ a.evidence or 'not recorded' }}",
        ],
        widths=[6, 27, 19, 14, 11, 23],
    )

    b.heading(doc, "Updates to the plan", 2)
    _bullets(b, doc, "meeting.plan_updates")

    b.heading(doc, "Discussion", 2)
    b.heading(doc, "Key discussion points", 3)
    _bullets(b, doc, "meeting.discussion")
    b.heading(doc, "Significant events", 3)
    _bullets(b, doc, "meeting.significant_events")
    b.heading(doc, "Areas of disagreement", 3)
    _bullets(b, doc, "meeting.disagreements")
    b.heading(doc, "Issues not resolved", 3)
    _bullets(
        b,
        doc,
        "meeting.unresolved",
        intro="To be raised with the team manager{% if unresolved_to %} ({{ unresolved_to }}){% endif %}:",
    )
    b.heading(doc, "Equality and diversity", 3)
    b.para(doc, "{{ meeting.equality_diversity or 'Not recorded.' }}")

    b.heading(doc, "Outcome of the meeting", 2)
    b.para(doc, "{%p if outcome.recorded %}")
    b.para(doc, "{%p for o in outcome.chosen %}")
    p = b.para(
        doc,
        "Outcome{% if outcome.chosen|length > 1 %} {{ loop.index }} of {{ outcome.chosen|length }}"
        "{% endif %}: {{ o.label }}",
    )
    p.runs[0].bold = True
    b.para(doc, "{{ o.text }}")
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p else %}")
    p = b.para(doc, "Outcome: not recorded")
    p.runs[0].bold = True
    b.para(doc, "No outcome has been recorded for this meeting. One of the outcomes below must be chosen.")
    b.para(doc, "{%p endif %}")
    b.facts(
        doc,
        [
            (
                "Lead professional",
                "{% if outcome.lead_professional %}{{ outcome.lead_professional.name }}"
                "{% if outcome.lead_professional.role %}, {{ outcome.lead_professional.role }}{% endif %}"
                "{% if outcome.lead_professional.agency %}, {{ outcome.lead_professional.agency }}"
                "{% endif %}{% else %}{{ 'not recorded (required for this outcome)' if "
                "outcome.detail_required else 'not recorded' }}{% endif %}",
                "outcome.show_lead_professional",
            ),
            (
                "Next steps",
                "{{ outcome.next_steps or ('not recorded (required for this outcome)' if "
                "outcome.detail_required else 'not recorded') }}",
            ),
        ],
    )
    b.heading(
        doc,
        "{% if outcome.recorded %}Other possible outcomes (not chosen){% else %}Possible outcomes "
        "(none chosen){% endif %}",
        3,
    )
    b.para(doc, "{%p for o in outcome.others %}")
    p = b.para(doc, "{{ o.label }}", "List Bullet")
    p.runs[0].bold = True
    p.add_run(" (not chosen): {{ o.text }}")
    b.para(doc, "{%p endfor %}")

    b.para(doc, "{%p if second_review %}")
    b.heading(doc, "Will the plan cease by 15 months?", 2)
    b.para(
        doc,
        "This is the second review (9 months): it decides whether the plan is expected to be ceased by 15 "
        "months (the third review).",
    )
    sr = "second_review.decision"
    b.facts(
        doc,
        [
            (
                "Expected to cease by 15 months",
                f"{{% if {sr} %}}{{{{ {sr}.will_cease_by_15_months|yesno }}}}{{% else %}}not recorded{{% endif %}}",
            ),
            ("Why", f"{{{{ ({sr}.reason if {sr} else None) or 'not recorded' }}}}"),
            (
                "Team manager asked for a Child Protection Conference Chair or Independent Reviewing Officer to chair the "
                "third review",
                f"{{% if {sr} and {sr}.independent_chair_requested %}}On {{{{ {sr}.independent_chair_requested|longdate }}}}"
                f"{{% if {sr}.requested_by %}}, by {{{{ {sr}.requested_by }}}}{{% endif %}}{{% else %}}not recorded"
                f"{{% if {sr} %}} (required: the plan is not expected to cease by 15 months){{% endif %}}{{% endif %}}",
                f"not {sr} or not {sr}.will_cease_by_15_months",
            ),
        ],
    )
    _source(b, doc, "second_review.source")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if strategy %}")
    b.heading(doc, "Strategy discussion considered", 2)
    b.para(doc, "{%p if strategy.limited %}")
    b.para(
        doc,
        "Progress on the plan is limited, so the need for a Strategy Discussion or Section 47 Enquiry must "
        "be considered.",
    )
    b.para(doc, "{%p endif %}")
    sd = "strategy.recorded"
    b.facts(
        doc,
        [
            (
                "Considered",
                f"{{% if {sd} %}}{{{{ {sd}.considered|yesno }}}}{{% else %}}not recorded (required){{% endif %}}",
            ),
            (
                "Strategy discussion needed",
                f"{{% if {sd} and {sd}.needed is not none %}}{{{{ {sd}.needed|yesno }}}}"
                "{% else %}not recorded{% endif %}",
            ),
            ("Rationale", f"{{{{ ({sd}.rationale if {sd} else None) or 'not recorded' }}}}"),
        ],
    )
    _source(b, doc, "strategy.source")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Decisions", 2)
    _bullets(b, doc, "meeting.decisions")

    b.heading(doc, "Deadlines and next steps", 2)
    b.para(
        doc,
        "Worked out on {{ deadlines.as_of|longdate }} under the {{ doc.policy_label }} policy."
        "{% if deadlines.later_held %} Meetings have been held since this one ({% for l in "
        "deadlines.later_held %}{{ l.label }} on {{ l.date|longdate }}{% if not loop.last %}; {% endif %}"
        "{% endfor %}), so the case dates count from the latest of them.{% endif %}",
    )
    p = b.para(doc, "Next meeting arranged:")
    p.runs[0].bold = True
    p.add_run(
        " {% if deadlines.next_meeting %}{{ deadlines.next_meeting.label }} on "
        "{{ deadlines.next_meeting.date|longdate }}{% if deadlines.next_meeting.time %} at "
        "{{ deadlines.next_meeting.time|time }}{% endif %}{% if deadlines.next_meeting.held %} (held){% endif %}"
        "{% else %}none in the case file{% endif %}"
    )
    b.heading(doc, "Deadlines counted from this meeting", 3)
    b.table_or(
        doc,
        "deadlines.meeting",
        DEADLINE_HEADERS,
        "for d in deadlines.meeting",
        DEADLINE_CELLS,
        "None: the {{ doc.policy_label }} policy sets no deadline counted from this meeting.",
        DEADLINE_WIDTHS,
    )
    b.heading(doc, "Next review and other case dates", 3)
    b.table_or(
        doc,
        "deadlines.case",
        DEADLINE_HEADERS,
        "for d in deadlines.case",
        DEADLINE_CELLS,
        "None: the case file has no plan start date or initial meeting to count from.",
        DEADLINE_WIDTHS,
    )
    b.heading(doc, "History: on the record, not things to do", 3)
    b.table_or(
        doc,
        "deadlines.history",
        ["What", "Was due", "What happened", "How it is worked out"],
        "for d in deadlines.history",
        ["{{ d.label }}", "{{ d.due|longdate }}", "{{ d.what_happened }}", "{{ d.explanation }}"],
        "Nothing came late or was missed.",
        widths=DEADLINE_WIDTHS,
    )

    b.heading(doc, "Flags: how long the plan has been open", 2)
    b.para(
        doc,
        "{% if flags.checked %}These dates are checked: {{ flags.checked|joinlist }}. One is flagged below "
        "if it has not been met yet and falls by {{ flags.window_end|longdate }}, so that there is time to "
        "act before {% if flags.next_review_due and flags.next_review_due >= flags.window_end %}the next "
        "review (due {{ flags.next_review_due|longdate }} when this meeting was held){% else %}the next "
        "meeting ({{ flags.months }} months after this one){% endif %}. Dates that have already passed are "
        "flagged too.{% else %}No dates to check: the case file has no plan start date.{% endif %}",
    )
    b.para(doc, "{%p if flags.raised %}")
    b.para(doc, "{%p for f in flags.raised %}")
    p = b.para(doc, "{{ f.label }}: {{ f.due|longdate }}", "List Bullet")
    p.runs[0].bold = True
    p.add_run(
        " ({{ f.status_label }}{% if f.passed %}, already passed at the meeting{% endif %}). "
        "{{ f.explanation }}. Policy: {{ f.source }}"
    )
    b.para(doc, "{%p endfor %}")
    b.para(doc, "{%p else %}")
    b.para(doc, "No flags: none of these dates falls within the period.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Manager's sign-off", 2)
    b.para(doc, "{%p if sign_off %}")
    b.facts(
        doc,
        [
            ("Signed off by", "{{ sign_off.name }}{% if sign_off.role %}, {{ sign_off.role }}{% endif %}"),
            ("Date", "{{ sign_off.date|longdate }}"),
        ],
        keep_together=True,
    )
    b.para(doc, "{%p else %}")
    b.para(doc, "Not yet signed off. To be completed by the line manager or team manager:")
    b.facts(doc, [("Name and role", ""), ("Signature", ""), ("Date", "")], keep_together=True)
    b.para(doc, "{%p endif %}")

    b.para(doc, "{%p if signatures.chair or signatures.family %}")
    b.heading(
        doc,
        "Sign-off by the {% if signatures.chair %}chair{% endif %}{% if signatures.chair and "
        "signatures.family %} and the {% endif %}{% if signatures.family %}family{% endif %}",
        2,
    )
    _source(b, doc, "signatures.source")
    b.table(
        doc,
        ["Who", "Name", "Signed off on"],
        "for s in signatures.rows",
        ["{{ s.who }}", "{{ s.name }}", "{{ s.date|longdate if s.date else 'not yet signed' }}"],
        widths=[28, 36, 36],
    )
    b.para(doc, "{%p endif %}")

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

"""Word template for the transfer notification letter (mirrors templates/html/transfer-letter.html)."""

from docx.shared import Pt

NAME = "transfer-letter.docx"


def build(b):
    doc = b.new_template("")
    b.letterhead(doc)
    b.para(doc, "{%p for line in addressee %}")
    b.para(doc, "{{ line }}").paragraph_format.space_after = Pt(0)  # an address block, not paragraphs
    b.para(doc, "{%p endfor %}")
    b.para(doc, "Date: {{ doc.produced|longdate }}")
    b.para(doc, "Our reference: {{ case_id }}")
    b.heading(
        doc,
        "Child in Need {% if moved %}who has moved{% else %}moving{% endif %} to your area: {{ child.full_name }}",
        1,
    )
    b.para(
        doc, "Dear {{ transfer.receiving_social_worker.name if transfer.receiving_social_worker else 'Colleague' }},"
    )
    b.para(
        doc,
        "I am writing to notify you formally that {{ child.full_name }}, who has a Child in Need plan with "
        "{{ our_authority }}, {% if moved %}moved to your area on {{ transfer.move_date|longdate }}{% else %}"
        "is moving to your area{% if transfer.move_date %} on {{ transfer.move_date|longdate }}{% endif %}"
        "{% endif %}. Under the Children Act 1989, responsibility for "
        "safeguarding and promoting {{ child.known_as }}'s welfare lies with the local authority where the "
        "child is living. This letter and the enclosed documents share the information you need to continue "
        "supporting {{ child.known_as }} and the family without a gap.",
    )

    b.heading(doc, "Who {% if moved %}has moved{% else %}is moving{% endif %}", 2)
    b.facts(
        doc,
        [
            (
                "Child",
                "{{ child.full_name }}{% if child.preferred_name %} (known as {{ child.preferred_name }}){% endif %}",
            ),
            (
                "Date of birth",
                "{% if child.date_of_birth %}{{ child.date_of_birth|dob }} (aged {{ child.age }})"
                "{% else %}not recorded{% endif %}",
            ),
            (
                "Living with",
                "{% if household %}{% for m in household %}{{ m.name }}, {{ m.relationship }}"
                "{% if m.parental_responsibility %}, with parental responsibility{% endif %}"
                "{% if not loop.last %}; {% endif %}{% endfor %}{% else %}not recorded{% endif %}",
            ),
            (
                "Other parents",
                "{% if other_parents %}{% for m in other_parents %}{{ m.name }}, {{ m.relationship }}, "
                "with parental responsibility, not living with {{ child.known_as }}"
                "{% if m.do_not_send %}; do not send anything to this person: {{ m.do_not_send }}{% endif %}"
                "{% if not loop.last %}; {% endif %}{% endfor %}{% else %}none recorded{% endif %}",
            ),
        ],
    )

    b.heading(doc, "When and where", 2)
    b.facts(
        doc,
        [
            ("{% if moved %}Moved on{% else %}Moving on{% endif %}", "{{ transfer.move_date|longdate }}"),
            ("Resident in your area from", "{{ transfer.residence_start|longdate }}"),
            (
                "New address",
                "{% if transfer.new_address_lines %}{{ transfer.new_address_lines|join(', ') }}"
                "{% else %}not recorded{% endif %}",
            ),
        ],
    )

    b.heading(doc, "Why {{ child.known_as }} is a Child in Need", 2)
    b.para(
        doc,
        "Legal basis: {{ in_need.legal_basis or 'not recorded' }}. Plan started: {{ in_need.plan_start|longdate }}.",
    )
    b.para(
        doc, "{{ in_need.why or 'The reasons are not recorded in the case file; please see the enclosed documents.' }}"
    )

    b.heading(doc, "Risks", 2)
    b.para(doc, "{%p if risks %}")
    b.table(doc, ["Area", "What we know"], "for r in risks", ["{{ r.area }}", "{{ r.detail }}"], widths=[28, 72])
    b.para(doc, "{%p else %}")
    b.para(
        doc,
        "No risks are recorded in the case file. Please contact {{ social_worker.name }} to discuss the "
        "family before the move.",
    )
    b.para(doc, "{%p endif %}")

    b.heading(doc, "Impact of the move on {{ child.known_as }}'s vulnerability", 2)
    b.table(
        doc,
        ["Considered", "Assessment"],
        "for r in impact",
        ["{{ r.area }}", "{{ r.detail or 'not recorded' }}"],
        widths=[34, 66],
    )

    b.heading(doc, "Your first Child in Need meeting", 2)
    b.para(doc, "{%p if first_meeting.available %}")
    p = b.para(
        doc,
        "The receiving authority should seek to convene a Child in Need meeting by "
        "{{ first_meeting.due|longdate }}: {{ first_meeting.explanation }}.",
    )
    p.runs[0].bold = True
    b.para(doc, "Policy: “{{ first_meeting.source }}” ({{ doc.policy_label }})")
    b.para(doc, "{%p else %}")
    b.para(doc, "{{ first_meeting.reason }}")
    b.para(doc, "{%p endif %}")
    b.para(doc, "{%p if transfer_in_meeting %}")
    b.para(
        doc,
        "A Child in Need meeting is arranged for {{ transfer_in_meeting.date|longdate }}"
        "{% if transfer_in_meeting.time %} at {{ transfer_in_meeting.time|time }}{% endif %}"
        "{% if transfer_in_meeting.venue %}, at {{ transfer_in_meeting.venue }}{% endif %}.",
    )
    b.para(doc, "{{ social_worker.name }} will attend that meeting, so that the issues can be fully shared.")
    b.para(doc, "{%p else %}")
    b.para(
        doc,
        "{{ social_worker.name }} would like to attend your first Child in Need meeting, so that the issues "
        "can be fully shared; please send the invitation to the contact details below.",
    )
    b.para(doc, "{%p endif %}")
    b.para(
        doc,
        "{{ transfer.joint_visit or 'We would also like to meet the social worker who will be allocated "
        "and, where geography allows, to arrange a joint visit to the family during the transition.' }}",
    )

    b.heading(doc, "Consent to share information", 2)
    b.para(doc, "{%p if transfer.consent and transfer.consent.given %}")
    b.para(
        doc,
        "The parents/carers gave their consent to share this information with you"
        "{% if transfer.consent.date %} on {{ transfer.consent.date|longdate }}{% endif %}.",
    )
    b.para(doc, "{%p elif transfer.consent %}")
    b.para(
        doc,
        "This information is shared without the parents' or carers' consent, because: "
        "{{ transfer.consent.reason_without }}",
    )
    b.para(doc, "{%p else %}")
    b.para(doc, "Whether the parents or carers consented to share this information is not recorded.")
    b.para(doc, "{%p endif %}")

    b.heading(doc, "What is enclosed", 2)
    b.table(
        doc, ["Document", "How it is sent"], "for e in enclosures", ["{{ e.title }}", "{{ e.how }}"], widths=[60, 40]
    )

    b.heading(doc, "Contacts", 2)
    grid = b.table(
        doc,
        ["Role", "Name", "Telephone and email"],
        "for c in contacts",
        [
            "{{ c.role }}, {{ c.authority }}",
            "{{ c.name or 'not yet known' }}",
            "{{ c.phone or 'telephone not given' }}",
        ],
        widths=[34, 28, 38],
    )
    grid.rows[2].cells[2].add_paragraph("{{ c.email or 'email not given' }}")
    b.para(
        doc,
        "Please tell {{ social_worker.name }} who will be the allocated social worker and team manager if "
        "they are not shown above, and let us know if there is any dispute about case responsibility, so "
        "that our managers can resolve it promptly.",
    )
    b.para(doc, "Yours sincerely,")
    b.para(doc, "{{ social_worker.name }}, {{ social_worker.role or 'Social Worker' }}, {{ authority.name }}")
    return NAME, doc

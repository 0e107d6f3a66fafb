"""The document registry: each kind names its context builder, its Word template and its HTML template."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Options:
    """What the user chose on the command line (every kind ignores what it does not use)."""

    as_of: dt.date
    meeting: str | None = None
    recipient: str | None = None
    allow_unsmart: bool = False
    escalation: int | None = None
    allow_disclosure: bool = False


@dataclass
class Output:
    """One document to write: its context and what goes in its file name after `<case_id>_<kind>`."""

    context: dict
    name_parts: list[str] = field(default_factory=list)
    # Who the document goes to, for the disclosure check: the names (as written in the case file) of the person it
    # is addressed to and of everyone on its distribution list; and the kind of reader it is written for.
    addressed_to: list[str] = field(default_factory=list)
    # None: no single reader (a plan or record sent to its distribution list, family and professionals alike).
    reader: str | None = None  # "family" | "child" | "professional" | None


@dataclass
class Built:
    outputs: list[Output]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    module: str
    summary: str
    # Other templates the kind's builder may choose for one output (context["doc"]["template"]), e.g. the child's own
    # invitation; each must exist in both formats.
    variants: tuple[str, ...] = ()

    @property
    def docx_template(self) -> str:
        return f"{self.key}.docx"

    @property
    def html_template(self) -> str:
        return f"{self.key}.html"

    def builder(self) -> Callable[[Any, Options], Built]:
        return importlib.import_module(self.module).build


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "invitation",
            "Invitation",
            "cin_docs.documents.invitation",
            "Invitation letters for one meeting, one per invitee (family, child and professional versions).",
            variants=("invitation-child",),
        ),
        Kind(
            "plan",
            "Child in Need Plan",
            "cin_docs.documents.plan",
            "The SMART Child in Need plan (checked first: see 'cin-docs check').",
        ),
        Kind(
            "review-record",
            "Child in Need Review Record",
            "cin_docs.documents.review_record",
            "The record of a held CIN meeting or review, with the next deadlines.",
        ),
        Kind(
            "panel-summary",
            "CIN Panel Summary Report",
            "cin_docs.documents.panel_summary",
            "The summary report for the CIN panel, with the decisions section.",
        ),
        Kind(
            "escalation",
            "Escalation Protocol – Monitoring Form",
            "cin_docs.documents.escalation",
            "Appendix A monitoring form for a multi-agency escalation (fillable PDF).",
        ),
        Kind(
            "transfer-letter",
            "Child in Need Transfer Notification",
            "cin_docs.documents.transfer_letter",
            "Letter notifying the receiving authority of a child moving to its area (see 'pack transfer').",
        ),
        Kind(
            "case-summary",
            "Case Summary",
            "cin_docs.documents.case_summary",
            "A summary of the case (child, family, plan, history, deadlines) for sharing.",
        ),
        Kind(
            "closing-summary",
            "Closing Summary",
            "cin_docs.documents.closing_summary",
            "The closing summary when a plan ends: why, the work done, everyone's views, what happens next.",
        ),
    )
}

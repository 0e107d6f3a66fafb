"""The CIN panel pack: front page, agenda and every case's summary report as one tagged PDF, plus the Word files."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import api
from ..documents import Options, panel_summary
from ..errors import CinDocsError, RenderError, UsageError
from ..render.filters import longdate, time

TITLE = "CIN Panel Pack"
AGENDA_TITLE = "CIN Panel Agenda"
#: Fewer cases than this build quickly enough that a progress bar would only flicker.
PROGRESS_MIN_CASES = 4


@dataclass
class PanelPack:
    """Everything the pack writes, already rendered: (file name, bytes) pairs; nothing is on disk yet."""

    panel_date: dt.date
    files: list[tuple[str, bytes]]
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def pdf_name(panel_date: dt.date) -> str:
    return f"panel-pack_{panel_date.isoformat()}.pdf"


def agenda_name(panel_date: dt.date) -> str:
    return f"panel-agenda_{panel_date.isoformat()}.docx"


def check(cases: list[api.Case], panel_date: dt.date, as_of: dt.date) -> tuple[list[str], list[str]]:
    """(problems, warnings) for putting these cases to the panel on `panel_date`.

    Problems stop the pack unless forced: more cases than the panel has slots, referrals after the referral
    deadline (or none, once it has passed), cases under different policies. A case whose own panel date (from
    its policy or case file) is not `panel_date` is a warning.
    """
    problems, warnings = [], []
    policies: dict[str, list[str]] = {}
    for case in cases:
        policies.setdefault(case.profile["label"], []).append(case.case_id)
    if len(policies) > 1:
        listing = "; ".join(f"{label}: {', '.join(ids)}" for label, ids in policies.items())
        problems.append(
            f"The cases are under different policies ({listing}). A panel pack is for one "
            "authority's panel: build a separate pack for each policy."
        )
    profile_panel = cases[0].profile.get("panel") or {}
    slots = profile_panel.get("slots")
    if slots and len(cases) > slots:
        problems.append(
            f"{len(cases)} cases for {slots} slots: the {profile_panel['name']} has {slots} slots "
            f"({profile_panel.get('schedule') or 'each sitting'}). Move "
            f"{len(cases) - slots} case{'s' if len(cases) - slots != 1 else ''} to the next panel."
        )
    for case in cases:
        referral = panel_summary.deadline_for_panel_date(case, "panel_referral", panel_date, as_of)
        if referral is not None and referral.status == "late":
            problems.append(
                f"Case {case.case_id} was referred on {longdate(referral.satisfied_on)}, after the "
                f"referral deadline of {longdate(referral.due)} ({referral.explanation()})."
            )
        elif referral is not None and referral.status == "overdue":
            problems.append(
                f"Case {case.case_id} has not been referred, and the referral deadline of "
                f"{longdate(referral.due)} has passed ({referral.explanation()})."
            )
        warnings += [f"Case {case.case_id}: {w}" for w in panel_summary.readiness_warnings(case, panel_date, as_of)]
        future = panel_summary.future_referral(case, as_of)
        if future:
            problems.append(f"Case {case.case_id}: {future}")
        own = panel_summary.computed_panel_date(case, Options(as_of=as_of), api.due_dates(case, as_of))
        if own is not None and own != panel_date:
            warnings.append(
                f"Case {case.case_id}'s own panel date is {longdate(own)} (from its case file and "
                f"the {case.profile['label']} policy), not {longdate(panel_date)}."
            )
    return problems, warnings


def build(
    cases: list[api.Case],
    panel_date: dt.date,
    as_of: dt.date,
    *,
    force: bool = False,
    progress: bool | None = None,
    allow_disclosure: bool = False,
) -> PanelPack:
    """Check, then render the whole pack in memory. Raises RenderError listing the problems unless `force`."""
    if not cases:
        raise UsageError("Give at least one case file for the panel pack.")
    ids = [c.case_id for c in cases]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise UsageError(
            f"The same case is given more than once ({', '.join(repeated)}): each case takes one "
            "slot, and its files would overwrite each other."
        )
    problems, warnings = check(cases, panel_date, as_of)
    if problems and not force:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise RenderError(
            f"The panel pack was not built: {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''} found:\n{lines}\n"
            "Fix them, or run the command again with --force to build the pack anyway."
        )
    from tqdm import tqdm

    show = progress if progress is not None else (len(cases) >= PROGRESS_MIN_CASES and sys.stderr.isatty())
    files: list[tuple[str, bytes]] = []
    summaries = []
    with tqdm(
        total=len(cases) + 1, desc="Panel pack", unit="document", file=sys.stderr, disable=not show, leave=False
    ) as bar:
        for case in cases:
            try:
                built = panel_summary.build(case, Options(as_of=as_of), panel_date=panel_date)
                # The disclosure check of each summary, before anything is written (as for `cin-docs render`).
                words = api.check_disclosure(
                    case, "panel-summary", built.outputs, allow_disclosure, "panel summary report", warnings
                )
                context = built.outputs[0].context
                name = api.output_name(case.case_id, "panel-summary", [], "docx")
                files.append(
                    (
                        name,
                        words[0]
                        if 0 in words
                        else api.render_bytes("panel-summary", context, "docx", api.templates_of(case)),
                    )
                )
            except CinDocsError as exc:
                raise type(exc)(f"Case {case.case_id} ({case.path}): {exc.message}") from exc
            summaries.append(context)
            bar.update(1)
        context = pack_context(cases, summaries, panel_date, as_of, problems if force else [])
        from ..render.docx import render_docx
        from ..render.pdf import render_pdf

        files.insert(0, (agenda_name(panel_date), render_docx("panel-agenda.docx", context)))
        logos = {s["authority"]["logo_path"] for s in summaries if s["authority"].get("logo_path")}
        files.insert(
            0,
            (
                pdf_name(panel_date),
                render_pdf(
                    "panel-pack.html", context, extra_allowed=sorted(logos), templates=api.templates_of(cases[0])
                ),
            ),
        )
        bar.update(1)
    return PanelPack(panel_date, files, problems if force else [], warnings)


def write(pack: PanelPack, out_dir: Path) -> list[Path]:
    """Write every file or none (see render.output.write_all)."""
    from ..render.output import write_all

    return write_all([(Path(out_dir) / name, data) for name, data in pack.files])


def slots_for(profile_panel: dict, panel_date: dt.date) -> list[str] | None:
    """The sitting split evenly into its slots ("10:00 to 10:30", ...), or None when the profile sets no slots."""
    start, end, slots = profile_panel.get("start"), profile_panel.get("end"), profile_panel.get("slots")
    if not (start and end and slots):
        return None
    first = dt.datetime.combine(panel_date, start)
    length = (dt.datetime.combine(panel_date, end) - first) / slots
    return [f"{time(first + i * length)} to {time(first + (i + 1) * length)}" for i in range(slots)]


def pack_context(
    cases: list[api.Case], summaries: list[dict], panel_date: dt.date, as_of: dt.date, notes: list[str]
) -> dict:
    """The front page and agenda (from the first case's policy profile), and every case's summary context."""
    lead = cases[0]
    profile_panel = lead.profile.get("panel") or {}
    first = summaries[0]
    times = slots_for(profile_panel, panel_date)
    referral = panel_summary.deadline_for_panel_date(lead, "panel_referral", panel_date, as_of)
    agenda = []
    for i, s in enumerate(summaries):
        in_slot = times is None or i < len(times)
        agenda.append(
            {
                "slot": (f"Slot {i + 1}" if times else f"Item {i + 1}") if in_slot else "No slot",
                "time": (times[i] if in_slot else "over-booked") if times else None,
                "case_id": s["case_id"],
                "child": s["child"]["full_name"],
                "presenter": s["panel"]["presenter"],
                "reason": s["panel"]["reasons"][0] if s["panel"]["reasons"] else "not recorded",
            }
        )
    # Business support fills the sitting slot by slot: the slots still free are shown too.
    for i in range(len(summaries), len(times or [])):
        agenda.append(
            {
                "slot": f"Slot {i + 1}",
                "time": times[i],
                "case_id": "–",
                "child": "Free slot",
                "presenter": "–",
                "reason": "–",
            }
        )
    contents = [
        {"label": f"Case {s['case_id']}: {s['child']['full_name']}", "anchor": f"case-{i + 1}"}
        for i, s in enumerate(summaries)
    ]
    slots = profile_panel.get("slots")
    facts = [
        {"label": "Date", "value": longdate(panel_date)},
        {
            "label": "Time",
            "value": (
                f"{time(profile_panel['start'])} to {time(profile_panel['end'])}"
                if profile_panel.get("start") and profile_panel.get("end")
                else "to be confirmed"
            ),
        },
        {"label": "Chair", "value": profile_panel.get("chair") or "to be confirmed"},
        {"label": "Cases", "value": f"{len(cases)}" + (f" (the panel has {slots} slots)" if slots else "")},
    ]
    if profile_panel.get("schedule"):
        facts.append({"label": "Sits", "value": profile_panel["schedule"]})
    if referral is not None:
        facts.append(
            {"label": "Referrals by", "value": f"{longdate(referral.due)} ({referral.basis} {referral.from_label})"}
        )
    return {
        "disclosure": {
            "warning": next((s["disclosure"]["warning"] for s in summaries if s["disclosure"]["warning"]), None),
            "copy_note": None,
        },
        "doc": {
            "kind": "panel-pack",
            "title": TITLE,
            "produced": as_of,
            "policy": lead.profile["name"],
            "policy_label": lead.profile["label"],
            "policy_document": lead.profile["document"],
        },
        "authority": first["authority"],
        "panel": {
            "name": profile_panel.get("name") or "CIN panel",
            "date": panel_date,
            "date_text": longdate(panel_date),
        },
        "facts": facts,
        "agenda": agenda,
        "contents": contents,
        "has_times": times is not None,
        "notes": list(notes),
        "summaries": summaries,
    }

"""The caseload report in every format: terminal table, CSV, Excel, JSON, HTML and PDF; per-worker calendars."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from .. import __version__, api
from ..render.filters import longdate, shortdate
from . import DUE_SOON_DAYS, SECTIONS, Report, public

#: Columns of the CSV and Excel sheets: the JSON report's keys, in its order.
COLUMNS = (
    "case_id",
    "file",
    "worker",
    "team",
    "rule",
    "label",
    "due",
    "due_time",
    "ref",
    "from",
    "from_date",
    "basis",
    "moved",
    "status",
    "source",
)
STATUS_WORDS = {"overdue": "OVERDUE", "open": "open", "late": "done late", "missed": "missed"}


def to_json(report: Report) -> bytes:
    """The report as JSON (the shape of Report.to_json), one deadline per line. Written row by row through the C
    encoder: json's indenting encoder is pure Python and, with a copy of every row, tripled the peak memory of a
    5,000-case report."""
    head = {"as_of": report.as_of.isoformat(), "cases": report.cases, "errors": report.errors}
    buffer = io.BytesIO()
    buffer.write((json.dumps(head, ensure_ascii=False)[:-1] + ', "deadlines": [').encode("utf-8"))
    for n, row in enumerate(report.rows):
        buffer.write(b",\n" if n else b"\n")
        buffer.write(json.dumps(public(row), ensure_ascii=False).encode("utf-8"))
    buffer.write(b"\n]}\n")
    return buffer.getvalue()


def to_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({k: ("" if v is None else v) for k, v in public(row).items()})
    # A byte-order mark so Excel opens it as UTF-8 (names with accents stay readable).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Deadlines"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    overdue_fill = PatternFill("solid", fgColor="F8D7DA")
    for row in report.rows:
        values = []
        for key in COLUMNS:
            value = row.get(key)
            if key in ("due", "from_date") and value:
                value = dt.date.fromisoformat(value)
            elif key == "due_time" and value:
                value = dt.time.fromisoformat(value)
            values.append(value)
        sheet.append(values)
        for key in ("due", "from_date"):
            sheet.cell(sheet.max_row, COLUMNS.index(key) + 1).number_format = "DD/MM/YYYY"
        if row.get("due_time"):
            sheet.cell(sheet.max_row, COLUMNS.index("due_time") + 1).number_format = "HH:MM"
        if row["status"] == "overdue":
            for cell in sheet[sheet.max_row]:
                cell.fill = overdue_fill
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(sheet.max_row, 1)}"
    widths = {
        "case_id": 16,
        "file": 30,
        "worker": 22,
        "team": 26,
        "rule": 22,
        "label": 34,
        "due": 12,
        "due_time": 9,
        "ref": 14,
        "from": 22,
        "from_date": 12,
        "basis": 22,
        "moved": 24,
        "status": 10,
        "source": 60,
    }
    for i, key in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths[key]
    summary = book.create_sheet("Summary")
    summary.append([f"By {report.by}", "Overdue", f"Due in the next {DUE_SOON_DAYS} days", "Lapses"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for entry in report.counts():
        summary.append([entry["group"], entry["overdue"], entry["due_soon"], entry["lapses"]])
    summary.column_dimensions["A"].width = 34
    summary.freeze_panes = "A2"
    if report.errors:
        errors = book.create_sheet("Could not be read")
        errors.append(["file", "error"])
        for error in report.errors:
            errors.append([error["file"], error["error"]])
    book.properties.creator = "cin-docs"
    book.properties.created = book.properties.modified = dt.datetime.combine(report.as_of, dt.time(0))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_table(report: Report, style=lambda text, **kw: text) -> str:
    """The report for a terminal: counts per group, then the three lists grouped."""
    lines = [
        f"Caseload as of {longdate(report.as_of)}: {report.cases} case{'s' if report.cases != 1 else ''}"
        + (f", {len(report.errors)} could not be read" if report.errors else "")
        + "."
    ]
    counts = report.counts()
    if counts:
        width = max(len(e["group"]) for e in counts + [{"group": report.by}]) + 2
        lines.append("")
        lines.append(f"{'By ' + report.by:<{width}} {'overdue':>8} {'due soon':>9} {'lapses':>7}")
        for e in counts:
            lines.append(
                f"{e['group']:<{width}} "
                + style(f"{e['overdue']:>8}", fg="red" if e["overdue"] else None, bold=bool(e["overdue"]))
                + f" {e['due_soon']:>9} {e['lapses']:>7}"
            )
    for key, title in SECTIONS:
        rows = report.sections[key]
        lines.append("")
        lines.append(style(f"{title} ({len(rows)})", bold=True))
        if not rows:
            lines.append("  none")
        for group, items in report.grouped(key):
            lines.append(f"  {group} ({len(items)})")
            for row in items:
                word = STATUS_WORDS.get(row["status"], row["status"])
                status = style(
                    f"{word:<9}", fg="red" if row["status"] == "overdue" else None, bold=row["status"] == "overdue"
                )
                what = row["label"] + (f" [{row['ref']}]" if row["ref"] else "")
                extra = row["worker"] if report.by != "worker" else row["rule"]
                lines.append(f"    {status} {shortdate(row['due']):<11} {row['case_id']:<16} {what}  ({extra})")
    if report.errors:
        lines.append("")
        lines.append(style(f"Could not be read ({len(report.errors)})", bold=True, fg="red"))
        for error in report.errors:
            lines.append("  " + error["error"].replace("\n", "\n  "))
    return "\n".join(lines) + "\n"


# ---- the printed report ----------------------------------------------------------------------------------------
CHART_WORKERS = 30
TIMELINE_WEEKS = 6


def html_context(report: Report, authority: str | None = None) -> dict:
    """What templates/html/caseload.html shows: the summary, the two charts (as numbers for SVG) and the lists."""
    by_worker: dict[str, dict] = {}
    for key in ("overdue", "due_soon"):
        for row in report.sections[key]:
            entry = by_worker.setdefault(row["worker"], {"name": row["worker"], "overdue": 0, "due_soon": 0})
            entry[key] += 1
    workers = sorted(by_worker.values(), key=lambda e: (-e["overdue"] - e["due_soon"], e["name"].casefold()))
    top = max([e["overdue"] + e["due_soon"] for e in workers] or [1])
    for e in workers:
        e["overdue_share"] = e["overdue"] / top
        e["due_soon_share"] = e["due_soon"] / top
    # The timeline: open deadlines per week for six weeks from the Monday of the as-of week, and overdue before.
    monday = report.as_of - dt.timedelta(days=report.as_of.weekday())
    weeks: list[dict[str, Any]] = [
        {"start": monday + dt.timedelta(weeks=i), "count": 0, "label": shortdate(monday + dt.timedelta(weeks=i))}
        for i in range(TIMELINE_WEEKS)
    ]
    for due, count in report.open_due.items():
        index = (dt.date.fromisoformat(due) - monday).days // 7
        if 0 <= index < TIMELINE_WEEKS:
            weeks[index]["count"] += count
    peak = max([w["count"] for w in weeks] + [len(report.sections["overdue"]), 1])
    for w in weeks:
        w["share"] = w["count"] / peak
    sections = []
    for key, title in SECTIONS:
        groups = [{"name": name, "rows": [_display_row(r) for r in rows]} for name, rows in report.grouped(key)]
        sections.append({"key": key, "title": title, "count": len(report.sections[key]), "groups": groups})
    return {
        "doc": {"title": "Caseload report", "produced": report.as_of, "kind": "caseload", "version": __version__},
        "authority": authority,
        "as_of": report.as_of,
        "by": report.by,
        "cases": report.cases,
        "counts": report.counts(),
        "totals": {key: len(report.sections[key]) for key, _ in SECTIONS},
        "workers": workers[:CHART_WORKERS],
        "more_workers": max(0, len(workers) - CHART_WORKERS),
        "weeks": weeks,
        "overdue_share": len(report.sections["overdue"]) / peak,
        "sections": sections,
        "errors": report.errors,
    }


def _display_row(row: dict) -> dict:
    return {
        "due": row["due"],
        "due_time": row["due_time"],
        "case_id": row["case_id"],
        "label": row["label"],
        "ref": row["ref"],
        "worker": row["worker"],
        "team": row["team"],
        "status": row["status"],
        "status_word": STATUS_WORDS.get(row["status"], row["status"]),
        "why": row.get("_why", row["basis"]),
    }


def to_html(report: Report, authority: str | None = None) -> bytes:
    from ..render.jinja import render_html

    return render_html("caseload.html", html_context(report, authority)).encode("utf-8")


def to_pdf(report: Report, authority: str | None = None) -> bytes:
    from ..render.pdf import render_pdf

    return render_pdf("caseload.html", html_context(report, authority))


# ---- calendars -------------------------------------------------------------------------------------------------
def worker_calendars(report: Report) -> dict[str, bytes]:
    """One iCalendar per social worker with their cases' open and overdue deadlines: {file name: bytes}."""
    from ..render.output import safe_filename_part

    by_worker: dict[str, list[dict]] = {}
    for row in report.calendar_rows:
        by_worker.setdefault(row["worker"], []).append(row)
    files: dict[str, bytes] = {}
    for worker, rows in sorted(by_worker.items()):
        cal = api.ics_calendar(f"CIN deadlines – {worker}")
        for row in sorted(rows, key=lambda r: (r["due"], r["case_id"], r["rule"], r["ref"] or "")):
            cal.add_component(api.deadline_event(row["case_id"], row["_policy"], public(row), row["_why"]))
        name = f"deadlines_{safe_filename_part(worker)}.ics"
        files[name] = api.finish_calendar(cal)
    return files


def write_files(files: dict[str, bytes], folder: Path) -> list[Path]:
    from ..render.output import atomic_write

    paths = []
    for name, data in files.items():
        atomic_write(Path(folder) / name, data)
        paths.append(Path(folder) / name)
    return paths

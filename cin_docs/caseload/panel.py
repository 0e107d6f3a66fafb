"""Panel candidates: the cases that reach their policy's panel point (Hillingdon 8 months, Hertfordshire 12 months
after the plan started) by a panel date, with the referral deadline for that sitting, ready for `pack panel`."""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .. import api
from ..errors import CinDocsError
from ..render.filters import longdate
from . import find_case_files, map_files, team_of, worker_of


def panel_point_rule(profile: dict) -> dict | None:
    """The profile's rule that brings a case to panel: counted from plan start, met by panel identification or
    referral (Hillingdon's panel_identification, Hertfordshire's panel_eligible). Data, not a rule name in code."""
    for rule in profile["rules"]:
        satisfied = (rule.get("satisfied_by") or {}).get("field") or ""
        if satisfied.startswith("panel.") and any(a["event"] == "plan_start" for a in rule["from_"]):
            return rule
    return None


def _ended_by(case: dict, day: dt.date) -> bool:
    ends = [(case.get("plan") or {}).get("end"), (case.get("closure") or {}).get("date")]
    return any(e is not None and e <= day for e in ends)


def candidate(path: Path, config: dict, panel_date: dt.date, as_of: dt.date) -> dict:
    """The case's panel point if it falls on or before the panel date (else no 'candidate'), or its error."""
    try:
        case = api.load(path, config)
        rule = panel_point_rule(case.profile)
        if rule is None or _ended_by(case.data, panel_date):
            return {"file": str(path)}
        point = next((d for d in api.due_dates(case, as_of) if d.rule == rule["key"]), None)
    except CinDocsError as exc:
        return {"file": str(path), "error": exc.message}
    if point is None or point.due > panel_date:
        return {"file": str(path)}
    panel = case.data.get("panel") or {}
    if any(m["type"] == "panel" and point.due <= m["date"] < panel_date for m in case.data.get("meetings", [])):
        return {"file": str(path)}  # already presented at a sitting since its panel point
    days = (case.profile.get("panel") or {}).get("referral_working_days")
    referral = api.calendar(case).subtract_working_days(panel_date, days) if days is not None else None
    return {
        "file": str(path),
        "candidate": {
            "case_id": case.case_id,
            "file": str(path),
            "worker": worker_of(case.data),
            "team": team_of(case.data),
            "policy": case.profile["name"],
            "rule": rule["key"],
            "label": rule["label"],
            "due": point.due.isoformat(),
            "basis": point.basis,
            "referral_deadline": referral.isoformat() if referral else None,
            "identified": _iso(panel.get("identified")),
            "referred": _iso(panel.get("referred")),
        },
    }


def _iso(value):
    return value.isoformat() if value else None


@dataclass
class Candidates:
    panel_date: dt.date
    as_of: dt.date
    cases: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def commands(self) -> list[str]:
        """One `pack panel` command per policy (a panel sits under one policy; pack panel refuses a mix)."""
        by_policy: dict[str, list[str]] = {}
        for c in self.cases:
            by_policy.setdefault(c["policy"], []).append(shlex.quote(c["file"]))
        return [
            f"cin-docs pack panel {' '.join(files)} --panel-date {self.panel_date.isoformat()}"
            for _, files in sorted(by_policy.items())
        ]

    def to_json(self) -> dict:
        return {
            "panel_date": self.panel_date.isoformat(),
            "as_of": self.as_of.isoformat(),
            "candidates": self.cases,
            "errors": self.errors,
            "commands": self.commands,
        }


def candidates(paths, panel_date: dt.date, as_of: dt.date, config: dict, jobs: int | None = None) -> Candidates:
    results = map_files(find_case_files(paths), candidate, config, panel_date, as_of, jobs=jobs, desc="Checking cases")
    found = Candidates(panel_date, as_of)
    found.cases = sorted((r["candidate"] for r in results if "candidate" in r), key=lambda c: (c["due"], c["case_id"]))
    found.errors = [{"file": r["file"], "error": r["error"]} for r in results if "error" in r]
    return found


def to_text(found: Candidates) -> str:
    lines = [
        f"Cases reaching their panel point by {longdate(found.panel_date)} "
        f"(as of {longdate(found.as_of)}): {len(found.cases)}"
    ]
    for c in found.cases:
        lines.append(f"  {c['case_id']:<16} {c['worker']} ({c['policy']})")
        lines.append(f"      {c['label']}: {longdate(c['due'])} ({c['basis']} after the plan started)")
        if c["referral_deadline"]:
            late = c["referred"] is None and found.as_of > dt.date.fromisoformat(c["referral_deadline"])
            done = (
                f"referred on {longdate(c['referred'])}"
                if c["referred"]
                else ("NOT REFERRED, deadline passed" if late else "not yet referred")
            )
            lines.append(f"      Refer by {longdate(c['referral_deadline'])} for this sitting: {done}")
        else:
            done = f"identified on {longdate(c['identified'])}" if c["identified"] else "not yet identified"
            lines.append(f"      The policy sets no referral deadline for the sitting; {done}")
    if found.errors:
        lines.append(f"Could not be read ({len(found.errors)}):")
        lines += [f"  {e['error']}" for e in found.errors]
    if found.commands:
        lines += ["", "To build the panel pack" + (" (one per policy):" if len(found.commands) > 1 else ":")]
        lines += [f"  {command}" for command in found.commands]
    return "\n".join(lines)

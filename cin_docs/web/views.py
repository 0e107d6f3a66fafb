"""The pages: caseload, case (deadlines, SMART check, paperwork), the editor's task list and section pages, new case.

Every figure and document comes from cin_docs.api and cin_docs.smart; the views only choose and arrange."""

from __future__ import annotations

import datetime as dt
import io
import secrets
import shutil
import tempfile
import zipfile
from pathlib import Path

from flask import Flask, abort, current_app, redirect, render_template, request, send_file, url_for

from .. import api, smart
from ..documents import KINDS, Options
from ..errors import CinDocsError
from ..models import format_path
from ..models.case import CaseFile
from ..render.filters import deadline_status_words, longdate
from . import forms
from .folder import CASE_ID_RE, STATUS_LABELS, dump_document, file_hash, parse_text, read_document, to_plain

MAX_RESULTS = 20
MIME = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
}
STATUS_TAGS = {
    "overdue": ("Overdue", "govuk-tag--red"),
    "open": ("Open", "govuk-tag--blue"),
    "met": ("Met", "govuk-tag--green"),
    "late": ("Late", "govuk-tag--yellow"),
    "missed": ("Missed", "govuk-tag--orange"),
    "passed": ("Passed", "govuk-tag--grey"),
    "info": ("Date", "govuk-tag--grey"),
}


def folder():
    return current_app.extensions["cin_folder"]


def today() -> dt.date:
    return current_app.extensions["cin_today"]()


def entry_or_404(case_id: str):
    entry = folder().find(case_id, today())
    if entry is None:
        abort(404)
    return entry


class UnreadableFile(Exception):
    """The file cannot be read as an editable document (the message says where)."""


def document(path: Path):
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return folder().document(path)
    except CinDocsError as exc:
        raise UnreadableFile(exc.message) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}" if mark else ""
        raise UnreadableFile(f"The file {path.name} is not valid YAML{where}: {exc.problem or exc.context}.") from None
    except (YAMLError, ValueError) as exc:
        raise UnreadableFile(f"The file {path.name} cannot be read as YAML or JSON ({type(exc).__name__}).") from None


def deadline_text(d) -> str:
    """The explanation line of `cin-docs due-dates` for one deadline."""
    text = f"{deadline_status_words(d)}{d.explanation()}"
    return text[:1].upper() + text[1:] + (f". Note: {d.note}." if d.note else ".")


def register(app: Flask) -> None:
    app.jinja_env.filters["longdate"] = longdate
    app.jinja_env.globals.update(status_tags=STATUS_TAGS, status_labels=STATUS_LABELS, deadline_text=deadline_text)

    @app.get("/")
    def caseload():
        rows = folder().rows(today())
        workers = sorted({r.worker for r in rows if r.worker})
        worker = request.args.get("worker", "")
        status = request.args.get("status", "")
        shown = [r for r in rows if (not worker or r.worker == worker) and (not status or r.status == status)]
        shown.sort(
            key=lambda r: (
                r.status != "problems",
                -r.overdue,
                r.next_deadline.due if r.next_deadline else dt.date.max,
                r.case_id or "",
            )
        )
        from .folder import timeline

        return render_template(
            "caseload.html",
            title="Caseload",
            rows=shown,
            total=len(rows),
            workers=workers,
            worker=worker,
            status=status,
            bars=timeline(shown, today()),
        )

    @app.get("/case/<case_id>")
    def case_page(case_id):
        entry = entry_or_404(case_id)
        if entry.case is None:
            return redirect(url_for("edit_tasks", case_id=case_id))
        return _case_page(entry, disclosure=request.args.get("disclosure") == "1")

    @app.post("/case/<case_id>/paperwork")
    def paperwork(case_id):
        entry = entry_or_404(case_id)
        if entry.case is None:
            abort(404)
        form = request.form
        kind = form.get("kind", "")
        fmt = form.get("format", "pdf")
        errors = []
        if kind not in KINDS:
            errors.append(("kind", "Choose which document to make."))
        if fmt not in ("pdf", "docx", "both"):
            errors.append(("format", "Choose PDF, Word or both."))
        if errors:
            return _case_page(entry, errors=errors, chosen=form), 400
        meeting = form.get("meeting") or None
        recipient = form.get("recipient") or None
        options = Options(
            as_of=today(), meeting=meeting, recipient=recipient, allow_unsmart=form.get("allow_unsmart") == "yes"
        )
        formats = ("docx", "pdf") if fmt == "both" else (fmt,)
        tmp = Path(tempfile.mkdtemp(prefix="cin-docs-web-"))
        try:
            result = api.render(entry.case, kind, options, formats, tmp)
            files = [(p.name, p.read_bytes()) for p in result.paths]
        except CinDocsError as exc:
            return _case_page(entry, errors=[("kind", exc.message)], chosen=form), 400
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return _ready(case_id, kind, KINDS[kind].title, files, result.warnings, entry.known_as)

    @app.post("/case/<case_id>/transfer-pack")
    def transfer_pack(case_id):
        from werkzeug.utils import secure_filename

        from ..packs import transfer as transfer_packs

        entry = entry_or_404(case_id)
        if entry.case is None:
            abort(404)
        uploads = [f for f in request.files.getlist("attachments") if f and f.filename]
        bad = [f.filename for f in uploads if Path(f.filename).suffix.lower() not in (".pdf", ".docx")]
        if bad:
            return _case_page(
                entry,
                errors=[("attachments", "A transfer pack takes PDF (.pdf) and Word (.docx) files only.")],
                chosen={},
            ), 400
        password = request.form.get("password") or None
        tmp = Path(tempfile.mkdtemp(prefix="cin-docs-web-"))
        try:
            paths = []
            for i, upload in enumerate(uploads):
                name = secure_filename(upload.filename) or f"attachment-{i + 1}{Path(upload.filename).suffix}"
                path = tmp / f"{i + 1:02d}-{name}" if (tmp / name).exists() else tmp / name
                upload.save(path)
                paths.append(path)
            built = transfer_packs.build_pack(entry.case, today(), paths, password)
        except CinDocsError as exc:
            return _case_page(entry, errors=[("attachments", exc.message)], chosen={}), 400
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        files = [(built.pdf_name, built.pdf), (built.zip_name, built.zip)]
        return _ready(case_id, "transfer-pack", "Transfer pack", files, built.warnings, entry.known_as)

    @app.route("/panel", methods=["GET", "POST"])
    def panel_pack():
        from ..packs import panel as panel_packs

        entries = [e for e in folder().entries(today()) if e.case is not None]
        form = request.form if request.method == "POST" else {}
        errors = []
        if request.method == "POST":
            chosen = set(request.form.getlist("cases"))
            cases = [e.case for e in entries if e.case_id in chosen]
            parts = [request.form.get(f"panel_date-{p}", "").strip() for p in ("day", "month", "year")]
            try:
                panel_date = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                panel_date = None
                errors.append(("panel_date", "Enter the date the panel sits, as day, month and year."))
            if not cases:
                errors.append(("cases", "Choose at least one case for the panel."))
            if not errors:
                try:
                    built = panel_packs.build(
                        cases, panel_date, today(), force=request.form.get("force") == "yes", progress=False
                    )
                except CinDocsError as exc:
                    errors.append(("cases", exc.message))
                else:
                    return _ready(
                        cases[0].case_id if len(cases) == 1 else "panel",
                        "panel-pack",
                        "Panel pack",
                        built.files,
                        built.problems + built.warnings,
                        "",
                    )
        rows = [(e.case_id, e.known_as, bool(e.case.data.get("panel")), e.case.profile["label"]) for e in entries]
        return render_template(
            "panel.html",
            title="Panel pack",
            rows=rows,
            errors=errors,
            form=form,
            chosen=set(form.getlist("cases")) if form else {r[0] for r in rows if r[2]},
            page_error=bool(errors),
        ), 400 if errors else 200

    @app.get("/download/<key>/<int:n>")
    def download(key, n):
        result = current_app.extensions["cin_results"].get(key)
        if result is None or not 0 <= n < len(result["files"]):
            abort(404)
        name, data = result["files"][n]
        return send_file(
            io.BytesIO(data),
            mimetype=MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream"),
            as_attachment=True,
            download_name=name,
        )

    @app.get("/download/<key>/all.zip")
    def download_zip(key):
        result = current_app.extensions["cin_results"].get(key)
        if result is None:
            abort(404)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in result["files"]:
                zf.writestr(name, data)
        buf.seek(0)
        return send_file(
            buf, mimetype=MIME["zip"], as_attachment=True, download_name=f"{result['case_id']}_{result['kind']}.zip"
        )

    # -- editor ----------------------------------------------------------------------------------------------------
    @app.errorhandler(UnreadableFile)
    def _unreadable(exc):
        return render_template(
            "refused.html",
            title="This case file cannot be opened here",
            message=f"{exc} Open it in a text editor to correct it, or ask for help.",
        ), 422

    @app.get("/case/<case_id>/edit")
    def edit_tasks(case_id):
        entry = entry_or_404(case_id)
        doc = document(entry.path)
        data = to_plain(doc)
        found = forms.problems(data, entry.path.parent)
        tasks = []
        for key, title, keys in forms.sections():
            bad = [p for p, _ in found if forms.section_of_path(p) == key]
            filled = any(k in data for k in keys)
            status = "problems" if bad else "filled" if filled else "empty"
            tasks.append((key, title, status, len(bad)))
        summary = _summary(found, case_id, None, {})
        return render_template(
            "edit_tasks.html",
            title="Edit the case file",
            case_id=case_id,
            tasks=tasks,
            summary=summary,
            known_as=entry.known_as,
            file_name=entry.path.name,
        )

    @app.route("/case/<case_id>/edit/<section>", methods=["GET", "POST"])
    def edit_section(case_id, section):
        entry = entry_or_404(case_id)
        titles = {k: t for k, t, _ in forms.sections()}
        if section not in titles:
            abort(404)
        path = entry.path
        base = file_hash(path)
        doc = document(path)
        if request.method == "GET":
            data = to_plain(doc)
            widgets = forms.section_widgets(section, data)
            found = forms.problems(data, path.parent)
            return _section_page(case_id, section, titles[section], widgets, found, base, entry)
        posted_base = request.form.get("base", "")
        values = forms.parse_section(section, request.form)
        action = request.form.get("_action", "")
        if action and action != "save":
            forms.apply_action(values, action)
            widgets = forms.section_widgets(section, forms.without_missing(values))
            return _section_page(
                case_id,
                section,
                titles[section],
                widgets,
                [],
                posted_base,
                entry,
                note="Not saved yet: press ‘Save’ to keep your changes.",
            )
        with folder().write_lock:
            return _save(entry, case_id, section, titles, values, posted_base)

    def _save(entry, case_id, section, titles, values, posted_base):
        """Check the file has not changed since the form was opened, merge, validate, keep history, write: all under
        the folder's write lock, so two saves of one case cannot both pass the check."""
        path = entry.path
        doc = document(path)
        if posted_base != file_hash(path):
            mine = {k: v for k, v in forms.without_missing(values).items()}
            return render_template(
                "stale.html",
                title="The case file changed while you were editing",
                case_id=case_id,
                section=section,
                section_title=titles[section],
                theirs=path.read_text(encoding="utf-8"),
                mine=_as_yaml(mine),
            ), 409
        before = {(format_path(p), m) for p, m in forms.problems(to_plain(doc), path.parent)}
        forms.merge(CaseFile(), doc, values, keys=dict((k, v) for k, _, v in forms.sections())[section])
        text = dump_document(path, doc)
        try:
            new_data = parse_text(text, path.suffix)
        except CinDocsError as exc:
            found = [((), exc.message)]
        else:
            found = forms.problems(new_data, path.parent)
        new_problems = [(p, m) for p, m in found if (format_path(p), m) not in before]
        new_id = new_data.get("case_id", case_id) if not new_problems else case_id
        other = folder().find(new_id, today()) if new_id != case_id else None
        if other is not None and other.path != path:
            new_problems.append(
                (
                    ("case_id",),
                    f"Another file in this folder ({other.path.name}) already has the "
                    f"case ID {new_id}: choose another.",
                )
            )
        widgets = forms.section_widgets(section, forms.without_missing(values))
        if new_problems:
            return _section_page(
                case_id, section, titles[section], widgets, found, posted_base, entry, blocking=new_problems
            ), 400
        folder().write(path, text, case_id)
        if not CASE_ID_RE.fullmatch(str(new_id)):
            new_id = case_id
        return redirect(url_for("edit_tasks", case_id=new_id, saved=section))

    @app.route("/new", methods=["GET", "POST"])
    def new_case():
        samples = _samples()
        if request.method == "GET":
            return render_template("new.html", title="Start a new case", samples=samples, errors=[], form={})
        form = request.form
        case_id = form.get("case_id", "").strip()
        start = form.get("start", "blank")
        errors = []
        if not CASE_ID_RE.fullmatch(case_id):
            errors.append(("case_id", "Enter a case ID of 1-40 letters, digits, '-' or '_', e.g. HIL-2026-0143."))
        elif folder().find(case_id, today()) or any(
            folder().new_path(case_id, s).exists() for s in (".yaml", ".yml", ".json")
        ):
            errors.append(("case_id", f"There is already a case {case_id} in this folder: choose another ID."))
        sample = form.get("sample", "")
        if start not in ("blank", "sample") or (start == "sample" and sample not in samples):
            errors.append(("start", "Choose a blank case or one of the samples."))
        policy = form.get("policy", "")
        if start == "blank" and policy not in ("hillingdon", "hertfordshire"):
            errors.append(("policy", "Choose the policy the case is worked under."))
        first, last = form.get("first_name", "").strip(), form.get("last_name", "").strip()
        if start == "blank" and not (first and last):
            errors.append(("first_name", "Enter the child's first name and last name."))
        if errors:
            return render_template(
                "new.html", title="Start a new case", samples=samples, page_error=True, errors=errors, form=form
            ), 400
        if start == "blank":
            doc = forms._fresh(
                {"case_id": case_id, "policy": policy, "child": {"first_name": first, "last_name": last}}
            )
            doc.yaml_set_start_comment(f"Case file made in the browser ('cin-docs serve') on {today().isoformat()}.")
            text = _as_yaml(doc)
        else:
            doc = read_document(samples[sample])
            doc["case_id"] = case_id
            text = dump_document(samples[sample], doc)
        folder().write(folder().new_path(case_id), text, case_id, previous=False)
        return redirect(url_for("edit_tasks", case_id=case_id))

    @app.post("/import")
    def import_case():
        upload = request.files.get("case_file")
        samples = _samples()

        def refuse(message: str):
            return render_template(
                "new.html",
                title="Start a new case",
                samples=samples,
                form={},
                page_error=True,
                errors=[("case_file", message)],
            ), 400

        if upload is None or not upload.filename:
            return refuse("Choose a case file to bring in.")
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in (".yaml", ".yml", ".json"):
            return refuse("The file must be a case file: .yaml, .yml or .json.")
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
            data = parse_text(text, suffix)
        except (UnicodeDecodeError, CinDocsError):
            return refuse("The file is not a readable YAML or JSON case file.")
        case_id = data.get("case_id")
        if not isinstance(case_id, str) or not CASE_ID_RE.fullmatch(case_id):
            return refuse("The file has no valid case_id, so it cannot be named.")
        if folder().find(case_id, today()) or folder().new_path(case_id, suffix).exists():
            return refuse(f"There is already a case {case_id} in this folder.")
        folder().write(
            folder().new_path(case_id, ".json" if suffix == ".json" else ".yaml"), text, case_id, previous=False
        )
        return redirect(url_for("edit_tasks", case_id=case_id))


def _samples() -> dict[str, Path]:
    from ..resources import _shipped

    folder_ = _shipped("samples")
    if not folder_.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder_.glob("*.yaml"))}


def _as_yaml(data: dict) -> str:
    from ruamel.yaml.comments import CommentedMap

    from .folder import yaml_rt

    buf = io.StringIO()
    yaml_rt().dump(data if isinstance(data, CommentedMap) else forms._fresh(data), buf)
    return buf.getvalue()


def _ready(case_id, kind, title, files, warnings, known_as):
    """Keep the files made in memory (until the app stops) and show them with their warnings."""
    results = current_app.extensions["cin_results"]
    key = secrets.token_urlsafe(16)
    results[key] = {"case_id": case_id, "kind": kind, "files": files, "warnings": warnings}
    while len(results) > MAX_RESULTS:
        results.pop(next(iter(results)))
    return render_template(
        "paperwork.html",
        title=f"{title}: ready",
        case_id=case_id,
        kind={"title": title},
        key=key,
        files=files,
        warnings=warnings,
        known_as=known_as,
    )


#: The documents whose disclosure check the case page runs on request (each renders every output in memory).
DISCLOSURE_KINDS = ("invitation", "plan", "review-record", "case-summary", "closing-summary")


def _disclosure(case) -> list[dict]:
    """The disclosure check of each document kind, as `cin-docs check --disclosure` reports it (api.disclosure_report)."""
    from ..documents import Options

    out = []
    for kind in DISCLOSURE_KINDS:
        report, reason = api.disclosure_report(case, kind, Options(as_of=today()))
        out.append(
            {
                "title": KINDS[kind].title,
                "reason": reason,
                "outputs": [{"name": name, "findings": findings} for name, findings in report],
            }
        )
    return out


def _case_page(entry, errors=(), chosen=None, disclosure=False):
    case = entry.case
    deadlines = entry.deadlines
    current = [d for d in deadlines if not d.history]
    history = [d for d in deadlines if d.history]
    findings = smart.check_plan(case.data, case.profile, deadlines) if case.data.get("plan") else []
    meetings = [
        (str(i), f"{m['type'].replace('_', ' ').capitalize()} meeting, {longdate(m['date'])}")
        for i, m in enumerate(case.data.get("meetings", []))
    ]
    # Invitations go to invitees, named as the case file writes them.
    people = list(dict.fromkeys(n for m in case.data.get("meetings", []) for n in m.get("invitees", [])))
    return render_template(
        "case.html",
        title=f"Case {case.case_id}",
        page_error=bool(errors),
        entry=entry,
        case=case,
        current=current,
        history=history,
        findings=findings,
        smart_summary=smart.summary(findings) if findings else "No problems found: the plan is SMART.",
        kinds=KINDS,
        meetings=meetings,
        people=people,
        errors=list(errors),
        chosen=chosen or {},
        disclosure=_disclosure(case) if disclosure else None,
        overdue=sum(d.status == "overdue" for d in current),
    )


def _summary(found, case_id, section, anchors):
    """Error-summary items: (text, link) for each problem, linking to its field on this page or its section page."""
    items = []
    for path, message in found:
        key = format_path(path)
        where = forms.section_of_path(path)
        anchor = _nearest(path, anchors)
        if where == section and anchor:
            link = "#" + anchor[0]
            label = anchor[1]
        else:
            link = (
                (url_for("edit_section", case_id=case_id, section=where) + "#" + forms.dom_id(path))
                if where
                else url_for("edit_tasks", case_id=case_id)
            )
            label = key
        items.append({"text": f"{label}: {message}", "href": link, "path": key})
    return items


def _nearest(path: tuple, anchors: dict):
    p = tuple(path)
    while p:
        if format_path(p) in anchors:
            return anchors[format_path(p)]
        p = p[:-1]
    return None


def _section_page(case_id, section, title, widgets, found, base, entry, blocking=None, note=None):
    anchors = {}
    labels: dict[tuple, str] = {}
    for w in forms.walk(widgets):
        parent = labels.get(w.path[:-1])
        labels[w.path] = f"{parent} › {w.label}" if parent else w.label
        anchors[w.key] = (w.anchor, labels[w.path])
    shown = blocking if blocking is not None else [(p, m) for p, m in found if forms.section_of_path(p) == section]
    errors_by_key: dict[str, list[str]] = {}
    for p, m in shown:
        anchor = _nearest(p, anchors)
        key = format_path(p)
        if anchor:
            key = next(k for k, v in anchors.items() if v == anchor)
        errors_by_key.setdefault(key, []).append(m)
    summary = _summary(shown, case_id, section, anchors)
    elsewhere = (
        []
        if blocking is not None
        else _summary([(p, m) for p, m in found if forms.section_of_path(p) != section], case_id, section, anchors)
    )
    return render_template(
        "edit_section.html",
        title=title,
        page_error=bool(summary),
        case_id=case_id,
        section=section,
        widgets=widgets,
        summary=summary,
        elsewhere=elsewhere,
        errors=errors_by_key,
        base=base,
        blocking=blocking is not None,
        note=note,
        known_as=entry.known_as,
    )

"""The transfer-out pack: letter, checklist, summary, plan, latest review record, attachments; merged and zipped.

The merged PDF is one tagged document: the index and every generated document are laid out once each (their own
PDFs in the zip are written from the same layout) and their pages written together by WeasyPrint, under one
structure tree (PDF/UA-1 and PDF/A-3a by default). Attachments that arrive as PDF files are appended after them as
given: they are the only untagged pages, the index says so, and the merged PDF then claims no conformance.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import io
import json
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, api
from ..documents import KINDS, Options, Output, recipients
from ..documents.case_summary import summary_context
from ..documents.common import base_context, require
from ..documents.transfer_letter import impact, letter_context, transfer_context
from ..errors import InputFileError, RenderError, UsageError
from ..render.filters import longdate

if TYPE_CHECKING:
    from ..render.pdf import LaidOut

PACK_KIND = "transfer-pack"
CHECKLIST_TITLE = "Transfer checklist"
INDEX_TITLE = "Transfer pack"
# An attachment whose file name contains this word is counted as the social work assessment on the checklist.
ASSESSMENT_WORD = "assessment"
# Meetings whose record can stand as the "minutes of the latest Child in Need review" (000, last section), most
# preferred first: a review, else the latest other CIN meeting with a record.
RECORD_TYPES = (("review",), ("initial", "review", "cin"))
#: One attachment; a scanned assessment is a few MB. Larger files are refused before anything is rendered.
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
MAX_ATTACHMENTS = 50
#: A pack password: long enough to resist guessing, short enough for AES-256 PDF (revision 6 uses 127 bytes).
MIN_PASSWORD = 10
MAX_PASSWORD_BYTES = 127


# ---- password ---------------------------------------------------------------------------------------------------


def check_password(password: str) -> None:
    """Refuse a password too short to protect a child's records, or too long for a PDF to keep whole."""
    if not password.strip():
        raise UsageError("The password is empty: give a password, or leave out --password/--password-file.")
    if len(password) < MIN_PASSWORD:
        raise UsageError(
            f"The password is too short: use at least {MIN_PASSWORD} characters (three random words "
            "make a good one, e.g. 'orange-lamp-river')."
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise UsageError(
            f"The password is too long: a PDF password holds at most {MAX_PASSWORD_BYTES} bytes "
            "(about 127 letters; fewer with accents or other scripts), and a longer one would be cut "
            "short without telling you. Use a shorter one."
        )


def read_password_file(path: Path) -> tuple[str, str | None]:
    """The first line of a password file ('-' is standard input); and a warning if others can read the file."""
    warning = None
    try:
        if str(path) == "-":
            import sys

            text = sys.stdin.readline()
        else:
            info = os.stat(path)
            if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077:
                warning = (
                    f"The password file {path} can be read by other users of this computer; make it yours "
                    f"only (chmod 600 {path}) or delete it once the pack is sent."
                )
            with open(path, encoding="utf-8") as handle:
                text = handle.readline(4096)
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"The password file {path} cannot be read.") from None
    return text.rstrip("\r\n"), warning


@dataclass
class Attachment:
    """A file the user attached, read and checked: PDFs go into the merged PDF, Word files into the zip only."""

    source: Path
    name: str  # its name inside the zip's attachments/ folder
    fmt: str  # "pdf" or "docx"
    data: bytes
    pages: int | None = None
    title: str = ""  # how the index and bookmarks name it (the PDF's own title, else its file name in words)
    renamed: bool = False  # another attachment already had its file name, so `name` has a -2, -3 ...

    @property
    def is_assessment(self) -> bool:
        return ASSESSMENT_WORD in self.source.name.casefold()


@dataclass
class Part:
    """One document of the pack, generated or attached."""

    title: str
    origin: str  # "generated" or "attached"
    pdf: bytes | None = None
    docx: bytes | None = None
    pdf_name: str | None = None  # its file name in the zip
    docx_name: str | None = None
    first_page: int | None = None  # in the merged PDF, from 1
    last_page: int | None = None
    # A generated part is laid out once every part has passed the disclosure check (see build_pack); its PDF in the
    # zip and its pages in the merged PDF are both written from that one layout.
    make_layout: Callable[[], LaidOut] | None = field(default=None, repr=False)
    layout: LaidOut | None = field(default=None, repr=False)


@dataclass
class TransferPack:
    pdf_name: str
    pdf: bytes
    zip_name: str
    zip: bytes
    manifest: dict
    parts: list[Part]
    warnings: list[str] = field(default_factory=list)

    def write(self, out_dir: Path) -> list[Path]:
        """Both files or neither, readable by the owner only; everything was made in memory first."""
        from ..render.output import write_all

        return write_all([(Path(out_dir) / self.zip_name, self.zip), (Path(out_dir) / self.pdf_name, self.pdf)])


# ---- attachments ------------------------------------------------------------------------------------------------


def read_attachments(paths: list[Path]) -> list[Attachment]:
    """Read and check every attachment before anything is rendered; the first bad one stops the pack."""
    out: list[Attachment] = []
    used: set[str] = set()
    if len(paths) > MAX_ATTACHMENTS:
        raise InputFileError(
            f"A transfer pack takes at most {MAX_ATTACHMENTS} attachments; {len(paths)} were given. "
            "Combine some of them into one PDF. Nothing was written."
        )
    seen: dict[str, Path] = {}
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise InputFileError(
                f"The attachment {path} was not found{' (it is a folder)' if path.is_dir() else ''}. "
                "Check the path and run the command again. Nothing was written."
            )
        suffix = path.suffix.lower()
        if suffix not in (".pdf", ".docx"):
            raise InputFileError(
                f"{path} cannot be attached: a transfer pack takes PDF (.pdf) and Word (.docx) "
                "files only. Save it as a PDF and attach that. Nothing was written."
            )
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise InputFileError(
                f"{path} is {size // (1024 * 1024)} MB, larger than the "
                f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB a transfer pack accepts for one "
                "attachment. Reduce it (for example print it to PDF again at a lower resolution) or "
                "send it separately. Nothing was written."
            )
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_ATTACHMENT_BYTES + 1)
        except OSError as exc:
            raise InputFileError(
                f"The attachment {path} cannot be read ({exc.strerror}). Nothing was written."
            ) from None
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise InputFileError(
                f"{path} is larger than the {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB a transfer "
                "pack accepts for one attachment. Nothing was written."
            )
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            raise InputFileError(
                f"{path} is the same file as {seen[digest]}, which is already attached: attach each "
                "document once. Nothing was written."
            )
        seen[digest] = path
        if suffix == ".pdf":
            pages = _check_pdf(path, data)
            fmt = "pdf"
        else:
            _check_docx(path, data)
            pages, fmt = None, "docx"
        name = _unique(attachment_name(path.name), used)
        out.append(Attachment(path, name, fmt, data, pages, _attachment_title(path, data, fmt), name != path.name))
    return out


def _attachment_title(path: Path, data: bytes, fmt: str) -> str:
    """The document's own title (PDF metadata) when it has one, else its file name in words: "tyler-assessment.pdf"
    is listed as "Tyler assessment" (review m24: not under a file name)."""
    if fmt == "pdf":
        import pypdf

        try:
            metadata = pypdf.PdfReader(io.BytesIO(data)).metadata
            title = metadata.get("/Title") if metadata else None
        except Exception:  # the file was checked already; a metadata problem only loses the title
            title = None
        if isinstance(title, str) and title.strip() and not title.strip().lower().endswith((".pdf", ".docx")):
            return " ".join(title.split())
    words = " ".join(re.sub(r"[_\-.]+", " ", path.stem).split())
    return (words[:1].upper() + words[1:]) if words else path.name


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}


def attachment_name(name: str) -> str:
    """A name that every platform's unzip extracts as one plain file: NFC letters, digits, '-', '_', '.', no
    separators (/ or \\), drive letters, control characters, leading dots or Windows device names."""
    name = unicodedata.normalize("NFC", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""

    def clean(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_text).strip("-.")

    stem, ext = clean(stem)[:100] or "attachment", clean(ext).lower()[:10]
    if stem.split(".")[0].casefold() in _WINDOWS_RESERVED:
        stem = f"{stem}-file"
    return f"{stem}.{ext}" if ext else stem


def _check_pdf(path: Path, data: bytes) -> int:
    import pypdf

    from ..render.pdf import library_logs_to_debug

    not_pdf = (
        f"{path} is named .pdf but is not a PDF file that can be read{{}}. Attach the real PDF (open it "
        "and save or print it to PDF again). Nothing was written."
    )
    # Readers accept the header anywhere in the first 1024 bytes (PDF 1.7, annex H.3 note 13).
    if b"%PDF-" not in data[:1024]:
        raise InputFileError(not_pdf.format(" (it does not start with %PDF-)"))
    try:
        with library_logs_to_debug():  # pypdf logs "EOF marker not found" and the like: for --debug only
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise InputFileError(
                    f"{path} is password-protected, so it cannot be merged into the pack. Attach "
                    "an unprotected copy (protect the whole pack with --password instead). "
                    "Nothing was written."
                )
            pages = len(reader.pages)
            for page in reader.pages:
                page.mediabox  # noqa: B018 - touching every page finds a broken page tree now, not while merging
    except InputFileError:
        raise
    except Exception:  # pypdf raises many kinds of errors on damaged files; all mean the same to the user
        raise InputFileError(not_pdf.format(" (it is damaged)")) from None
    if pages == 0:
        raise InputFileError(not_pdf.format(" (it has no pages)"))
    return pages


def _check_docx(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            ok = "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        ok = False
    if not ok:
        raise InputFileError(
            f"{path} is named .docx but is not a Word document. Attach the real file, or save "
            "it as a PDF and attach that. Nothing was written."
        )


def _unique(name: str, used: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}-{n}{dot}{ext}"
    used.add(candidate.casefold())
    return candidate


# ---- generated documents ----------------------------------------------------------------------------------------


def _kind_available(kind: str) -> bool:
    return importlib.util.find_spec(KINDS[kind].module) is not None


def _latest_record_meeting(case: api.Case, as_of: dt.date) -> int | None:
    meetings = case.data.get("meetings", [])
    for types in RECORD_TYPES:
        held = sorted((m["date"], i) for i, m in enumerate(meetings) if m["type"] in types and m["date"] <= as_of)
        if held:
            return held[-1][1]
    return None


def _registry_part(
    case: api.Case, kind: str, title: str, options: Options, warnings: list[str]
) -> tuple[list[Part], str | None]:
    """A registry document rendered in both formats, or ([], why it is not in the pack)."""
    if not _kind_available(kind):
        reason = f"this version of cin-docs cannot produce the {KINDS[kind].title} yet"
        warnings.append(f"The {title} is not in the pack: {reason}. Attach it with --attach.")
        return [], reason
    try:
        built = api.build(case, kind, options)
    except RenderError as exc:
        warnings.append(f"The {title} is not in the pack: {exc.message}")
        return [], "it could not be produced from the case file (see the warning when the pack was made)"
    warnings.extend(f"{title}: {w}" for w in built.warnings)
    # The pack goes to the receiving authority, and the document still names its own distribution: both are checked.
    for output in built.outputs:
        output.addressed_to = [*output.addressed_to, *recipients.receiving_authority(case)]
    words = api.check_disclosure(case, kind, built.outputs, options.allow_disclosure, title, warnings)
    templates = api.templates_of(case)
    parts = []
    for i, output in enumerate(built.outputs):
        parts.append(
            Part(
                title,
                "generated",
                make_layout=functools.partial(_lay_out, kind, output.context, templates),
                docx=words[i] if i in words else api.render_bytes(kind, output.context, "docx", templates),
                pdf_name=api.output_name(case.case_id, kind, output.name_parts, "pdf"),
                docx_name=api.output_name(case.case_id, kind, output.name_parts, "docx"),
            )
        )
    return parts, None


def checklist_context(
    case: api.Case,
    as_of: dt.date,
    *,
    plan: str | None,
    plan_reason: str | None,
    record: str | None,
    record_reason: str | None,
    assessments: list[str],
) -> dict:
    """The transfer checklist (000, last section; 003 2.8): what is shared, consent, agencies, family, impact.

    `plan` and `record` are the titles of the generated plan and review record (None when they are not in the
    pack, with the reason); `assessments` are the attached files counted as the social work assessment.
    """
    data = case.data
    ctx = base_context(case, "transfer-checklist", CHECKLIST_TITLE, as_of)
    transfer = transfer_context(data)
    assessment = data.get("assessment") or {}
    documents = [
        _check(
            "Social work assessment",
            bool(assessments),
            f"Attached as given: {', '.join(assessments)}."
            if assessments
            else "Not in this pack: attach it with --attach (a file whose name contains “assessment”)"
            + (f"; completed {longdate(assessment['completed'])}." if assessment.get("completed") else "."),
        ),
        _check(
            "Child in Need plan",
            plan is not None,
            "Generated from the case file (PDF and Word)." if plan else f"Not in this pack: {plan_reason}.",
        ),
        _check(
            "Minutes of the latest Child in Need review",
            record is not None,
            f"{record} (PDF and Word)." if record else f"Not in this pack: {record_reason}.",
        ),
        _check("Summary / case report", True, "Case summary, generated from the case file (PDF and Word)."),
        _check(
            "Receiving authority notified in writing",
            True,
            f"Notification letter to {transfer['receiving_authority']['name']} (enclosed).",
        ),
    ]
    consent = transfer["consent"]
    if consent is None:
        sharing = [
            _check(
                "Consent to share",
                None,
                "Not recorded: record whether the parents or carers consented, "
                "or why the information is shared without consent.",
            )
        ]
    elif consent["given"]:
        sharing = [
            _check(
                "Consent to share",
                True,
                "Given" + (f" on {longdate(consent['date'])}." if consent["date"] else " (date not recorded)."),
            )
        ]
    else:
        sharing = [
            _check("Consent to share", True, f"Not given; shared without consent because: {consent['reason_without']}")
        ]
    informed = transfer["agencies_informed"]
    agencies = [
        _check(
            "Other agencies informed (school, GP, …)",
            bool(informed) or None,
            "\n".join(informed) if informed else "Not recorded: list the agencies told about the move.",
        )
    ]
    told = transfer["family_told_responsibilities"]
    family = [
        _check(
            "Family told of their responsibilities (education and health registration in the new area)",
            told,
            {
                True: "The family know they must register with a school and a GP, and any specialist "
                "services, in the new area.",
                False: "Not yet: tell the family they must register with a school and a GP, and any "
                "specialist services, in the new area.",
                None: "Not recorded.",
            }[told],
        )
    ]
    vulnerability = [
        _check(row["area"], True if row["detail"] else None, row["detail"] or "Not recorded.")
        for row in impact(transfer)
    ]
    sections: list[dict[str, Any]] = [
        {"title": "Information shared with the receiving authority", "rows": documents},
        {"title": "Consent to share information", "rows": sharing},
        {"title": "Other agencies", "rows": agencies},
        {"title": "The family's responsibilities", "rows": family},
        {"title": "Impact of the move on the child's vulnerability", "rows": vulnerability},
    ]
    outstanding = [row["item"] for s in sections for row in s["rows"] if row["done"] is not True]
    ctx.update(
        {
            "transfer": transfer,
            "sections": sections,
            "outstanding": outstanding,
            "manager": ctx["team_manager"] or ctx["line_manager"],
        }
    )
    return ctx


def _check(item: str, done: bool | None, detail: str) -> dict:
    return {"item": item, "done": done, "detail": detail}


def _lay_out(template: str, context: dict, templates: Path | None = None) -> LaidOut:
    """A pack page laid out for the PDF: a registry kind through its (possibly the authority's own) html template,
    as api.render_bytes renders it, and the pack's own pages (checklist, index) from the built-in templates, with the
    authority's shared html files and print.css additions if it has a templates folder."""
    from ..render.pdf import lay_out_pdf

    html = api.template_names(template, context)[1] if template in KINDS else f"{template}.html"
    logo = context.get("authority", {}).get("logo_path")
    return lay_out_pdf(html, context, extra_allowed=[logo] if logo else [], templates=templates)


# ---- the pack ---------------------------------------------------------------------------------------------------


def _checked(case: api.Case, template: str, title: str, context: dict, allow: bool, warnings: list[str]) -> Part:
    """A pack page for the receiving authority, through the disclosure check, in both formats."""
    output = Output(context, [], addressed_to=recipients.receiving_authority(case), reader="professional")
    words = api.check_disclosure(case, template, [output], allow, title, warnings)
    templates = api.templates_of(case)

    def docx() -> bytes:
        # Kinds may be the authority's own templates; the pack's own pages are built-in.
        if template in KINDS:
            return api.render_bytes(template, output.context, "docx", templates)
        from ..render.docx import render_docx

        return render_docx(f"{template}.docx", output.context)

    return Part(
        title,
        "generated",
        make_layout=functools.partial(_lay_out, template, output.context, templates),
        docx=words[0] if 0 in words else docx(),
        pdf_name=api.output_name(case.case_id, template, [], "pdf"),
        docx_name=api.output_name(case.case_id, template, [], "docx"),
    )


def build_pack(
    case: api.Case,
    as_of: dt.date,
    attach: Sequence[Path] = (),
    password: str | None = None,
    *,
    allow_disclosure: bool = False,
) -> TransferPack:
    """Everything in memory: the merged PDF (index, bookmarks) and the zip of separate files with its manifest."""
    require(case.data, "transfer pack", "transfer", "transfer.receiving_authority", "social_worker")
    attachments = read_attachments(list(attach))
    warnings: list[str] = []
    case_id = case.case_id
    labels = case.profile["meeting_labels"]

    plan_parts, plan_reason = _registry_part(
        case,
        "plan",
        "Child in Need plan",
        Options(as_of=as_of, allow_unsmart=True, allow_disclosure=allow_disclosure),
        warnings,
    )
    index = _latest_record_meeting(case, as_of)
    record_parts: list[Part]
    if index is None:
        record_parts, record_reason = [], "no Child in Need review or meeting has been held yet"
        warnings.append("No record of a Child in Need review is in the pack: no review or CIN meeting has been held.")
        record_title = None
    else:
        meeting = case.data["meetings"][index]
        record_title = f"Record of the {labels[meeting['type']]} on {longdate(meeting['date'])}"
        record_parts, record_reason = _registry_part(
            case,
            "review-record",
            record_title,
            Options(as_of=as_of, meeting=str(index), allow_disclosure=allow_disclosure),
            warnings,
        )
    summary = _checked(case, "case-summary", "Case summary", summary_context(case, as_of), allow_disclosure, warnings)

    assessments = [a.name for a in attachments if a.is_assessment]
    check_ctx = checklist_context(
        case,
        as_of,
        plan=plan_parts[0].title if plan_parts else None,
        plan_reason=plan_reason,
        record=record_title if record_parts else None,
        record_reason=record_reason,
        assessments=assessments,
    )
    warnings.extend(f"Transfer checklist: “{item}” is not done or not recorded." for item in check_ctx["outstanding"])
    checklist = _checked(case, "transfer-checklist", CHECKLIST_TITLE, check_ctx, allow_disclosure, warnings)

    warnings.extend(
        f"Two attachments are called {a.source.name}: the second is {a.name} in the zip."
        for a in attachments
        if a.renamed
    )
    attached = [
        Part(
            a.title,
            "attached",
            pdf=a.data if a.fmt == "pdf" else None,
            docx=a.data if a.fmt == "docx" else None,
            pdf_name=f"attachments/{a.name}" if a.fmt == "pdf" else None,
            docx_name=f"attachments/{a.name}" if a.fmt == "docx" else None,
        )
        for a in attachments
    ]
    enclosures = [
        {"title": p.title, "how": "Enclosed (PDF and Word)"} for p in [checklist, summary, *plan_parts, *record_parts]
    ] + [
        {"title": p.title, "how": "Enclosed as given (PDF)" if p.pdf else "Sent as a Word file (in the zip)"}
        for p in attached
    ]
    letter = _checked(
        case,
        "transfer-letter",
        "Notification letter",
        letter_context(case, as_of, enclosures),
        allow_disclosure,
        warnings,
    )

    parts = [letter, checklist, summary, *plan_parts, *record_parts, *attached]
    from ..render.pdf import write_laid_out

    for part in parts:  # every generated part has passed the disclosure check: now the slow PDFs
        if part.make_layout is not None:
            part.layout = part.make_layout()
            part.pdf = write_laid_out(part.layout)
    pdf_name = api.output_name(case_id, PACK_KIND, [], "pdf")
    merged, index_pages = _merge(case, as_of, parts, password)
    for part in parts:  # written: the layouts' pages are not needed any more (a web server builds pack after pack)
        part.layout = None
    if merged["untagged"]:
        warnings.append(
            f"The merged PDF is not marked PDF/A or PDF/UA, because {' and '.join(merged['untagged'])}: a records "
            "system that needs them can keep the generated documents from the zip, which are."
        )
    manifest = _manifest(case, as_of, parts, pdf_name, index_pages, merged, password is not None)
    zip_bytes = _zip(parts, manifest, as_of, password)
    if password is not None:
        warnings.append(
            "The merged PDF and the zip are both password-protected (AES-256; open the zip with 7-Zip): "
            "send the password separately (by phone, not in the same e-mail)."
        )
    return TransferPack(
        pdf_name, merged["bytes"], api.output_name(case_id, PACK_KIND, [], "zip"), zip_bytes, manifest, parts, warnings
    )


def _index_context(case: api.Case, as_of: dt.date, parts: list[Part]) -> dict:
    ctx = base_context(case, "transfer-index", INDEX_TITLE, as_of)
    receiving = ((case.data.get("transfer") or {}).get("receiving_authority") or {}).get("name")
    ctx.update(
        {
            "receiving_authority": receiving,
            "parts": [
                {
                    "number": n,
                    "title": p.title,
                    "first_page": p.first_page,
                    "last_page": p.last_page,
                    "origin": p.origin,
                    "in_pdf": p.pdf is not None,
                    "tagged": p.layout is not None,
                    "files": [name for name in (p.pdf_name, p.docx_name) if name],
                }
                for n, p in enumerate(parts, start=1)
            ],
        }
    )
    return ctx


def _merge(case: api.Case, as_of: dt.date, parts: list[Part], password: str | None) -> tuple[dict, int]:
    """Index page(s), then every generated document, as one tagged PDF with one bookmark per document (its own
    heading bookmarks nested under it); then the attachments that are PDFs, as given. Page ranges set on the parts.

    The result's "untagged" lists why the merged PDF claims no PDF/A or PDF/UA conformance (attached PDFs, a
    password), when the PDF variant in use would otherwise claim it.
    """
    import pypdf

    from ..render.pdf import join_laid_out, library_logs_to_debug

    counts = [
        len(p.layout.document.pages) if p.layout else len(pypdf.PdfReader(io.BytesIO(p.pdf)).pages) if p.pdf else 0
        for p in parts
    ]
    index_pages = 1
    for _ in range(4):  # the index lists page numbers that depend on its own length; settle on a fixed point
        page = index_pages + 1
        for p, count in zip(parts, counts):
            p.first_page, p.last_page = (page, page + count - 1) if count else (None, None)
            page += count
        index = _lay_out("transfer-index", _index_context(case, as_of, parts), api.templates_of(case))
        if len(index.document.pages) == index_pages:
            break
        index_pages = len(index.document.pages)

    attached = [p for p in parts if p.origin == "attached" and p.pdf is not None]
    untagged = []
    if index.variant != "plain":
        if attached:
            untagged.append("it holds attached PDF files as given, which are not tagged")
        if password is not None:
            untagged.append("it is password-protected")
    title = f"Child in Need transfer pack – case {case.case_id}"
    tagged = join_laid_out(
        [(index, "Index", False), *((p.layout, p.title, True) for p in parts if p.layout is not None)],
        title=title,
        # A PDF that pypdf will add to or encrypt is written without a conformance claim it could not keep.
        variant="plain" if attached or password is not None else None,
    )
    if not attached and password is None:
        return {"bytes": tagged, "pages": index_pages + sum(counts), "untagged": untagged}, index_pages

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(tagged)))
    with library_logs_to_debug():
        for p in attached:
            assert p.pdf is not None
            try:
                writer.append(pypdf.PdfReader(io.BytesIO(p.pdf)), outline_item=p.title, import_outline=False)
            except pypdf.errors.PyPdfError as exc:
                raise InputFileError(
                    f"The attachment {p.title} could not be merged into the pack "
                    f"({type(exc).__name__}): it is too large or too complex. Attach a smaller "
                    "copy (print it to PDF again). Nothing was written."
                ) from None
    strip_actions(writer)
    if password is not None:
        writer.encrypt(user_password=password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return {"bytes": buffer.getvalue(), "pages": len(writer.pages), "untagged": untagged}, index_pages


#: Keys that make a viewer run something: JavaScript, launching programs, submitting or importing form data,
#: opening other files. An attached PDF comes from anywhere; a pack is opened by another authority's staff.
_ACTION_KEYS = ("/AA", "/OpenAction", "/JavaScript", "/JS")
_SAFE_ACTIONS = ("/GoTo", "/URI")  # links within the document and ordinary web links stay


def strip_actions(writer) -> None:
    """Remove JavaScript and automatic actions from the merged pack: document open actions, page and annotation
    triggers (/AA), named JavaScript, and link or widget actions other than going to a page or a web address."""
    from pypdf.generic import DictionaryObject, NameObject

    root = writer._root_object
    for key in ("/OpenAction", "/AA"):
        root.pop(NameObject(key), None)
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        names.pop(NameObject("/JavaScript"), None)
        names.pop(NameObject("/EmbeddedFiles"), None)
    acroform = root.get("/AcroForm")
    if acroform is not None:
        acroform.get_object().pop(NameObject("/XFA"), None)
    for page in writer.pages:
        page.pop(NameObject("/AA"), None)
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if not isinstance(annot, DictionaryObject):
                continue
            annot.pop(NameObject("/AA"), None)
            action = annot.get("/A")
            if action is not None and action.get_object().get("/S") not in _SAFE_ACTIONS:
                annot.pop(NameObject("/A"), None)


def _manifest(
    case: api.Case, as_of: dt.date, parts: list[Part], pdf_name: str, index_pages: int, merged: dict, encrypted: bool
) -> dict:
    files = []
    for p in parts:
        for name, data, fmt in ((p.pdf_name, p.pdf, "pdf"), (p.docx_name, p.docx, "docx")):
            if name:
                files.append(
                    {
                        "file": name,
                        "document": p.title,
                        "format": fmt,
                        "origin": p.origin,
                        "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(),
                    }
                )
    return {
        "tool": "cin-docs",
        "tool_version": __version__,
        "case_id": case.case_id,
        "policy": case.profile["name"],
        "policy_label": case.profile["label"],
        "policy_document": case.profile["document"],
        # The --as-of date, never the clock, so the same input gives the same zip.
        "generated": as_of.isoformat(),
        "merged_pdf": {
            "file": pdf_name,
            "pages": merged["pages"],
            "index_pages": index_pages,
            "encrypted": encrypted,
            "size": len(merged["bytes"]),
            "sha256": hashlib.sha256(merged["bytes"]).hexdigest(),
        },
        # The zip that holds this manifest: with a password it is AES-256 encrypted as well (see _zip).
        "zip_encrypted": encrypted,
        "files": files,
    }


def _zip(parts: list[Part], manifest: dict, as_of: dt.date, password: str | None = None) -> bytes:
    """Every file of the pack; with a password, each member AES-256 encrypted (WinZip AE-2, which 7-Zip, WinZip,
    bsdtar and Python's pyzipper open), so no copy of a document is written unprotected."""
    stamp = min(max((as_of.year, as_of.month, as_of.day, 0, 0, 0), (1980, 1, 1, 0, 0, 0)), (2107, 12, 31, 0, 0, 0))
    entries = [(name, data) for p in parts for name, data in ((p.pdf_name, p.pdf), (p.docx_name, p.docx)) if name]
    entries.append(("manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")))
    out = io.BytesIO()
    make_info = zipfile.ZipInfo
    if password is None:
        archive = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    else:
        import pyzipper  # type: ignore[import-untyped]  # pyzipper ships no type information

        archive = pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES)
        archive.setpassword(password.encode("utf-8"))
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        make_info = archive.zipinfo_cls  # AESZipInfo: carries each member's encryption settings
    with archive:
        for name, data in entries:
            info = make_info(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the bytes do not depend on the OS that made them
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
    return out.getvalue()

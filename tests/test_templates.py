"""Registry contract: every document kind has both templates, every template is used, and the Word templates
committed in templates/docx are exactly what scripts/build_docx_templates.py builds."""

from __future__ import annotations

from pathlib import Path

from cin_docs import resources
from cin_docs.documents import KINDS

ROOT = Path(__file__).resolve().parents[1]
# Templates the packs use directly rather than through a document kind.
PACK_TEMPLATES = {
    "caseload.html",
    "panel-pack.html",
    "panel-agenda.docx",
    "transfer-checklist.html",
    "transfer-checklist.docx",
    "transfer-index.html",
}


def test_every_kind_has_both_templates():
    for kind in KINDS.values():
        assert (resources.docx_templates_dir() / kind.docx_template).is_file(), kind.key
        assert (resources.html_templates_dir() / kind.html_template).is_file(), kind.key
        for variant in kind.variants:
            assert (resources.docx_templates_dir() / f"{variant}.docx").is_file(), variant
            assert (resources.html_templates_dir() / f"{variant}.html").is_file(), variant


def test_every_template_file_is_used():
    used = {k.docx_template for k in KINDS.values()} | {k.html_template for k in KINDS.values()} | PACK_TEMPLATES
    used |= {f"{v}.{ext}" for k in KINDS.values() for v in k.variants for ext in ("docx", "html")}
    present = {p.name for p in resources.docx_templates_dir().glob("*.docx")}
    present |= {
        p.name
        for p in resources.html_templates_dir().glob("*.html")
        if p.name != "base.html" and not p.name.startswith("_")
    }  # base and shared macros
    assert present - used == set(), "templates no kind or pack uses"
    assert used - present == set(), "templates that are missing"


def test_pack_templates_are_used_by_the_packs(monkeypatch):
    """Build both packs with the two renderers recording which templates they are asked for (and giving a blank
    page instead of rendering): every pack template is rendered, and nothing else outside the document kinds."""
    import datetime as dt
    import io

    import docx
    import pypdf

    from cin_docs import api
    from cin_docs.packs import panel, transfer
    from cin_docs.render import docx as docx_module
    from cin_docs.render import pdf as pdf_module

    asked: list[str] = []
    blank_pdf, blank_docx = io.BytesIO(), io.BytesIO()
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(blank_pdf)
    docx.Document().save(blank_docx)
    monkeypatch.setattr(
        docx_module, "render_docx", lambda name, context, **kw: asked.append(name) or blank_docx.getvalue()
    )
    monkeypatch.setattr(
        pdf_module,
        "render_pdf",
        lambda name, context, extra_allowed=(), **kw: asked.append(name) or blank_pdf.getvalue(),
    )
    # The transfer pack lays its documents out first (one layout for each document's own PDF and the merged one).
    from cin_docs.render.fetcher import weasyprint

    blank_page = weasyprint.HTML(string='<html lang="en-GB"><body><p>Blank</p></body></html>').render()
    monkeypatch.setattr(
        pdf_module,
        "lay_out_pdf",
        lambda name, context, extra_allowed=(), **kw: (
            asked.append(name) or pdf_module.LaidOut(blank_page, b"0" * 32, context["doc"]["produced"], "plain", name)
        ),
    )

    as_of = dt.date(2026, 11, 23)
    panel.build(
        [api.load(ROOT / "samples" / "hertfordshire-panel.yaml", {"closures": []})],
        dt.date(2026, 12, 31),
        as_of,
        force=True,
        progress=False,
    )
    transfer.build_pack(api.load(ROOT / "samples" / "transfer-out.yaml", {"closures": []}), as_of)
    kind_templates = {k.docx_template for k in KINDS.values()} | {k.html_template for k in KINDS.values()}
    assert set(asked) - kind_templates == PACK_TEMPLATES - {"caseload.html"}


def test_the_caseload_report_template_is_used_by_the_caseload_outputs(tmp_path):
    # The report is made from templates/html/caseload.html: its heading and its two SVG charts are in the output.
    from click.testing import CliRunner

    from cin_docs.cli import cli

    out = tmp_path / "caseload.html"
    result = CliRunner().invoke(
        cli,
        [
            "caseload",
            str(ROOT / "samples" / "hillingdon-mid-plan.yaml"),
            "--as-of",
            "2026-11-23",
            "--format",
            "html",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<h1>Caseload report" in html and html.count("<svg") >= 2

"""Rendering core: filters, Jinja environments and errors, asset fetcher, PDF and DOCX backends, atomic output."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import logging
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest

from cin_docs import resources
from cin_docs.errors import RenderError, TemplateError
from cin_docs.render import filters
from cin_docs.render.docx import docx_context, render_docx
from cin_docs.render.jinja import docx_jinja_environment, html_environment, render_html
from cin_docs.render.output import atomic_write, safe_filename_part

REPO = Path(__file__).resolve().parents[1]
PRODUCED = dt.date(2026, 11, 16)

HOSTILE = [
    "<b>bold</b>",
    "Smith & Sons",
    "{{ 7*7 }}",
    "</w:t>",
    '<img src="file:///etc/passwd">',
    '<link rel=stylesheet href="http://example.com/x.css">',
]
MULTILINE = "a & b <c>\nline2"
# Put in the template itself (not the context): these must reach the fetcher and be refused.
TEMPLATE_AUTHORED_URLS = [
    "file:///etc/passwd",
    "http://example.com/x.css",
    "data:image/png;base64,iVBORw0KGgo=",
]


def make_context(**overrides) -> dict:
    context = {
        "doc": {
            "kind": "plan",
            "title": "Child in Need plan",
            "produced": PRODUCED,
            "policy": "hillingdon",
            "policy_label": "Hillingdon",
        },
        "authority": {
            "name": "London Borough of Example",
            "address_lines": [],
            "phone": None,
            "email": None,
            "logo": None,
        },
        "child": {"full_name": "Amy Example", "first_name": "Amy", "last_name": "Example"},
        "case_id": "C-0001",
        "disclosure": {"warning": None, "copy_note": None},
        "hostile": HOSTILE,
        "notes": MULTILINE,
        "plan": {"actions": [{"what": "Visit <home>", "owner": "Social worker", "due": dt.date(2026, 12, 1)}]},
    }
    context.update(overrides)
    return context


def squash(text: str) -> str:
    return " ".join(text.split())


# --- filters ---------------------------------------------------------------------------


def test_date_and_time_filters():
    assert filters.longdate(PRODUCED) == "Monday 16 November 2026"
    assert filters.longdate(dt.datetime(2026, 11, 16, 10, 0)) == "Monday 16 November 2026"
    assert filters.longdate(None) == "not recorded"
    assert filters.shortdate(dt.date(2026, 1, 5)) == "05/01/2026"
    assert filters.shortdate(None) == "not recorded"
    assert filters.time(dt.time(9, 5)) == "09:05"
    assert filters.time("10:00") == "10:00"
    assert filters.datetime_long(dt.datetime(2026, 11, 16, 10, 0)) == "Monday 16 November 2026 at 10:00"
    assert filters.datetime_long(None) == "not recorded"


def test_list_and_yesno_filters():
    assert filters.joinlist(["A", "B", "C"]) == "A, B and C"
    assert filters.joinlist(["A", "B"]) == "A and B"
    assert filters.joinlist(["A"]) == "A"
    assert filters.joinlist([]) == ""
    assert (filters.yesno(True), filters.yesno(False), filters.yesno(None)) == ("Yes", "No", "Not recorded")


def test_filters_are_registered_in_both_environments():
    assert set(filters.FILTERS) == {
        "longdate",
        "shortdate",
        "time",
        "time12",
        "dob",
        "datetime_long",
        "joinlist",
        "yesno",
        "nobreak",
    }
    # nobreak is format-specific: a nowrap span in HTML, non-breaking hyphens and spaces in Word XML.
    for env, nobreak in ((html_environment(), filters.nobreak_html), (docx_jinja_environment(), filters.nobreak_docx)):
        expected = {**filters.FILTERS, "nobreak": nobreak}
        assert all(env.filters[name] is func for name, func in expected.items())
        assert env.autoescape is True


# --- Jinja environments and errors -----------------------------------------------------


@pytest.fixture
def html_dir(tmp_path, monkeypatch):
    """A copy of the shipped HTML layout (base, stylesheet, fonts) plus test templates, as templates/html."""
    target = tmp_path / "html"
    shipped = resources.html_templates_dir()
    target.mkdir()
    for name in ("base.html", "print.css"):
        shutil.copy(shipped / name, target / name)
    shutil.copytree(shipped / "fonts", target / "fonts")
    monkeypatch.setattr(resources, "html_templates_dir", lambda: target)
    return target


def test_base_template_renders_the_contract_keys_escaped():
    child = {"full_name": "Amy <O'Neil>", "first_name": "Amy", "last_name": "O'Neil"}
    html = render_html("base.html", make_context(child=child))
    assert "<title>Child in Need plan – case C-0001</title>" in html  # never the child's name (review L3)
    assert "Amy &lt;O&#39;Neil&gt; · Case C-0001" in html
    assert '<html lang="en-GB">' in html
    assert '<meta name="dcterms.created" content="2026-11-16">' in html
    assert "Case C-0001" in html
    assert "produced Monday 16 November 2026 under the Hillingdon policy" in html


def test_undefined_variable_names_template_and_variable(html_dir):
    (html_dir / "plan.html").write_text(
        '{% extends "base.html" %}{% block content %}\n<p>{{ child.nickname }}</p>\n{% endblock %}'
    )
    with pytest.raises(TemplateError) as caught:
        render_html("plan.html", make_context())
    assert "html/plan.html" in str(caught.value)
    assert "'child.nickname'" in str(caught.value)
    assert "plan context" in str(caught.value)


def test_base_template_reports_a_missing_contract_key():
    context = make_context()
    del context["case_id"]
    with pytest.raises(TemplateError, match=r"html/base.html refers to 'case_id'"):
        render_html("base.html", context)


def test_missing_and_broken_html_templates(html_dir):
    with pytest.raises(TemplateError, match=r"no template html/nothing.html"):
        render_html("nothing.html", make_context())
    (html_dir / "broken.html").write_text("{{ child.first_name ")
    with pytest.raises(TemplateError, match=r"html/broken.html cannot be read"):
        render_html("broken.html", make_context())


def test_sandbox_refuses_python_internals(html_dir):
    (html_dir / "escape.html").write_text("{{ ''.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="not allowed"):
        render_html("escape.html", make_context())


# --- asset fetcher ---------------------------------------------------------------------


def test_fetcher_serves_shipped_assets_only(tmp_path, monkeypatch):
    from cin_docs.render.fetcher import AssetFetcher, AssetRefused

    def no_network(*args, **kwargs):
        raise AssertionError("the fetcher touched the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = resources.html_templates_dir().resolve()
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG")
    (tmp_path / "secret.txt").write_text("not for the PDF")
    fetcher = AssetFetcher(extra_allowed=[logo])

    served = fetcher.fetch((html / "print.css").as_uri())
    assert served.read() == (html / "print.css").read_bytes()
    assert served.content_type == "text/css"
    assert fetcher.fetch(logo.as_uri()).read() == b"\x89PNG"

    refused = [
        "http://example.com/x.css",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        html.as_uri() + "/../../pyproject.toml",
        html.as_uri() + "/fonts/%2E%2E/%2E%2E/%2E%2E/pyproject.toml",
        (tmp_path / "secret.txt").as_uri(),
        "data:text/css,body{color:red}",
    ]
    for url in refused:
        with pytest.raises(AssetRefused):
            fetcher.fetch(url)
    assert fetcher.refused == refused


def test_fetcher_refuses_symlinks_out_of_the_template_folder(html_dir, tmp_path):
    from cin_docs.render.fetcher import AssetFetcher, AssetRefused

    outside = tmp_path / "outside.css"
    outside.write_text("body { color: red }")
    (html_dir / "linked.css").symlink_to(outside)
    fetcher = AssetFetcher()
    with pytest.raises(AssetRefused):
        fetcher.fetch((html_dir / "linked.css").as_uri())
    assert fetcher.refused == [(html_dir / "linked.css").as_uri()]


# --- PDF backend -----------------------------------------------------------------------

PDF_SAMPLE = """{% extends "base.html" %}
{% block head %}<link rel="stylesheet" href="http://example.com/x.css">{% endblock %}
{% block content %}
<h1>{{ doc.title }}</h1>
<div class="warning">{% for h in hostile %}<p>{{ h }}</p>{% endfor %}</div>
<p class="multiline">{{ notes }}</p>
<p><input type="checkbox" class="checkbox" name="agreed" id="agreed"><label for="agreed">Agreed</label></p>
<img src="file:///etc/passwd" alt="">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="">
{% endblock %}
"""


class _DriftingClock:
    """Stands in for the time module inside fontTools: a day passes at every call, as between two real renders."""

    def __init__(self):
        self.now = time.time()

    def time(self):
        self.now += 86400
        return self.now

    def __getattr__(self, name):
        return getattr(time, name)


@pytest.fixture(scope="module")
def pdf_run(tmp_path_factory):
    """One sample rendered twice (a simulated day apart), with the fetchers used and the log records seen."""
    import fontTools.misc.timeTools

    import cin_docs.render.fetcher as fetcher_module

    tmp = tmp_path_factory.mktemp("pdf")
    html = tmp / "html"
    html.mkdir()
    shipped = resources.html_templates_dir()
    for name in ("base.html", "print.css"):
        shutil.copy(shipped / name, html / name)
    shutil.copytree(shipped / "fonts", html / "fonts")
    (html / "sample.html").write_text(PDF_SAMPLE)
    logo = tmp / "logo.png"
    from PIL import Image

    Image.new("RGB", (60, 20), "navy").save(logo)

    fetchers, records = [], []

    class RecordingFetcher(fetcher_module.AssetFetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            fetchers.append(self)

    class Recorder(logging.Handler):
        def emit(self, record):
            records.append(record)

    recorder = Recorder(level=logging.DEBUG)
    root, ours = logging.getLogger(), logging.getLogger("cin_docs")
    root.addHandler(recorder)
    saved_level = ours.level
    ours.setLevel(logging.DEBUG)
    context = make_context()
    context["authority"] = dict(context["authority"], logo=str(logo))
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(resources, "html_templates_dir", lambda: html)
            mp.setattr(fetcher_module, "AssetFetcher", RecordingFetcher)
            mp.setattr(fontTools.misc.timeTools, "time", _DriftingClock())
            from cin_docs.render.pdf import render_pdf

            first = render_pdf("sample.html", context, extra_allowed=[logo])
            second = render_pdf("sample.html", context, extra_allowed=[logo])
    finally:
        root.removeHandler(recorder)
        ours.setLevel(saved_level)
    return {"pdf": first, "again": second, "fetchers": fetchers, "records": records, "html": html, "logo": logo}


def test_pdf_shows_hostile_text_literally(pdf_run):
    reader = pypdf.PdfReader(io.BytesIO(pdf_run["pdf"]))
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    for hostile in HOSTILE:
        assert squash(hostile) in text
    assert "a & b <c> line2" in text
    assert "Amy Example · Case C-0001" in text
    assert "produced Monday 16 November 2026 under the Hillingdon policy" in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_pdf_fetches_nothing_outside_the_assets(pdf_run):
    html_root = pdf_run["html"].resolve().as_uri() + "/"
    for fetcher in pdf_run["fetchers"]:
        assert sorted(fetcher.refused) == sorted(TEMPLATE_AUTHORED_URLS)
        assert fetcher.served, "the stylesheet and fonts should have been served"
        for url in fetcher.served:
            assert url.startswith(html_root) or url == pdf_run["logo"].resolve().as_uri()
        assert any(url.endswith("/print.css") for url in fetcher.served)
        assert pdf_run["logo"].resolve().as_uri() in fetcher.served
    # The stylesheet's fonts are fetched once per process: the parsed print.css is reused by the second render.
    first, second = pdf_run["fetchers"]
    assert any(url.endswith("/fonts/DejaVuSans.ttf") for url in first.served)
    assert not any("/fonts/" in url for url in second.served)


def test_pdf_logs_stay_quiet_but_refusals_are_kept_for_debug(pdf_run):
    records = pdf_run["records"]
    assert not [r for r in records if r.name.startswith(("weasyprint", "fontTools")) and r.levelno >= logging.WARNING]
    debug = [r.getMessage() for r in records if r.name == "cin_docs.render.pdf"]
    assert any("Refused to load" in message for message in debug)


def test_pdf_is_byte_for_byte_reproducible(pdf_run):
    assert pdf_run["pdf"] == pdf_run["again"]


def test_pdf_metadata_tags_and_form(pdf_run):
    reader = pypdf.PdfReader(io.BytesIO(pdf_run["pdf"]))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == "Child in Need plan – case C-0001"
    assert reader.metadata.author == "London Borough of Example"
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == "D:20261116"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert "agreed" in reader.get_fields()
    assert pdf_run["pdf"].startswith(b"%PDF-1.7")


def test_pdf_needs_a_production_date(html_dir):
    from cin_docs.render.pdf import render_pdf

    context = make_context()
    del context["doc"]["produced"]
    with pytest.raises(RenderError, match="doc.produced"):
        render_pdf("base.html", context)


def test_importing_the_pdf_backend_does_not_import_weasyprint():
    code = (
        "import sys, cin_docs.render.pdf, cin_docs.render.jinja, cin_docs.render.docx, cin_docs.render.output;"
        "sys.exit('weasyprint' in sys.modules)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=False).returncode == 0


# --- DOCX backend and template builder -------------------------------------------------


def load_docx_builder():
    spec = importlib.util.spec_from_file_location("docx_builder", REPO / "scripts" / "docx_builder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def docx_dir(tmp_path, monkeypatch):
    target = tmp_path / "docx"
    monkeypatch.setattr(resources, "docx_templates_dir", lambda: target)
    builder = load_docx_builder()
    document = builder.new_template("{{ doc.title }} for {{ child.first_name }}")
    builder.heading(document, "Hostile text", 2)
    builder.para(document, "{% for h in hostile %}{{ h }}|{% endfor %}")
    builder.para(document, "Notes: {{ notes }}")
    builder.heading(document, "Actions", 2)
    builder.table(
        document,
        ["Action", "Owner", "By"],
        "for a in plan.actions",
        ["{{ a.what }}", "{{ a.owner }}", "{{ a.due|shortdate }}"],
    )
    builder.save(document, "sample.docx", target)
    nickname = builder.new_template("")
    builder.para(nickname, "Known as {{ child.nickname }}")
    builder.save(nickname, "nickname.docx", target)
    return target


def test_docx_shows_hostile_text_literally_and_keeps_line_breaks(docx_dir):
    context = make_context()
    context["plan"]["actions"].append({"what": "Second\nline", "owner": "Health visitor", "due": None})
    data = render_docx("sample.docx", context)
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Child in Need plan for Amy"
    assert "|".join(HOSTILE) + "|" in paragraphs
    assert f"Notes: {MULTILINE}" in paragraphs
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows == [
        ["Action", "Owner", "By"],
        ["Visit <home>", "Social worker", "01/12/2026"],
        ["Second\nline", "Health visitor", "not recorded"],
    ]
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "a &amp; b &lt;c&gt;</w:t><w:br/>" in body
    assert "{%" not in body and "{{ a." not in body


def test_docx_header_footer_properties_and_stable_bytes(docx_dir):
    data = render_docx("sample.docx", make_context())
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["London Borough of Example", "Amy Example · Case C-0001"]
    footer = [p.text for p in section.footer.paragraphs]
    assert footer[0] == "Child in Need plan · produced Monday 16 November 2026 under the Hillingdon policy"
    assert footer[1] == "Page 1 of 1"
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    props = document.core_properties
    assert (props.title, props.author, props.language) == ("Child in Need plan", "London Borough of Example", "en-GB")
    assert props.created == props.modified == dt.datetime(2026, 11, 16, tzinfo=dt.UTC)
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in package.infolist()} == {(2026, 11, 16, 0, 0, 0)}
    assert "NUMPAGES" in package.read("word/footer1.xml").decode()
    assert 'w:lang w:val="en-GB"' in package.read("word/styles.xml").decode()
    assert render_docx("sample.docx", make_context()) == data


def test_docx_template_errors(docx_dir):
    with pytest.raises(TemplateError) as caught:
        render_docx("nickname.docx", make_context())
    assert "docx/nickname.docx" in str(caught.value) and "'child.nickname'" in str(caught.value)
    with pytest.raises(TemplateError, match=r"no template docx/absent.docx"):
        render_docx("absent.docx", make_context())


def test_docx_context_is_a_converted_deep_copy():
    context = {"a": {"b": ["one\ntwo", "plain"]}, "n": 3}
    converted = docx_context(context)
    assert context == {"a": {"b": ["one\ntwo", "plain"]}, "n": 3}
    assert type(converted["a"]["b"][0]).__name__ == "Listing"
    assert converted["a"]["b"][1] == "plain" and converted["n"] == 3


# --- output ----------------------------------------------------------------------------


def test_atomic_write_creates_owner_only_file(tmp_path):
    target = tmp_path / "out" / "nested" / "plan.pdf"
    atomic_write(target, b"%PDF-")
    assert target.read_bytes() == b"%PDF-"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(target.parent) == ["plan.pdf"]


def test_atomic_write_leaves_nothing_when_it_fails(tmp_path, monkeypatch):
    target = tmp_path / "plan.pdf"

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"data")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()

    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_safe_filename_part():
    assert safe_filename_part("Case 12/AB – Héléna") == "case-12-ab-helena"
    assert safe_filename_part("2026-11-16") == "2026-11-16"
    assert safe_filename_part("../../etc") == "etc"
    assert safe_filename_part("***") == "unnamed"

"""The shortcuts that make documents fast (issue 11) do what they say, and change no output. Timings live in
`make bench` (scripts/bench.py), never in tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, env=env, check=False, capture_output=True, text=True
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shim is for Linux only")
def test_weasyprint_loads_without_searching_for_windows_and_macos_library_names():
    result = python("""
        import ctypes.util, sys
        searched = []
        original = ctypes.util.find_library
        def find_library(name):
            searched.append(name)
            return original(name)
        ctypes.util.find_library = find_library
        import cin_docs.render.fetcher as fetcher
        assert fetcher.weasyprint.HTML  # the real package, usable
        assert ctypes.util.find_library is find_library, "the shim must put find_library back"
        print(len(searched))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_weasyprint_is_imported_again_with_library_lookups_when_the_shortcut_fails():
    # On a system where only ctypes.util.find_library finds the libraries, the shortcut's import fails with OSError:
    # the half-imported package is forgotten and WeasyPrint imported again, searching as it normally does.
    result = python("""
        import sys, ctypes.util, cffi
        real_dlopen = cffi.FFI.dlopen
        def dlopen(self, name, flags=0):
            if ctypes.util.find_library("c") is None:  # under the shortcut: pretend nothing loads directly
                raise OSError(f"cannot load library {name!r}")
            return real_dlopen(self, name, flags)
        cffi.FFI.dlopen = dlopen
        import cin_docs.render.fetcher as fetcher
        assert fetcher.weasyprint.HTML
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _plan_context():
    import datetime as dt

    from cin_docs import api
    from cin_docs.documents import Options

    case = api.load(REPO / "samples" / "hillingdon-mid-plan.yaml")
    return api.build(case, "plan", Options(as_of=dt.date(2026, 11, 23))).outputs[0].context


def _forget_caches():
    from cin_docs.render import docx, jinja, pdf

    pdf._STYLESHEETS.clear()
    pdf._FONT_CONFIG = None
    jinja._shared_html_environment.cache_clear()
    jinja._DOCX_ENVIRONMENT = None
    docx._template_bytes.cache_clear()
    docx._DocxTemplate._patched.clear()


def test_reused_stylesheet_fonts_and_templates_give_the_same_bytes_as_a_fresh_start():
    from cin_docs import api

    context = _plan_context()
    _forget_caches()
    fresh = {fmt: api.render_bytes("plan", context, fmt) for fmt in ("pdf", "docx")}
    from cin_docs.render import jinja, pdf

    assert pdf._STYLESHEETS and pdf._FONT_CONFIG is not None and jinja._DOCX_ENVIRONMENT._compiled
    stylesheet = next(iter(pdf._STYLESHEETS.values()))
    warm = {fmt: api.render_bytes("plan", context, fmt) for fmt in ("pdf", "docx")}
    assert warm == fresh
    assert next(iter(pdf._STYLESHEETS.values())) is stylesheet and len(pdf._STYLESHEETS) == 1


def test_an_edited_template_or_stylesheet_is_read_again(tmp_path):
    import io
    import shutil

    import docx

    from cin_docs import api, resources
    from cin_docs.render import pdf

    context = _plan_context()
    folder = tmp_path / "templates"
    (folder / "html").mkdir(parents=True)
    css = folder / "html" / "print.css"
    css.write_text("h1 { color: #003366; }\n")
    first = api.render_bytes("plan", context, "pdf", folder)
    css.write_text("h1 { color: #660000; }\n")
    second = api.render_bytes("plan", context, "pdf", folder)
    assert first != second and len([k for k in pdf._STYLESHEETS if k[1]]) == 2
    # A Word template replaced on disk is read again (the cache is keyed by its modification time).
    (folder / "docx").mkdir()
    template = folder / "docx" / "plan.docx"
    shutil.copy(resources.docx_templates_dir() / "plan.docx", template)
    before = api.render_bytes("plan", context, "docx", folder)
    edited = docx.Document(template)
    edited.add_paragraph("Added by the authority")
    edited.save(template)
    os.utime(template, ns=(1, 1))
    after = api.render_bytes("plan", context, "docx", folder)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(after)).paragraphs)
    assert "Added by the authority" in text
    assert "Added by the authority" not in "\n".join(p.text for p in docx.Document(io.BytesIO(before)).paragraphs)


def test_the_shipped_form_font_is_what_the_build_script_makes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_form_font", REPO / "scripts" / "build_form_font.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TARGET.read_bytes() == module.build(), "run scripts/build_form_font.py"


def test_the_escalation_forms_fields_carry_the_small_form_font_not_the_whole_face():
    import datetime as dt
    import io

    import pypdf
    from fontTools.ttLib import TTFont

    from cin_docs import api
    from cin_docs.documents import Options

    case = api.load(REPO / "samples" / "hertfordshire-escalation.yaml")
    context = api.build(case, "escalation", Options(as_of=dt.date(2026, 11, 23))).outputs[0].context
    reader = pypdf.PdfReader(io.BytesIO(api.render_bytes("escalation", context, "pdf")))
    fields = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) if a.get_object().get("/FT") == "/Tx"]
    fonts = reader.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]
    used = {str(f["/DA"]).split()[str(f["/DA"]).split().index("Tf") - 2] for f in fields}
    assert len(used) == 1
    form_font = fonts[used.pop()].get_object()
    assert str(form_font["/BaseFont"]).endswith("+cin-docs-Form")
    descriptor = form_font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
    whole = TTFont(REPO / "templates" / "html" / "fonts" / "DejaVuSans.ttf")
    assert len(embedded.getGlyphOrder()) < len(whole.getGlyphOrder()) / 3
    # What forms need is there: accented Latin, Polish, Welsh, Cyrillic, dashes and quotes, the euro.
    cmap = embedded.getBestCmap()
    assert all(ord(c) in cmap for c in "ÉéçñŁłŵŷЖж–—‘’“”…€£")
    # The page text's fonts are subsets again (only a field's font must be whole): a small part of the face's bytes.
    sans = [f.get_object() for f in fonts.values() if str(f.get_object()["/BaseFont"]).endswith("+cin-docs-Sans")]
    assert sans
    for font in sans:
        data = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        assert len(data.get_data()) < (REPO / "templates" / "html" / "fonts" / "DejaVuSans.ttf").stat().st_size / 10


def test_the_shared_font_configuration_cleans_up_at_exit():
    result = python("""
        import datetime as dt
        from cin_docs import api
        from cin_docs.documents import Options
        from cin_docs.render import pdf
        case = api.load("samples/hillingdon-mid-plan.yaml")
        context = api.build(case, "invitation", Options(as_of=dt.date(2026, 11, 23))).outputs[0].context
        api.render_bytes("invitation", context, "pdf")
        print(pdf._FONT_CONFIG._folder)
    """)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip())
    assert folder.name.startswith("weasyprint-") and not folder.exists()
    assert "Exception ignored" not in result.stderr


@pytest.mark.parametrize("with_logo", [False, True])
def test_the_one_pass_docx_save_gives_the_bytes_of_docxtpls_save_made_reproducible(tmp_path, monkeypatch, with_logo):
    import io
    import zipfile

    from PIL import Image

    from cin_docs import api
    from cin_docs.render import docx

    context = _plan_context()
    if with_logo:  # the logo adds an image part and its relationship to the package
        Image.new("RGB", (120, 40), "navy").save(tmp_path / "logo.png", "PNG")
        context["authority"] = dict(context["authority"], logo_path=str(tmp_path / "logo.png"))
    one_pass = api.render_bytes("plan", context, "docx")

    def docxtpl_save_then_reproducible_zip(template, when):
        buffer = io.BytesIO()
        template.save(buffer)
        return docx.reproducible_zip(buffer.getvalue(), when)

    monkeypatch.setattr(docx, "_save_reproducible", docxtpl_save_then_reproducible_zip)
    assert api.render_bytes("plan", context, "docx") == one_pass
    names = zipfile.ZipFile(io.BytesIO(one_pass)).namelist()
    assert names[0] == "[Content_Types].xml" and any(n.startswith("word/media/") for n in names) == with_logo


def test_the_pango_leak_fix_changes_no_byte_and_keeps_no_font_features_attribute(monkeypatch):
    from weasyprint.text import line_break

    from cin_docs import api
    from cin_docs.render import pdf

    context = _plan_context()  # tables, lists, header and footer: every kind of text layout
    fixed = api.render_bytes("plan", context, "pdf")
    assert line_break.Layout.setup.__wrapped__ is not line_break.Layout.setup
    assert pdf._FONT_CONFIG.font_features == {}  # no attribute outlives the layout it was made for
    monkeypatch.setattr(line_break.Layout, "setup", line_break.Layout.setup.__wrapped__)  # WeasyPrint's own
    assert api.render_bytes("plan", context, "pdf") == fixed


def test_a_process_rendering_letters_keeps_no_memory_per_letter():
    # Without cin_docs.render.pango_fix a process keeps ~60 KiB of Pango attribute lists per letter (~600 KiB every
    # 10 letters); with it, none. A size, not a time. The median of eight 10-letter steps, so that a one-off jump of
    # the allocator's arenas (up to ~1 MiB, once) in one step does not decide it.
    result = python("""
        import datetime as dt, gc, statistics
        from cin_docs import api
        from cin_docs.documents import Options
        case = api.load("samples/hillingdon-mid-plan.yaml")
        context = api.build(case, "invitation", Options(as_of=dt.date(2026, 11, 23))).outputs[0].context
        def rss():
            with open("/proc/self/status") as f:
                return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        for _ in range(8):
            api.render_bytes("invitation", context, "pdf")
        steps = []
        for _ in range(8):
            gc.collect(); before = rss()
            for _ in range(10):
                api.render_bytes("invitation", context, "pdf")
            gc.collect(); steps.append(rss() - before)
        print(statistics.median(steps), steps)
    """)
    assert result.returncode == 0, result.stderr
    median = float(result.stdout.split()[0])
    assert median < 200, f"{result.stdout.strip()}: KiB kept per 10 letters (median, then each step)"

"""The confined URL fetcher (cin_docs/render/fetcher.py), called directly: only the template assets (and an allowed
logo) are served, with their content type; everything else is refused before anything is opened, and recorded; an
authority's templates folder lies over the built-in assets without letting anything out of either folder.

The built-in html/ folder is a small stand-in here (as in test_render_core's html_dir), so each case is a file this
test makes; no PDF is rendered.
"""

from __future__ import annotations

import socket

import pytest

from cin_docs import resources
from cin_docs.render.fetcher import AssetFetcher, AssetRefused


@pytest.fixture
def builtin(tmp_path, monkeypatch):
    """A stand-in for the shipped templates/html: print.css, a font, a logo and a subfolder."""
    html = tmp_path / "templates" / "html"
    (html / "fonts").mkdir(parents=True)
    (html / "print.css").write_bytes(b"body { font-family: DejaVu }")
    (html / "fonts" / "Sans.ttf").write_bytes(b"\x00\x01font")
    (html / "crest.png").write_bytes(b"\x89PNG built-in")
    monkeypatch.setattr(resources, "html_templates_dir", lambda: html)

    def no_network(*args, **kwargs):
        raise AssertionError("the fetcher touched the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    return html


@pytest.fixture
def authority(tmp_path):
    """An authority's templates folder with its own logo, a font that replaces the built-in one, and print.css."""
    folder = tmp_path / "westmere"
    (folder / "html" / "fonts").mkdir(parents=True)
    (folder / "html" / "westmere-logo.png").write_bytes(b"\x89PNG westmere")
    (folder / "html" / "fonts" / "Sans.ttf").write_bytes(b"\x00\x01westmere font")
    (folder / "html" / "print.css").write_bytes(b"h1 { color: navy }")
    (folder / "secret.txt").write_text("beside html/, not in it")
    return folder


def refused(fetcher: AssetFetcher, url: str) -> str:
    with pytest.raises(AssetRefused) as caught:
        fetcher.fetch(url)
    return str(caught.value)


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("a.css", "text/css"),
        ("a.ttf", "font/ttf"),
        ("a.otf", "font/otf"),
        ("a.woff", "font/woff"),
        ("a.woff2", "font/woff2"),
        ("a.png", "image/png"),
        ("A.PNG", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("a.gif", "image/gif"),
        ("a.svg", "image/svg+xml"),
        ("a.bin", "application/octet-stream"),
    ],
)
def test_each_asset_is_served_with_its_content_type(builtin, name, content_type):
    (builtin / name).write_bytes(b"data")
    response = AssetFetcher().fetch((builtin / name).as_uri())
    assert response.read() == b"data"
    assert response.content_type == content_type
    assert response.url == (builtin / name).as_uri()


def test_served_and_refused_urls_are_recorded_and_the_refusal_names_the_url(builtin, tmp_path):
    fetcher = AssetFetcher()
    css = (builtin / "print.css").as_uri()
    assert fetcher.fetch(css).read() == b"body { font-family: DejaVu }"
    assert fetcher.fetch("FILE://localhost" + str(builtin / "fonts" / "Sans.ttf")).read() == b"\x00\x01font"
    message = refused(fetcher, "https://example.com/x.css")
    assert message == (
        "Refused to load 'https://example.com/x.css': only the document's own template assets may be used."
    )
    for url in (
        "file://evil.example.com" + str(builtin / "print.css"),  # a file: URL on another machine
        (builtin / "fonts").as_uri(),  # a folder, not a file
        (builtin / "missing.css").as_uri(),
        builtin.as_uri() + "/../html/../../pyproject.toml",
        "data:text/css,body{color:red}",
    ):
        refused(fetcher, url)
    assert fetcher.served == [css, "FILE://localhost" + str(builtin / "fonts" / "Sans.ttf")]
    assert fetcher.refused == [
        "https://example.com/x.css",
        "file://evil.example.com" + str(builtin / "print.css"),
        (builtin / "fonts").as_uri(),
        (builtin / "missing.css").as_uri(),
        builtin.as_uri() + "/../html/../../pyproject.toml",
        "data:text/css,body{color:red}",
    ]


def test_an_allowed_logo_is_served_and_nothing_else_beside_it(builtin, tmp_path):
    (tmp_path / "logos").mkdir()
    logo = tmp_path / "logos" / "hillingdon.png"
    logo.write_bytes(b"\x89PNG logo")
    (tmp_path / "logos" / "other.png").write_bytes(b"\x89PNG other")
    (tmp_path / "logos" / "link.png").symlink_to(logo)
    fetcher = AssetFetcher(extra_allowed=[str(tmp_path / "logos" / "link.png")])  # allowed by where it really is
    assert fetcher.fetch(logo.as_uri()).read() == b"\x89PNG logo"
    refused(fetcher, (tmp_path / "logos" / "other.png").as_uri())


def test_a_link_out_of_the_assets_is_judged_by_where_it_lands(builtin, tmp_path):
    outside = tmp_path / "outside.css"
    outside.write_text("body { color: red }")
    (builtin / "linked.css").symlink_to(outside)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "in.css").symlink_to(builtin / "print.css")
    fetcher = AssetFetcher()
    refused(fetcher, (builtin / "linked.css").as_uri())
    assert fetcher.fetch((tmp_path / "elsewhere" / "in.css").as_uri()).read() == b"body { font-family: DejaVu }"


def test_an_authority_folder_lies_over_the_built_in_assets(builtin, authority):
    fetcher = AssetFetcher(templates=authority)
    assert fetcher.overlay == (authority / "html").resolve()
    # Its own logo, asked for as a relative URL (resolved against the built-in folder, as WeasyPrint does).
    logo = fetcher.fetch((builtin / "westmere-logo.png").as_uri())
    assert logo.read() == b"\x89PNG westmere"
    assert logo.url == (authority / "html" / "westmere-logo.png").resolve().as_uri()
    assert fetcher.fetch((builtin / "fonts" / "Sans.ttf").as_uri()).read() == b"\x00\x01westmere font"
    # What it does not have comes from the built-ins.
    assert fetcher.fetch((builtin / "crest.png").as_uri()).read() == b"\x89PNG built-in"
    # Its print.css is appended to the built-in one, never served instead of it.
    css = fetcher.fetch((builtin / "print.css").as_uri())
    assert css.read() == (
        b"body { font-family: DejaVu }\n/* Additions from the authority's templates folder */\nh1 { color: navy }"
    )
    assert css.content_type == "text/css"
    # Nothing outside its html/ folder.
    refused(fetcher, (builtin / ".." / "secret.txt").as_uri())
    refused(fetcher, (authority / "secret.txt").as_uri())
    refused(fetcher, (authority / "html" / "westmere-logo.png").as_uri())  # only through the built-in folder


def test_without_an_authority_folder_its_files_are_not_served(builtin, authority):
    fetcher = AssetFetcher()
    assert fetcher.overlay is None and fetcher.css_additions is None
    refused(fetcher, (builtin / "westmere-logo.png").as_uri())
    assert fetcher.fetch((builtin / "print.css").as_uri()).read() == b"body { font-family: DejaVu }"


def test_a_link_in_the_authority_folder_that_leads_out_of_it_is_not_served(builtin, authority, tmp_path):
    (tmp_path / "private.png").write_bytes(b"\x89PNG private")
    (authority / "html" / "crest.png").symlink_to(tmp_path / "private.png")
    (authority / "html" / "seal.png").symlink_to(tmp_path / "private.png")
    fetcher = AssetFetcher(templates=authority)
    assert fetcher.fetch((builtin / "crest.png").as_uri()).read() == b"\x89PNG built-in"  # the built-in instead
    refused(fetcher, (builtin / "seal.png").as_uri())


def test_an_authority_folder_without_print_css_adds_nothing_to_it(builtin, authority):
    (authority / "html" / "print.css").unlink()
    fetcher = AssetFetcher(templates=authority)
    assert fetcher.fetch((builtin / "print.css").as_uri()).read() == b"body { font-family: DejaVu }"


# ---- loading WeasyPrint (once, when the first PDF is made) ----------------------------------------------------------


def test_library_lookups_answer_not_found_only_while_weasyprint_imports(monkeypatch):
    import ctypes.util

    from cin_docs.render import fetcher

    monkeypatch.setattr(fetcher.sys, "platform", "linux")
    original = ctypes.util.find_library
    with fetcher._no_foreign_library_lookups():
        assert ctypes.util.find_library("c") is None
    assert ctypes.util.find_library is original
    with pytest.raises(OSError), fetcher._no_foreign_library_lookups():
        raise OSError("the import failed")
    assert ctypes.util.find_library is original  # put back however the import ends
    monkeypatch.setattr(fetcher.sys, "platform", "darwin")
    with fetcher._no_foreign_library_lookups():
        assert ctypes.util.find_library is original  # elsewhere the lookups are left alone


def test_weasyprint_is_imported_again_with_real_lookups_when_the_quick_import_fails(monkeypatch, capsys):
    import sys

    from cin_docs.render import fetcher

    loaded = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "weasyprint"}
    shims: list[bool] = []

    def attempt(shim: bool):
        shims.append(shim)
        if shim:
            print("WeasyPrint could not import some external libraries.")  # its installation help
            raise OSError("cannot load library 'libgobject-2.0-0'")
        assert not any(name.split(".")[0] == "weasyprint" for name in sys.modules)  # forgotten before trying again
        return "weasyprint"

    monkeypatch.setattr(fetcher, "_import_weasyprint", attempt)
    try:
        assert fetcher.load_weasyprint() == "weasyprint"
    finally:
        sys.modules.update(loaded)
    assert shims == [True, False]
    assert capsys.readouterr().out == ""  # the first attempt's help text is not shown


def test_the_quick_import_skips_library_lookups_and_keeps_only_harfbuzzs_deployment_note_quiet(monkeypatch):
    import builtins
    import ctypes.util
    import sys
    import warnings

    from cin_docs.render import fetcher

    monkeypatch.setattr(fetcher.sys, "platform", "linux")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libgobject-2.0.so.0")
    real_import = builtins.__import__
    lookups: list = []

    def importing(name, *args, **kwargs):
        if name.startswith("weasyprint"):  # what WeasyPrint does while it imports
            lookups.append(ctypes.util.find_library("gobject-2.0-0"))
            warnings.warn(
                "HarfBuzz-Subset is not available: fonts are subset with fontTools", DeprecationWarning, stacklevel=2
            )
            # Any other warning is still shown: only that deployment note is kept quiet.
            warnings.warn("HarfBuzz-Subset is missing and something else broke", UserWarning, stacklevel=2)
            warnings.warn("This API is deprecated", DeprecationWarning, stacklevel=2)
            return sys.modules["weasyprint"]
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", importing)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        assert fetcher._import_weasyprint(shim=True) is sys.modules["weasyprint"]
        assert fetcher._import_weasyprint(shim=False) is sys.modules["weasyprint"]
    assert lookups == [None, None, "libgobject-2.0.so.0", "libgobject-2.0.so.0"]
    assert [(w.category, str(w.message)) for w in shown] == 4 * [  # two imports a call
        (UserWarning, "HarfBuzz-Subset is missing and something else broke"),
        (DeprecationWarning, "This API is deprecated"),
    ]

"""An authority's own templates: export, check (misspelt placeholders, split tags, syntax errors, unknown filters),
use in both formats with fallback to the built-ins, and the same sandbox and fetcher limits as the built-ins."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cin_docs import api, resources
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.errors import TemplateError
from cin_docs.render.overrides import check_folder, check_template, refuse_if_broken, templates_in
from textutil import docx_text, norm, pdf_text

ROOT = Path(__file__).resolve().parents[1]
WESTMERE = ROOT / "samples" / "templates" / "westmere"
SAMPLE = ROOT / "samples" / "hillingdon-mid-plan.yaml"
AS_OF = dt.date(2026, 11, 23)
MOTHER = "Danielle Hartwell"


def builtin_docx(name: str = "invitation.docx") -> bytes:
    return (resources.docx_templates_dir() / name).read_bytes()


def with_document_xml(data: bytes, old: str, new: str) -> bytes:
    """The Word file with `old` replaced by `new` in its body XML (as Word or LibreOffice might have saved it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "word/document.xml":
                text = content.decode("utf-8")
                assert old in text, old
                content = text.replace(old, new, 1).encode("utf-8")
            target.writestr(member, content)
    return out.getvalue()


def folder_with(tmp_path: Path, docx: bytes | None = None, html: str | None = None) -> Path:
    folder = tmp_path / "my-templates"
    if docx is not None:
        (folder / "docx").mkdir(parents=True, exist_ok=True)
        (folder / "docx" / "invitation.docx").write_bytes(docx)
    if html is not None:
        (folder / "html").mkdir(parents=True, exist_ok=True)
        (folder / "html" / "invitation.html").write_text(html, encoding="utf-8")
    return folder


def builtin_html(name: str = "invitation.html") -> str:
    return (resources.html_templates_dir() / name).read_text(encoding="utf-8")


def messages(problems) -> str:
    return "\n".join(p.message for p in problems)


@pytest.fixture(scope="module")
def mother_letter():
    case = api.load(SAMPLE, {"closures": []})
    built = api.build(case, "invitation", Options(as_of=AS_OF, recipient=MOTHER))
    return built.outputs[0].context


# ---- the check ----------------------------------------------------------------------------------------------------


def test_a_misspelt_placeholder_in_word_is_named_with_a_suggestion(tmp_path):
    folder = folder_with(
        tmp_path,
        docx=with_document_xml(
            builtin_docx(),
            "We want to know what {{ child.known_as }} thinks",
            "We want to know what {{ child.knwn_as }} thinks",
        ),
    )
    text = messages(check_template(folder, "docx", "invitation.docx", "invitation"))
    assert (
        "In docx/invitation.docx, in the body, in the paragraph “We want to know what {{ child.knwn_as }} thinks"
        in text
    )
    assert (
        "the placeholder {{ child.knwn_as }} is not something cin-docs knows. Did you mean {{ child.known_as }}?"
        in text
    )


def test_an_unknown_top_level_name_and_a_deeper_one_are_both_found(tmp_path):
    html = (
        builtin_html()
        .replace("{{ meeting.purpose }}", "{{ meting.purpose }} {{ meeting.label.wrong }}")
        .replace("{{ case_id }}", "{{ case_id }} {{ recipient.nmae }}")
    )
    text = messages(check_template(folder_with(tmp_path, html=html), "html", "invitation.html", "invitation"))
    assert (
        "the placeholder {{ meting.purpose }} is not something cin-docs knows. Did you mean {{ meeting.purpose }}?"
        in text
    )
    assert "{{ recipient.nmae }} is not something cin-docs knows. Did you mean {{ recipient.name }}?" in text
    # meeting.label is text: what follows it is not ours to judge (text has its own methods); no false alarm.
    assert "meeting.label.wrong" not in text
    # The logo as a Word picture exists in Word templates only.
    html = builtin_html().replace("{{ case_id }}", "{{ case_id }}{{ authority.logo_image }}")
    text = messages(check_template(folder_with(tmp_path, html=html), "html", "invitation.html", "invitation"))
    assert "the placeholder {{ authority.logo_image }} is not something cin-docs knows." in text


def test_a_placeholder_split_across_paragraphs_is_explained(tmp_path):
    split = "{{ meeting.pur</w:t></w:r></w:p><w:p><w:r><w:t>pose }}"
    folder = folder_with(tmp_path, docx=with_document_xml(builtin_docx(), "{{ meeting.purpose }}", split))
    text = messages(check_template(folder, "docx", "invitation.docx", "invitation"))
    assert "the placeholder starting “{{ meeting.pur” is not finished in the same paragraph (no “}}”)" in text
    assert "the paragraph “pose }}” has a closing “}}” with no opening brace" in text
    assert "retype it in one go" in text


def test_a_placeholder_split_across_runs_of_one_paragraph_is_fine(tmp_path, mother_letter):
    from cin_docs.render.docx import render_docx

    # Word and LibreOffice split text into runs when formatting changes mid-word; docxtpl joins them again.
    runs = "{{ child.</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>known_as }} is the reason"
    folder = folder_with(tmp_path, docx=with_document_xml(builtin_docx(), "{{ meeting.purpose }}", runs))
    assert check_template(folder, "docx", "invitation.docx", "invitation") == []
    assert "Millie is the reason" in docx_text(render_docx("invitation.docx", mother_letter, templates=folder))


def test_braces_apart_look_like_a_placeholder_but_are_reported(tmp_path):
    folder = folder_with(
        tmp_path,
        docx=with_document_xml(builtin_docx(), "{{ meeting.purpose }}", "{ { meeting.purpose } } and {child.known_as}"),
    )
    text = messages(check_template(folder, "docx", "invitation.docx", "invitation"))
    assert "“{ {”, which looks like a placeholder but is not one" in text
    assert "“{child.known_as}”, which looks like a placeholder but is not one" in text


def test_a_whole_paragraph_command_with_text_beside_it_is_reported(tmp_path):
    # {%p if %} removes its paragraph: words typed beside it would silently disappear from every letter.
    folder = folder_with(
        tmp_path,
        docx=with_document_xml(
            builtin_docx(), "{%p if recipient.adjustments %}", "Please note: {%p if recipient.adjustments %}"
        ),
    )
    text = messages(check_template(folder, "docx", "invitation.docx", "invitation"))
    assert "the paragraph “Please note: {%p if recipient.adjustments %}” has “{%p” with other text" in text
    # A placeholder beside it would be lost just the same.
    folder = folder_with(
        tmp_path / "2",
        docx=with_document_xml(
            builtin_docx(), "{%p if recipient.adjustments %}", "{%p if recipient.adjustments %}{{ bring }}"
        ),
    )
    assert "has “{%p” with other text" in messages(check_template(folder, "docx", "invitation.docx", "invitation"))


def test_a_syntax_error_in_html_names_its_line(tmp_path):
    html = builtin_html().replace("{% if meeting.reply_by %}", "{% if meeting.reply_by %", 1)
    line = next(i for i, text in enumerate(html.splitlines(), 1) if "{% if meeting.reply_by %" in text)
    text = messages(check_template(folder_with(tmp_path, html=html), "html", "invitation.html", "invitation"))
    assert f"In html/invitation.html, on line {line}, the template cannot be read:" in text


def test_a_missing_endif_in_word_is_explained(tmp_path):
    folder = folder_with(tmp_path, docx=with_document_xml(builtin_docx(), "{%p endfor %}", "{%p endfo %}"))
    text = messages(check_template(folder, "docx", "invitation.docx", "invitation"))
    assert "In docx/invitation.docx, in the body, in the paragraph “{%p endfo %}”, the template cannot be read" in text


def test_an_unknown_filter_is_named_with_a_suggestion(tmp_path):
    html = builtin_html().replace("{{ meeting.date|longdate }}", "{{ meeting.date|longdat }}")
    text = messages(check_template(folder_with(tmp_path, html=html), "html", "invitation.html", "invitation"))
    assert "“|longdat” is not a filter cin-docs has. Did you mean |longdate?" in text


def test_a_document_no_sample_makes_is_checked_for_everything_but_its_placeholders(tmp_path, monkeypatch):
    # With no sample context to compare with, every placeholder would look unknown: they are left to the render.
    from cin_docs.render import overrides
    from cin_docs.render.variables import Shape

    monkeypatch.setattr(overrides, "sample_contexts", lambda kind: ())
    monkeypatch.setattr(overrides, "kind_shape", lambda kind, part: Shape())
    html = builtin_html().replace("{{ meeting.date|longdate }}", "{{ meeting.date|longdat }} {{ anything.at_all }}")
    text = messages(check_template(folder_with(tmp_path, html=html), "html", "invitation.html", "invitation"))
    assert "“|longdat” is not a filter" in text
    assert "anything.at_all" not in text


def test_tracked_changes_must_be_accepted(tmp_path):
    tracked = (
        '<w:ins w:id="1" w:author="A" w:date="2026-11-01T00:00:00Z"><w:r><w:t>What the meeting is for</w:t>'
        "</w:r></w:ins>"
    )
    folder = folder_with(
        tmp_path, docx=with_document_xml(builtin_docx(), "<w:r><w:t>What the meeting is for</w:t></w:r>", tracked)
    )
    assert "has tracked changes" in messages(check_template(folder, "docx", "invitation.docx", "invitation"))


def test_a_picture_linked_from_outside_the_document_is_reported(tmp_path):
    # A linked (not inserted) picture or an INCLUDEPICTURE field makes Word fetch it whenever a letter is opened.
    data = with_document_xml(
        builtin_docx(),
        "<w:r><w:t>What the meeting is for</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
        'INCLUDEPICTURE "https://tracker.example/p.png" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>What the meeting is for</w:t></w:r>',
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    (
                        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        b'relationships/image" Target="file:///C:/Users/officer/logo.png" TargetMode="External"/>'
                        b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        b'relationships/hyperlink" Target="https://www.westmere.example/" TargetMode="External"/>'
                        b"</Relationships>"
                    ),
                )
            target.writestr(member, content)
    folder = folder_with(tmp_path, docx=out.getvalue())
    text = messages(check_template(folder, "docx", "invitation.docx", "invitation"))
    assert "something is linked from outside the document (file:///C:/Users/officer/logo.png)" in text
    assert "the INCLUDEPICTURE field brings in another file" in text
    assert "westmere.example" not in text, "a hyperlink for the reader is fine"


def test_files_in_the_wrong_place_or_misnamed_are_reported(tmp_path):
    folder = folder_with(tmp_path, docx=builtin_docx())
    (folder / "docx" / "invitaton.docx").write_bytes(builtin_docx())
    (folder / "invitation.html").write_text(builtin_html(), encoding="utf-8")
    (folder / "docx" / "~$vitation.docx").write_bytes(b"Word's lock file")
    found, problems = templates_in(folder)
    assert found == [("docx", "invitation.docx")]
    text = messages(problems)
    assert (
        "docx/invitaton.docx is not a document cin-docs makes, so it is never used. Did you mean "
        "docx/invitation.docx?" in text
    )
    assert "invitation.html is not used where it is: put it in the html folder (html/invitation.html)." in text
    assert "~$" not in text


def test_a_misnamed_pdf_template_is_reported_but_an_included_page_is_not(tmp_path):
    folder = folder_with(
        tmp_path, html=builtin_html().replace("{% block content %}", "{% block content %}{% include '_banner.html' %}")
    )
    (folder / "html" / "_banner.html").write_text("<p>Westmere</p>", encoding="utf-8")
    (folder / "html" / "review_record.html").write_text(builtin_html("review-record.html"), encoding="utf-8")
    checked, problems = check_folder(folder)
    assert [p.file for p in problems] == ["html/review_record.html"]
    assert problems[0].message.startswith(
        "html/review_record.html is not a page cin-docs makes and no template uses "
        "it, so it is never used. Did you mean html/review-record.html?"
    )


def test_the_cli_check_reports_each_template_and_fails(tmp_path):
    folder = folder_with(
        tmp_path,
        docx=with_document_xml(builtin_docx(), "{{ meeting.purpose }}", "{{ meeting.purpose|upperr }}"),
        html=builtin_html(),
    )
    result = CliRunner().invoke(cli, ["templates", "check", str(folder)])
    assert result.exit_code == 1
    assert "Problem  docx/invitation.docx: 1 to correct" in result.output
    assert "OK       html/invitation.html" in result.output
    assert "Did you mean |upper?" in result.output
    assert "1 problem found" in result.output


def test_the_worked_example_passes_the_check():
    checked, problems = check_folder(WESTMERE)
    assert problems == []
    assert set(checked) == {"docx/invitation.docx", "html/invitation.html", "html/print.css"}
    # It is LibreOffice's own Word file, not one our builder made.
    with zipfile.ZipFile(WESTMERE / "docx" / "invitation.docx") as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode("utf-8")


def test_a_sample_that_fails_when_filled_in_is_reported(tmp_path):
    # The placeholder exists, but a filter cannot take its value: only filling the template in shows it.
    html = builtin_html().replace("{{ meeting.purpose }}", "{{ meeting.purpose|longdate }}")
    problems = check_template(
        folder_with(tmp_path, html=html), "html", "invitation.html", "invitation", try_samples=True
    )
    assert len(problems) == 1, "one problem, with the samples it happened with"
    assert problems[0].message.startswith("In html/invitation.html, when filled in with the samples ")
    assert (
        "failed while being filled in (ValueError): a filter was probably given a value it cannot use"
        in problems[0].message
    )
    assert "cin-docs templates check" not in problems[0].message, "no advice to run the check inside the check"


# ---- export ------------------------------------------------------------------------------------------------------


def test_export_writes_the_built_ins_and_a_readme_of_every_placeholder(tmp_path):
    out = tmp_path / "export"
    result = CliRunner().invoke(cli, ["templates", "export", "invitation", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "docx" / "invitation.docx").read_bytes() == builtin_docx()
    assert (out / "html" / "invitation.html").read_text(encoding="utf-8") == builtin_html()
    assert not (out / "docx" / "plan.docx").exists()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert (
        "| `{{ child.known_as }}` | The name the child is known by (their preferred name, else their first "
        "name). | text |"
    ) in readme
    # A case-file variable's meaning comes from the case model's description.
    assert (
        "| `{{ child.disabled }}` | s17(10)(c): the child is disabled (case file: child.disabled) | yes/no |" in readme
    )
    assert "`{{ meeting.invitees[].name }}`" in readme and "`|longdate`: Monday 16 November 2026." in readme
    again = CliRunner().invoke(cli, ["templates", "export", "invitation", "-o", str(out)])
    assert again.exit_code == 2 and "nothing was written" in again.output


def test_every_kind_has_a_readme_section_and_the_built_ins_pass_the_check(tmp_path):
    from cin_docs.documents import KINDS
    from cin_docs.render.export import readme

    text = readme(list(KINDS))
    for kind in KINDS:
        assert f"### {kind}:" in text
    for kind in KINDS.values():
        (tmp_path / "docx").mkdir(exist_ok=True)
        shutil.copy(resources.docx_templates_dir() / kind.docx_template, tmp_path / "docx")
        (tmp_path / "html").mkdir(exist_ok=True)
        shutil.copy(resources.html_templates_dir() / kind.html_template, tmp_path / "html")
    for part, name in [("docx", k.docx_template) for k in KINDS.values()] + [
        ("html", k.html_template) for k in KINDS.values()
    ]:
        assert check_template(tmp_path, part, name, name.rsplit(".", 1)[0]) == [], name


# ---- using a templates folder ------------------------------------------------------------------------------------


def render_mother(tmp_path: Path, folder: Path | None, kind: str = "invitation"):
    config = {"closures": [], "templates": folder}
    case = api.load(SAMPLE, config)
    options = Options(as_of=AS_OF, recipient=MOTHER if kind == "invitation" else None, allow_unsmart=True)
    return api.render(case, kind, options, out_dir=tmp_path / "out")


def test_an_override_is_used_in_both_formats(tmp_path):
    result = render_mother(tmp_path, WESTMERE)
    docx_path, pdf_path = sorted(result.paths)
    word, pdf = norm(docx_text(docx_path.read_bytes())), norm(pdf_text(pdf_path.read_bytes()))
    for text in (word, pdf):
        assert "Borough of Westmere" in text
        assert "With kind regards," in text and "Yours sincerely" not in text
        assert "On behalf of the Director of Children's Services, Borough of Westmere" in text
        assert "Dear Danielle," in text  # placeholders still filled in from the case
        assert "Tuesday 15 December 2026" in text
    with zipfile.ZipFile(docx_path) as archive:
        assert any(n.startswith("word/media/") for n in archive.namelist()), "the crest is in the Word letter"


def test_the_pdf_shows_the_folders_own_logo(mother_letter):
    import pypdf

    from cin_docs.render.pdf import render_pdf

    with_folder = render_pdf("invitation.html", mother_letter, templates=WESTMERE)
    without = render_pdf("invitation.html", mother_letter)
    count = lambda pdf: sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)  # noqa: E731
    assert count(without) == 0 and count(with_folder) > 0, "the crest from html/westmere-logo.png is in the PDF"


def test_documents_without_an_override_use_the_built_ins(tmp_path, mother_letter):
    from cin_docs.render.docx import render_docx
    from cin_docs.render.jinja import render_html

    case = api.load(SAMPLE, {"closures": []})
    plan = api.build(case, "plan", Options(as_of=AS_OF, allow_unsmart=True)).outputs[0].context
    assert render_docx("plan.docx", plan, templates=WESTMERE) == render_docx("plan.docx", plan)
    assert render_html("plan.html", plan, WESTMERE) == render_html("plan.html", plan)
    # A folder with only a PDF template keeps the built-in Word letter.
    html_only = folder_with(tmp_path, html=builtin_html().replace("Yours sincerely,", "Best wishes,"))
    assert render_docx("invitation.docx", mother_letter, templates=html_only) == render_docx(
        "invitation.docx", mother_letter
    )
    assert "Best wishes," in render_html("invitation.html", mother_letter, html_only)


def test_a_shared_page_in_the_folder_changes_every_pdf(tmp_path, mother_letter):
    from cin_docs.render.jinja import render_html

    folder = folder_with(tmp_path, html=builtin_html())
    (folder / "html" / "base.html").write_text(
        builtin_html("base.html").replace("<main>", '<main><p class="banner">Westmere Children\'s Services</p>'),
        encoding="utf-8",
    )
    case = api.load(SAMPLE, {"closures": []})
    plan = api.build(case, "plan", Options(as_of=AS_OF, allow_unsmart=True)).outputs[0].context
    assert "Westmere Children's Services" in render_html("plan.html", plan, folder)
    assert "Westmere" not in render_html("plan.html", plan)
    # ...and is checked like the rest.
    (folder / "html" / "base.html").write_text(
        builtin_html("base.html").replace("{{ case_id }}", "{{ case_ID }}"), encoding="utf-8"
    )
    with pytest.raises(TemplateError, match=r"In html/base.html, on line \d+, the placeholder \{\{ case_ID \}\}"):
        refuse_if_broken(folder, "html", "plan.html", plan)


def test_a_broken_override_writes_nothing(tmp_path):
    folder = folder_with(
        tmp_path,
        docx=with_document_xml(
            builtin_docx(), "We want to know what {{ child.known_as }}", "We want to know what {{ child.knwn_as }}"
        ),
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["render", "invitation", str(SAMPLE), "--as-of", "2026-11-23", "--templates", str(folder), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert f"The templates folder {folder.resolve()} has 1 problem, so nothing was written" in result.output
    assert "Did you mean {{ child.known_as }}?" in result.output
    assert not out.exists()


def test_templates_in_the_configuration_file_are_relative_to_it(tmp_path):
    shutil.copytree(WESTMERE, tmp_path / "branding" / "westmere")
    config = tmp_path / "cin-docs.yaml"
    config.write_text("templates: branding/westmere\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(config),
            "render",
            "invitation",
            str(SAMPLE),
            "--as-of",
            "2026-11-23",
            "--recipient",
            MOTHER,
            "--format",
            "docx",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    (written,) = out.iterdir()
    assert "With kind regards," in docx_text(written.read_bytes())
    config.write_text("templates: no-such-folder\n", encoding="utf-8")
    missing = CliRunner().invoke(cli, ["--config", str(config), "render", "invitation", str(SAMPLE)])
    assert missing.exit_code == 2 and "does not exist or is not a folder" in missing.output


# ---- the same limits as the built-in templates -------------------------------------------------------------------


def test_an_override_is_sandboxed(tmp_path, mother_letter):
    from cin_docs.render.jinja import render_html

    html = builtin_html().replace("{{ meeting.purpose }}", "{{ meeting.purpose.__class__.__mro__ }}")
    folder = folder_with(tmp_path, html=html)
    with pytest.raises(TemplateError, match="tried something templates are not allowed to do"):
        render_html("invitation.html", mother_letter, folder)


def test_an_override_cannot_include_files_outside_its_folder(tmp_path, mother_letter):
    from cin_docs.render.jinja import render_html

    secret = tmp_path / "secret.html"
    secret.write_text("SECRET", encoding="utf-8")
    folder = folder_with(
        tmp_path,
        html=builtin_html().replace("{% block content %}", "{% block content %}{% include '../secret.html' %}"),
    )
    with pytest.raises(TemplateError, match="needs the template"):
        render_html("invitation.html", mother_letter, folder)
    (folder / "html" / "linked.html").symlink_to(secret)
    (folder / "html" / "invitation.html").write_text(
        builtin_html().replace("{% block content %}", "{% block content %}{% include 'linked.html' %}"),
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match="is a link to a file outside that folder"):
        render_html("invitation.html", mother_letter, folder)
    # ...but may extend and include the built-in templates (invitation.html extends base.html).
    assert "Danielle Hartwell" in render_html("invitation.html", mother_letter, WESTMERE)


def test_the_fetcher_serves_the_folders_assets_and_nothing_else(tmp_path):
    from cin_docs.render.fetcher import AssetFetcher, AssetRefused

    folder = folder_with(tmp_path, html=builtin_html())
    (folder / "html" / "logo.png").write_bytes(b"\x89PNG folder logo")
    (folder / "html" / "print.css").write_text(".letterhead { color: green; }", encoding="utf-8")
    (tmp_path / "private.png").write_bytes(b"\x89PNG private")
    (folder / "html" / "escape.png").symlink_to(tmp_path / "private.png")
    (folder / "docx").mkdir()
    (folder / "docx" / "note.png").write_bytes(b"\x89PNG not in html")
    fetcher = AssetFetcher(templates=folder)
    base = resources.html_templates_dir().resolve()

    def fetched(url):
        return fetcher.fetch(url).read()

    assert fetched((base / "logo.png").as_uri()) == b"\x89PNG folder logo"
    css = fetched((base / "print.css").as_uri())
    assert css.startswith((base / "print.css").read_bytes()) and css.endswith(b".letterhead { color: green; }")
    for url in (
        (base / "escape.png").as_uri(),
        (folder / "html" / "logo.png").as_uri(),
        (tmp_path / "private.png").as_uri(),
        (base / ".." / ".." / "private.png").as_uri(),
        (base / "note.png").as_uri(),
        "https://example.org/logo.png",
    ):
        with pytest.raises(AssetRefused):
            fetcher.fetch(url)
    assert AssetFetcher()._allowed_path((base / "logo.png").as_uri()) is None, "without the folder, no logo.png"


def test_the_check_refuses_addresses_outside_the_folder(tmp_path):
    html = builtin_html().replace(
        '<section class="letterhead"',
        '<img src="https://example.org/logo.png" alt="x"><img src="crest.png" alt="y">'
        '<a href="https://www.westmere.example/">our website</a>'
        '<section class="letterhead"',
    )
    folder = folder_with(tmp_path, html=html)
    (folder / "html" / "print.css").write_text("@font-face { src: url(/usr/share/fonts/x.ttf) }", encoding="utf-8")
    checked, problems = check_folder(folder)
    text = messages(problems)
    assert "the address https://example.org/logo.png is outside the templates folder" in text
    assert "the file crest.png is not in the html folder" in text
    assert "In html/print.css, the address /usr/share/fonts/x.ttf is outside the templates folder" in text
    assert "westmere.example" not in text, "a link for the reader is not fetched, so it is fine"


def test_rendering_checks_the_override_before_use(tmp_path, mother_letter):
    html = builtin_html().replace("{{ meeting.date|longdate }}", "{{ meeting.date|longdat }}")
    folder = folder_with(tmp_path, html=html)
    with pytest.raises(TemplateError, match=r"has 1 problem, so nothing was written:\n  - In html/invitation.html"):
        refuse_if_broken(folder, "html", "invitation.html", mother_letter)


def test_packs_use_the_folders_templates_too(tmp_path):
    # The transfer pack renders its letter through the same lookup: Word and PDF in the zip and the merged PDF.
    folder = tmp_path / "my-templates"
    (folder / "docx").mkdir(parents=True)
    (folder / "docx" / "transfer-letter.docx").write_bytes(
        with_document_xml(builtin_docx("transfer-letter.docx"), "Yours sincerely", "Yours, with Westmere's thanks")
    )
    (folder / "html").mkdir()
    (folder / "html" / "transfer-letter.html").write_text(
        builtin_html("transfer-letter.html").replace("Yours sincerely", "Yours, with Westmere's thanks"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "pack",
            "transfer",
            str(ROOT / "samples" / "transfer-out.yaml"),
            "--as-of",
            "2026-11-23",
            "--templates",
            str(folder),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    (zip_path,) = out.glob("*.zip")
    with zipfile.ZipFile(zip_path) as archive:
        (letter,) = [n for n in archive.namelist() if n.endswith("transfer-letter.docx")]
        assert "Yours, with Westmere's thanks" in docx_text(archive.read(letter))
        assert "Yours sincerely" not in docx_text(archive.read(letter))
    (merged,) = out.glob("*.pdf")
    assert "Yours, with Westmere's thanks" in norm(pdf_text(merged.read_bytes()))


def test_a_template_that_fails_for_other_cases_is_refused_for_this_one_too(tmp_path, mother_letter):
    from cin_docs.render.jinja import render_html

    # Fine for the mother's letter, broken for every child's letter: the samples show it before anything is used.
    html = builtin_html().replace(
        "{{ meeting.purpose }}",
        "{% if recipient.is_child %}{{ meeting.purpose|longdate }}{% endif %}{{ meeting.purpose }}",
    )
    folder = folder_with(tmp_path, html=html)
    assert "Danielle Hartwell" in render_html("invitation.html", mother_letter, folder)
    with pytest.raises(TemplateError, match=r"In html/invitation.html, when filled in with the samples? .*ValueError"):
        refuse_if_broken(folder, "html", "invitation.html", mother_letter)

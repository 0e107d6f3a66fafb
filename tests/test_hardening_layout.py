"""Long unbroken text (links, references) wraps inside the page in PDFs: nothing a family needs is cut off (M3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from cin_docs import api
from cin_docs.documents import Options
from textutil import pdf_text

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "hillingdon-mid-plan.yaml"
AS_OF = dt.date(2026, 11, 23)
# A real-length Teams meeting link (243 characters, no spaces), as pasted from an Outlook invitation.
TEAMS = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ2ZjYxYjctYzM0Ny00ZDQ5LWI5YjItZjVhMjE3ZTQ1ZDcz"
    "%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22a1b2c3d4"
    "-e5f6-7a8b-9c0d-e1f2a3b4c5d6%22%7d"
)
LONG_WORD = "Ref" + "0123456789" * 30  # 303 characters without a break, in a free-text field of a table


def _boxes(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


def overflowing_text(template: str, context: dict) -> list[str]:
    """Text boxes that end past the right edge of the page's content area, from WeasyPrint's own layout."""
    from cin_docs import resources
    from cin_docs.render.fetcher import AssetFetcher, weasyprint
    from cin_docs.render.jinja import render_html
    from cin_docs.render.pdf import library_logs_to_debug, long_words_may_break

    html = long_words_may_break(render_html(template, context))  # as render_pdf does
    base = resources.html_templates_dir().resolve().as_uri() + "/"
    with library_logs_to_debug():
        document = weasyprint.HTML(string=html, base_url=base, url_fetcher=AssetFetcher()).render()
    out = []
    for page in document.pages:
        root = page._page_box
        right = root.width + root.margin_left  # the page's width, from its left edge
        for box in _boxes(root):
            if type(box).__name__ == "TextBox" and box.position_x + box.width > right + 0.5:
                out.append(box.text)
    return out


def test_a_real_length_teams_link_wraps_inside_the_page_and_every_character_is_in_the_pdf(tmp_path):
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    meeting = next(m for m in data["meetings"] if str(m["date"]) == "2026-12-15")
    meeting["remote"]["details"] = f"Join: {TEAMS}"
    meeting["venue"] = "Room 2, " + LONG_WORD
    data["plan"]["why_in_need"] = LONG_WORD
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    case = api.load(path, {"closures": []})
    built = api.build(case, "invitation", Options(as_of=AS_OF, meeting="2026-12-15", recipient="Danielle Hartwell"))
    context = built.outputs[0].context
    assert overflowing_text("invitation.html", context) == []
    text = "".join(pdf_text(api.render_bytes("invitation", context, "pdf")).split())
    assert TEAMS in text and LONG_WORD in text
    plan = api.build(case, "plan", Options(as_of=AS_OF, allow_unsmart=True)).outputs[0].context
    assert overflowing_text("plan.html", plan) == []


def test_only_long_runs_are_marked_and_never_inside_attributes_titles_or_text_areas():
    from cin_docs.render.pdf import long_words_may_break

    long = "x" * 50
    html = (
        f'<title>{long}</title><img src="file:///{long}.png"><p>Achieved {long} ok</p>'
        f"<textarea>{long}</textarea><td>{'y' * 49}</td>"
    )
    assert long_words_may_break(html) == (
        f'<title>{long}</title><img src="file:///{long}.png"><p>Achieved <span class="unbroken">{long}</span> ok</p>'
        f"<textarea>{long}</textarea><td>{'y' * 49}</td>"
    )


def test_the_pdf_title_carries_the_document_and_case_id_not_the_childs_name():
    import io

    import pypdf

    case = api.load(SAMPLE, {"closures": []})
    context = api.build(case, "plan", Options(as_of=AS_OF, allow_unsmart=True)).outputs[0].context
    data = api.render_bytes("plan", context, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Child in Need Plan – case HIL-2026-0143"
    assert b"Amelia" not in reader.xmp_metadata.stream.get_data() if reader.xmp_metadata else True
    assert "Amelia" not in str(reader.metadata)

"""The web app (`cin-docs serve`) through Flask's test client: every page, form and refusal."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader
from webutil import forms, post_form

from cin_docs import api
from cin_docs.web import CSP, create_app
from cin_docs.web.forms import sections

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
AS_OF = dt.date(2026, 11, 23)
MID = "HIL-2026-0143"


@pytest.fixture
def folder(tmp_path):
    for p in SAMPLES.glob("*.yaml"):
        shutil.copy(p, tmp_path)
    return tmp_path


@pytest.fixture
def app(folder):
    return create_app(folder, as_of=AS_OF, token="the-token")


@pytest.fixture
def client(app):
    c = app.test_client()
    assert c.get("/?token=the-token").status_code == 302
    return c


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    body = html.split('id="main-content"', 1)[-1]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def summary_links(response) -> list[tuple[str, str]]:
    html = response.get_data(as_text=True)
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', block.group(1)) if block else []


def case_file(folder: Path, case_id: str) -> Path:
    return next(p for p in folder.glob("*.yaml") if re.search(rf"^case_id: {case_id}$", p.read_text(), re.M))


# -- the gate ---------------------------------------------------------------------------------------------------------
def test_without_the_token_or_cookie_every_page_is_refused(app):
    c = app.test_client()
    for path in ("/", f"/case/{MID}", f"/case/{MID}/edit", "/new", "/static/app.css"):
        r = c.get(path)
        assert r.status_code == 403, path
        assert "Millie" not in r.get_data(as_text=True)
        r.close()
    assert c.get("/?token=wrong").status_code == 403
    assert c.post("/new", data={"case_id": "X"}).status_code == 403


def test_the_token_sets_an_httponly_strict_cookie_and_drops_itself_from_the_address(app):
    c = app.test_client()
    r = c.get(f"/case/{MID}?token=the-token")
    assert r.status_code == 302 and r.headers["Location"] == f"/case/{MID}"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "the-token" not in cookie
    assert c.get(f"/case/{MID}").status_code == 200


def test_every_page_has_no_store_and_the_strict_csp(client):
    for path in (
        "/",
        f"/case/{MID}",
        f"/case/{MID}/edit",
        f"/case/{MID}/edit/child",
        "/new",
        "/nowhere",
        "/static/app.css",
    ):
        r = client.get(path)
        assert r.headers["Cache-Control"] == "no-store", path
        assert r.headers["Content-Security-Policy"] == CSP
        assert "default-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert r.headers["X-Frame-Options"] == "DENY"
        r.close()


def test_pages_have_no_inline_script_or_style_and_nothing_from_outside(client):
    for path in ("/", f"/case/{MID}", f"/case/{MID}/edit", f"/case/{MID}/edit/meetings", "/new"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r'(src|href)="(https?:)?//', html), path


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client, folder):
    path = case_file(folder, MID)
    before = path.read_bytes()
    html = client.get(f"/case/{MID}/edit/child").get_data(as_text=True)
    r = post_form(client, html, changes={"csrf_token": "forged", "child.first_name": "Changed"})
    assert r.status_code == 403 and "expired" in text_of(r)
    assert path.read_bytes() == before
    r = client.post(f"/case/{MID}/paperwork", data={"kind": "invitation", "format": "pdf"})
    assert r.status_code == 403


def test_cases_are_addressed_by_case_id_never_by_path(client):
    for path in (
        "/case/..%2F..%2Fetc%2Fpasswd",
        "/case/../../etc/passwd",
        "/case/hillingdon-mid-plan.yaml",
        "/case/NOPE-1",
        "/case/%2Fetc%2Fpasswd/edit",
        f"/case/{MID}/edit/..%2F..",
        "/download/x/0",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "root:" not in r.get_data(as_text=True)


# -- caseload ---------------------------------------------------------------------------------------------------------
def test_caseload_lists_every_case_with_the_library_s_figures(client, folder):
    r = client.get("/")
    page = text_of(r)
    assert "9 case files in this folder" in page
    mid = api.load(case_file(folder, MID))
    deadlines = api.due_dates(mid, AS_OF)
    overdue = sum(d.status == "overdue" for d in deadlines if not d.history)
    nxt = min((d for d in deadlines if d.status == "open" and not d.history), key=lambda d: d.due)
    row = re.search(rf"{MID}.*?</tr>", r.get_data(as_text=True), re.S).group(0)
    row_text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    assert "Millie" in row_text and "Priya Raman" in row_text and "9 weeks" in row_text
    assert nxt.label in row_text and f" {overdue} " in row_text
    assert "Amelia" not in page  # known-as name only


def test_caseload_filters_by_worker_and_status(client):
    page = text_of(client.get("/?worker=Priya+Raman"))
    assert MID in page and "HCC-2026-0452" not in page
    closed = text_of(client.get("/?status=closed"))
    assert "HIL-2026-0017" in closed and MID not in closed
    overdue = text_of(client.get("/?status=overdue"))
    assert MID in overdue and "HIL-2026-0017" not in overdue


def test_caseload_follows_file_changes_and_shows_broken_files(client, folder):
    path = case_file(folder, MID)
    good = path.read_text()
    assert "Millie" in text_of(client.get("/"))
    path.write_text(good.replace("date_of_birth: 2017-05-14", "date_of_birth: 2017-02-31"))
    row = re.search(rf"{MID}.*?</tr>", client.get("/").get_data(as_text=True), re.S).group(0)
    assert "File has problems" in row and "Millie" not in row
    path.write_text(good)
    assert "Millie" in text_of(client.get("/"))
    (folder / "broken.yaml").write_text("case_id: BRK-1\npolicy: hillingdon\nchild: {first_name: A}\n")
    page = text_of(client.get("/"))
    assert "BRK-1" in page and "File has problems" in page


# -- case page and paperwork ---------------------------------------------------------------------------------------
def test_case_page_shows_deadlines_history_and_the_smart_check(client, folder):
    from cin_docs import smart
    from cin_docs.web.views import deadline_text

    case = api.load(case_file(folder, MID))
    deadlines = api.due_dates(case, AS_OF)
    page = text_of(client.get(f"/case/{MID}"))
    for d in deadlines:
        assert d.label in page
        assert re.sub(r"\s+", " ", deadline_text(d)) in page
    history = [d for d in deadlines if d.history]
    if history:
        assert "History" in page
        assert page.index("History") < page.index(history[0].label, page.index("History"))
    findings = smart.check_plan(case.data, case.profile, deadlines)
    assert smart.summary(findings) in page if findings else "the plan is SMART" in page


def test_make_an_invitation_pdf_and_download_it(client):
    html = client.get(f"/case/{MID}").get_data(as_text=True)
    r = post_form(client, html, changes={"kind": "invitation", "format": "pdf", "recipient": "Danielle Hartwell"})
    assert r.status_code == 200
    links = re.findall(r'href="(/download/[^"]+)"', r.get_data(as_text=True))
    assert len(links) == 1
    pdf = client.get(links[0])
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"] and MID in pdf.headers["Content-Disposition"]
    assert pdf.headers["Cache-Control"] == "no-store"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Danielle" in text and "15 December 2026" in text


def test_several_files_come_as_one_zip(client):
    html = client.get(f"/case/{MID}").get_data(as_text=True)
    r = post_form(client, html, changes={"kind": "invitation", "format": "both"})
    links = re.findall(r'href="(/download/[^"]+)"', r.get_data(as_text=True))
    assert links[-1].endswith("all.zip") and len(links) > 3
    z = zipfile.ZipFile(io.BytesIO(client.get(links[-1]).data))
    names = z.namelist()
    assert len(names) == len(links) - 1
    assert {n.rsplit(".", 1)[1] for n in names} == {"pdf", "docx"}
    assert all(n.startswith(MID + "_invitation_") for n in names)


def test_paperwork_problems_are_shown_not_a_traceback(client):
    html = client.get("/case/HIL-2026-0088").get_data(as_text=True)
    r = post_form(client, html, changes={"kind": "panel-summary", "format": "pdf"})
    assert r.status_code == 400
    assert summary_links(r)
    r = post_form(client, html, changes={"kind": "no-such-kind"})
    assert r.status_code == 400 and "Choose which document" in text_of(r)


def test_paperwork_warnings_are_shown(client, folder):
    from cin_docs.documents import Options

    html = client.get("/case/HIL-2026-0017").get_data(as_text=True)
    r = post_form(client, html, changes={"kind": "review-record", "format": "pdf"})
    assert r.status_code == 200
    built = api.build(api.load(case_file(folder, "HIL-2026-0017")), "review-record", Options(as_of=AS_OF))
    assert built.warnings
    for w in built.warnings:
        assert re.sub(r"\s+", " ", w) in text_of(r)


# -- editor -----------------------------------------------------------------------------------------------------------
def test_task_list_has_a_page_per_section(client):
    html = client.get(f"/case/{MID}/edit").get_data(as_text=True)
    for key, title, _ in sections():
        assert f"/case/{MID}/edit/{key}" in html and title in html


def test_saving_every_section_unchanged_leaves_the_file_byte_for_byte(client, folder):
    # The three samples with the most of the model in them (flow lists, block text, nulls, comments).
    for path in [
        folder / "hillingdon-mid-plan.yaml",
        folder / "hertfordshire-escalation.yaml",
        folder / "transfer-out.yaml",
    ]:
        case_id = re.search(r"^case_id: (\S+)", path.read_text(), re.M).group(1)
        before = path.read_bytes()
        for key, _, _ in sections():
            html = client.get(f"/case/{case_id}/edit/{key}").get_data(as_text=True)
            r = post_form(client, html)
            assert r.status_code == 302, (path.name, key, summary_links(r))
            assert path.read_bytes() == before, (path.name, key)


def test_an_edit_keeps_comments_and_key_order_and_the_previous_version(client, folder):
    path = case_file(folder, MID)
    before = path.read_text()
    html = client.get(f"/case/{MID}/edit/child").get_data(as_text=True)
    r = post_form(client, html, changes={"child.school": "Brackenfold Academy"})
    assert r.status_code == 302
    after = path.read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and "school: Brackenfold Academy" in changed[0][1]
    assert len(before.splitlines()) == len(after.splitlines())
    assert after.startswith("# Sample case")
    kept = list((folder / ".cin-docs" / "history").iterdir())
    assert len(kept) == 1 and kept[0].read_text() == before and kept[0].name.startswith(MID + "_")
    assert kept[0].stat().st_mode & 0o077 == 0 and path.stat().st_mode & 0o077 == 0
    assert api.load(path).data["child"]["school"] == "Brackenfold Academy"


def test_validation_errors_link_to_each_field_with_validate_s_messages(client, folder):
    from cin_docs.errors import CaseValidationError

    path = case_file(folder, MID)
    before = path.read_bytes()
    html = client.get(f"/case/{MID}/edit/child").get_data(as_text=True)
    r = post_form(
        client,
        html,
        changes={"child.date_of_birth-day": "31", "child.date_of_birth-month": "2", "child.first_name": ""},
    )
    assert r.status_code == 400 and path.read_bytes() == before
    links = summary_links(r)
    page = r.get_data(as_text=True)
    for href, _ in links:
        assert f'id="{href[1:]}"' in page  # each link lands on its field
    bad = path.read_text().replace("date_of_birth: 2017-05-14", "date_of_birth: 2017-02-31")
    bad = re.sub(r"(child:\n)  first_name: Amelia\n", r"\1", bad)
    (folder / "check.yaml").write_text(bad)
    with pytest.raises(CaseValidationError) as exc:
        api.load(folder / "check.yaml")
    expected = sorted(m for _, m in exc.value.errors)
    assert sorted(text.split(": ", 1)[1] for _, text in links) == expected
    assert {href for href, _ in links} == {"#f-child-date_of_birth-day", "#f-child-first_name"}


def test_add_and_remove_buttons_work_without_javascript(client, folder):
    path = case_file(folder, MID)
    html = client.get(f"/case/{MID}/edit/family").get_data(as_text=True)
    count = len(api.load(path).data["network"])
    r = post_form(client, html, action="add:network")
    assert r.status_code == 200 and "Not saved yet" in text_of(r)
    page = r.get_data(as_text=True)
    assert f'name="network.{count}.name"' in page
    r = post_form(
        client, page, changes={f"network.{count}.name": "Kim Lee", f"network.{count}.relationship": "Family friend"}
    )
    assert r.status_code == 302
    assert api.load(path).data["network"][-1]["name"] == "Kim Lee"
    html = client.get(f"/case/{MID}/edit/family").get_data(as_text=True)
    r = post_form(client, html, action=f"remove:network.{count}")
    r = post_form(client, r.get_data(as_text=True))
    assert r.status_code == 302 and len(api.load(path).data["network"]) == count


def test_a_save_that_would_break_another_section_is_refused(client, folder):
    path = case_file(folder, MID)
    before = path.read_bytes()
    html = client.get(f"/case/{MID}/edit/family").get_data(as_text=True)
    r = post_form(client, html, action="remove:family.0")
    r = post_form(client, r.get_data(as_text=True))
    assert r.status_code == 400 and path.read_bytes() == before
    assert any(
        "/edit/meetings#" in href and "Not a person in this case file" in text for href, text in summary_links(r)
    )


def test_a_stale_save_is_refused_and_shows_both_versions(client, folder):
    path = case_file(folder, MID)
    html = client.get(f"/case/{MID}/edit/child").get_data(as_text=True)
    path.write_text(path.read_text().replace("preferred_name: Millie", "preferred_name: Mils"))
    theirs = path.read_bytes()
    r = post_form(client, html, changes={"child.school": "Somewhere Else"})
    assert r.status_code == 409 and path.read_bytes() == theirs
    page = text_of(r)
    assert "changed while you were editing" in page
    assert "Somewhere Else" in page and "preferred_name: Mils" in page


def test_new_case_from_blank_then_a_sample(client, folder):
    html = client.get("/new").get_data(as_text=True)
    r = post_form(
        client,
        html,
        index=0,
        changes={"case_id": "NEW-0001", "policy": "hertfordshire", "first_name": "Sam", "last_name": "O'Neil: Jr"},
    )
    assert r.status_code == 302
    case = api.load(folder / "NEW-0001.yaml")
    assert case.data["child"]["last_name"] == "O'Neil: Jr" and case.profile["name"] == "hertfordshire"
    r = post_form(
        client,
        html,
        index=0,
        changes={"case_id": "NEW-0001", "policy": "hillingdon", "first_name": "A", "last_name": "B"},
    )
    assert r.status_code == 400 and "already a case NEW-0001" in text_of(r)
    r = post_form(
        client, html, index=0, changes={"case_id": "../evil", "start": "sample", "sample": "hillingdon-mid-plan"}
    )
    assert r.status_code == 400 and not list(folder.parent.glob("evil*"))
    r = post_form(
        client, html, index=0, changes={"case_id": "PRACTICE-1", "start": "sample", "sample": "hillingdon-mid-plan"}
    )
    assert r.status_code == 302
    r = post_form(client, html, index=0, changes={"case_id": "PRACTICE-2", "start": "sample", "sample": "../../x"})
    assert r.status_code == 400 and "Choose a blank case or one of the samples" in text_of(r)
    copy = api.load(folder / "PRACTICE-1.yaml")
    assert copy.case_id == "PRACTICE-1" and copy.data["child"]["preferred_name"] == "Millie"


def test_bringing_in_a_case_file_checks_type_size_and_id(client, folder):
    token = forms(client.get("/new").get_data(as_text=True))[1]["fields"][0][1]

    def upload(name, data):
        return client.post(
            "/import",
            data={"csrf_token": token, "case_file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    r = upload("case.exe", b"case_id: X\n")
    assert r.status_code == 400 and ".yaml, .yml or .json" in text_of(r)
    big = (
        b'--x\r\nContent-Disposition: form-data; name="case_file"; filename="big.yaml"\r\n\r\n'
        + b"#" * (3 * 1024 * 1024)
        + b"\r\n--x--\r\n"
    )
    r = client.post("/import", data=big, content_type="multipart/form-data; boundary=x")
    assert r.status_code == 413 and "too large" in text_of(r)
    assert not list(folder.glob("big*"))
    r = upload("x.yaml", b"case_id: ../../x\n")
    assert r.status_code == 400 and "no valid case_id" in text_of(r)
    text = (SAMPLES / "transfer-out.yaml").read_text().replace("case_id: ", "case_id: IMP-", 1)
    r = upload("../../whatever.yaml", text.encode())
    assert r.status_code == 302
    imported = list(folder.glob("IMP-*.yaml"))
    assert len(imported) == 1 and api.load(imported[0]).case_id.startswith("IMP-")


def test_the_authority_name_comes_from_the_configuration_and_there_is_no_crown(folder):
    app = create_app(
        folder, config={"closures": [], "authority": {"name": "Royal Borough of Example"}}, as_of=AS_OF, token="t"
    )
    c = app.test_client()
    c.get("/?token=t")
    html = c.get("/").get_data(as_text=True)
    assert "Royal Borough of Example" in html.split("</header>")[0]
    assert "GOV.UK" not in html and "crown" not in html.lower()
    css = c.get("/static/govuk/govuk-frontend.min.css")
    assert "GDS Transport" not in css.get_data(as_text=True) and "/assets/" not in css.get_data(as_text=True)
    css.close()


def test_a_case_id_already_in_the_folder_cannot_be_taken(client, folder):
    path = case_file(folder, MID)
    before = path.read_bytes()
    html = client.get(f"/case/{MID}/edit/case").get_data(as_text=True)
    r = post_form(client, html, changes={"case_id": "HIL-2026-0017"})
    assert r.status_code == 400 and path.read_bytes() == before
    assert any(
        href == "#f-case_id" and "already has the case ID HIL-2026-0017" in text for href, text in summary_links(r)
    )
    r = post_form(client, html, changes={"case_id": "HIL-2026-9999"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/case/HIL-2026-9999/edit")
    assert client.get("/case/HIL-2026-9999").status_code == 200


def test_long_lists_fold_each_item_under_its_date_and_open_the_ones_with_problems(client, folder):
    html = client.get(f"/case/{MID}/edit/meetings").get_data(as_text=True)
    assert "Meeting 1: Initial, 15 September 2026" in html
    assert html.count('<details class="govuk-details cin-item-details">') >= 4  # folded
    path = case_file(folder, MID)
    path.write_text(path.read_text().replace("    invitees: [Danielle Hartwell,", "    invitees: [Nobody Known,", 1))
    html = client.get(f"/case/{MID}/edit/meetings").get_data(as_text=True)
    marker = '<span class="govuk-details__summary-text">Meeting 1: Initial'
    first = html.split(marker)[0].rsplit("<details", 1)[1]
    assert " open" in first
    second = html.split('<span class="govuk-details__summary-text">Meeting 2:')[0].rsplit("<details", 1)[1]
    assert " open" not in second


def test_a_file_with_an_impossible_date_opens_in_the_editor_with_validate_s_message(client, folder):
    path = case_file(folder, MID)
    path.write_text(path.read_text().replace("date_of_birth: 2017-05-14", "date_of_birth: 2017-02-31"))
    tasks = client.get(f"/case/{MID}/edit")
    assert tasks.status_code == 200 and "1 problem" in text_of(tasks)
    r = client.get(f"/case/{MID}/edit/child")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert (
        'id="f-child-date_of_birth-day" name="child.date_of_birth-day" type="text" inputmode="numeric" value="31"'
        in page
    )
    assert (
        "#f-child-date_of_birth-day",
        "Child › Date of birth: Not a valid date: write it as YYYY-MM-DD, e.g. "
        "2026-11-16, and check the day exists in that month.",
    ) in [(h, unescape(t)) for h, t in summary_links(r)]
    r = post_form(client, page, changes={"child.date_of_birth-day": "28"})
    assert r.status_code == 302
    assert api.load(path).data["child"]["date_of_birth"] == dt.date(2017, 2, 28)


def test_a_json_case_file_is_edited_as_json(client, folder):
    import json

    from cin_docs.inputs import load_file

    data = load_file(SAMPLES / "transfer-out.yaml").data
    data["case_id"] = "JSON-1"
    (folder / "json-case.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    html = client.get("/case/JSON-1/edit/visits").get_data(as_text=True)
    r = post_form(client, html, action="add:visits")
    n = len(data["visits"])
    r = post_form(
        client,
        r.get_data(as_text=True),
        changes={f"visits.{n}.date-day": "20", f"visits.{n}.date-month": "11", f"visits.{n}.date-year": "2026"},
    )
    assert r.status_code == 302, summary_links(r)
    saved = json.loads((folder / "json-case.json").read_text())
    assert saved["visits"][-1] == {"date": "2026-11-20"}
    assert {k: v for k, v in saved.items() if k != "visits"} == {k: v for k, v in data.items() if k != "visits"}
    assert api.load(folder / "json-case.json").data["visits"][-1]["date"] == dt.date(2026, 11, 20)


def test_every_status_the_engine_gives_has_a_tag():
    from cin_docs.web.views import STATUS_TAGS

    seen = set()
    for path in SAMPLES.glob("*.yaml"):
        seen |= {d.status for d in api.due_dates(api.load(path), AS_OF)}
    assert seen <= set(STATUS_TAGS)
    assert {"met", "late", "overdue", "open", "info"} <= seen


def test_a_section_page_lists_problems_elsewhere_with_links_to_their_pages(client, folder):
    path = case_file(folder, MID)
    path.write_text(path.read_text().replace("date_of_birth: 2017-05-14", "date_of_birth: 2017-02-31"))
    r = client.get(f"/case/{MID}/edit/visits")
    page = r.get_data(as_text=True)
    assert "Problems in other parts of the case file (1)" in page
    assert f'href="/case/{MID}/edit/child#f-child-date_of_birth"' in page
    assert not summary_links(r)  # this page's own summary is empty


def _pdf_bytes(text: str) -> bytes:
    from cin_docs.render.fetcher import weasyprint  # imported with its import-time warning filtered

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


def test_transfer_pack_with_an_attachment_and_a_password(client, folder):
    assert "/transfer-pack" not in client.get("/case/HIL-2026-0211").get_data(as_text=True)  # moving in
    html = client.get("/case/HIL-2026-0109").get_data(as_text=True)
    form = [f for f in forms(html) if f["action"].endswith("/transfer-pack")][0]
    token = dict(form["fields"])["csrf_token"]
    r = client.post(
        form["action"],
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "password": "correct horse",
            "attachments": [(io.BytesIO(_pdf_bytes("Social work assessment")), "../../assessment.pdf")],
        },
    )
    assert r.status_code == 200, text_of(r)[:500]
    links = re.findall(r'href="(/download/[^"]+)"', r.get_data(as_text=True))
    pdf = client.get(links[0]).data
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted and reader.decrypt("correct horse")
    z = zipfile.ZipFile(io.BytesIO(client.get(links[1]).data))
    assert "attachments/assessment.pdf" in z.namelist()
    r = client.post(
        form["action"],
        content_type="multipart/form-data",
        data={"csrf_token": token, "attachments": [(io.BytesIO(b"MZ"), "tool.exe")]},
    )
    assert r.status_code == 400 and "PDF (.pdf) and Word (.docx) files only" in text_of(r)


def test_panel_pack_from_chosen_cases(client):
    html = client.get("/panel").get_data(as_text=True)
    assert 'value="HCC-2025-1187" checked' in html
    r = post_form(client, html)
    assert r.status_code == 400 and "Enter the date the panel sits" in text_of(r)
    r = post_form(
        client,
        html,
        changes={
            "cases": ["HCC-2025-1187"],
            "panel_date-day": "31",
            "panel_date-month": "12",
            "panel_date-year": "2026",
        },
    )
    assert r.status_code == 200, text_of(r)[:800]
    page = r.get_data(as_text=True)
    assert "panel-pack_2026-12-31.pdf" in page and "HCC-2025-1187_panel-summary.docx" in page
    r = post_form(
        client,
        html,
        changes={
            "cases": ["HCC-2025-1187", MID],
            "panel_date-day": "31",
            "panel_date-month": "12",
            "panel_date-year": "2026",
        },
    )
    assert r.status_code == 400 and "panel pack was not built" in text_of(r)


def test_caseload_timeline_counts_the_rows_deadlines_by_week(client, folder):
    html = client.get("/?worker=Priya+Raman").get_data(as_text=True)
    desc = re.search(r'<desc id="timeline-desc">(.*?)</desc>', html).group(1)
    mid = api.load(case_file(folder, MID))
    current = [d for d in api.due_dates(mid, AS_OF) if not d.history]
    overdue = sum(d.status == "overdue" for d in current)
    monday = AS_OF - dt.timedelta(days=AS_OF.weekday())
    weeks = [
        sum(
            d.status == "open" and monday + dt.timedelta(weeks=i) <= d.due < monday + dt.timedelta(weeks=i + 1)
            for d in current
        )
        for i in range(6)
    ]
    assert desc.startswith(f"Overdue: {overdue}. w/c 23 November: {weeks[0]}.")
    assert [int(n) for n in re.findall(r": (\d+)\.", desc)] == [overdue, *weeks]
    assert sum(weeks) >= 1


def test_a_mapping_field_is_edited_as_yaml_text(client, folder):
    path = case_file(folder, MID)
    html = client.get(f"/case/{MID}/edit/meetings").get_data(as_text=True)
    name = "meetings.4.bring_for"
    assert f'name="{name}"' in html
    r = post_form(client, html, changes={name: "Rachel Dunmore: [Attendance figures]\nGemma Lowry: [Health update]"})
    assert r.status_code == 302, summary_links(r)
    assert api.load(path).data["meetings"][4]["bring_for"] == {
        "Rachel Dunmore": ["Attendance figures"],
        "Gemma Lowry": ["Health update"],
    }
    html = client.get(f"/case/{MID}/edit/meetings").get_data(as_text=True)
    r = post_form(client, html, changes={name: "- just a list"})
    assert r.status_code == 400 and any("bring_for" in h for h, _ in summary_links(r))


def test_the_case_page_runs_the_disclosure_check_on_request(client, folder):
    # The same findings as 'cin-docs check --disclosure' (api.disclosure_report): a restrained father put back on
    # the transfer case's plan distribution is named with the path of what would reach him, never the content.
    path = case_file(folder, "HIL-2026-0109")
    text = path.read_text(encoding="utf-8")
    assert "distribution:" in text
    text = re.sub(r"(\n  distribution:\n)", r"\1  - Wayne Harker (father, by post)\n", text, count=1)
    path.write_text(text, encoding="utf-8")
    page = text_of(client.get("/case/HIL-2026-0109"))
    assert "Run the disclosure check" in page and "Withheld item" not in page  # on request only: it renders
    checked = text_of(client.get("/case/HIL-2026-0109?disclosure=1"))
    assert "Withheld item" in checked and "Wayne Harker" in checked
    assert "HIL-2026-0109_plan" in checked
    assert "27 Halyard" not in checked.split("Disclosure check", 1)[1].split("Make paperwork", 1)[0]
    clean = text_of(client.get(f"/case/{MID}?disclosure=1"))
    assert "Withheld item" not in clean.split("Make paperwork", 1)[0] and "OK HIL-2026-0143_plan" in clean


def test_text_kept_from_someone_is_edited_with_its_restriction_and_never_loses_it(client, folder):
    # A discussion point withheld from the restrained father is shown as YAML (text + withhold_from), not as a
    # plain line that would drop the restriction on saving; an edit to its words keeps withhold_from.
    path = case_file(folder, "HIL-2026-0109")
    html = client.get("/case/HIL-2026-0109/edit/meetings").get_data(as_text=True)
    assert "withhold_from: [Wayne Harker]" in unescape(html)
    field, value = next(
        (name, value)
        for name, value in forms(html)[-1]["fields"]
        if "withhold_from: [Wayne Harker]" in value and "14 November" in value
    )
    edited = value.replace("on Saturday 14 November", "on Saturday 14 November 2026")
    r = post_form(client, html, changes={field: edited})
    assert r.status_code == 302, summary_links(r)
    items = api.load(path).data["meetings"]
    withheld = [t for m in items for t in m.get("discussion", []) if "14 November 2026" in str(t)]
    assert withheld and list(withheld[0].withhold_from) == ["Wayne Harker"]

"""End to end in a real browser (Debian's chromium, Selenium 4): a keyboard-only journey from the caseload to a
downloaded invitation, and axe-core on every page it passes (no serious or critical violations)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest
from browser import Server, axe_violations, chrome, missing

REASON = missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from cin_docs.web import create_app

    folder = tmp_path_factory.mktemp("cases")
    for name in (
        "hillingdon-mid-plan.yaml",
        "hertfordshire-escalation.yaml",
        "hillingdon-closed.yaml",
        "transfer-out.yaml",
    ):
        shutil.copy(SAMPLES / name, folder)
    downloads = tmp_path_factory.mktemp("downloads")
    server = Server(create_app(folder, as_of=AS_OF))
    driver = chrome(downloads)
    yield {"folder": folder, "downloads": downloads, "server": server, "driver": driver}
    driver.quit()
    server.stop()


def keys(element, *typed):
    element.send_keys(*typed)


def press(driver, element):
    """Activate a link or button from the keyboard (Enter), as a keyboard user would; never a mouse click."""
    from selenium.webdriver.common.keys import Keys

    before = driver.current_url
    element.send_keys(Keys.ENTER)
    return before


def wait_for(driver, condition, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def page_changed(driver, old_body):
    from selenium.common.exceptions import StaleElementReferenceException

    def changed(_):
        try:
            old_body.tag_name  # noqa: B018 - raises once the page is replaced
            return False
        except StaleElementReferenceException:
            return True

    wait_for(driver, changed)


def go(driver, element):
    from selenium.webdriver.common.by import By

    body = driver.find_element(By.TAG_NAME, "body")
    press(driver, element)
    page_changed(driver, body)


def assert_accessible(driver, checked: list):
    violations = axe_violations(driver)
    assert violations == [], (driver.title, violations)
    checked.append(driver.title)


def test_keyboard_only_journey_from_caseload_to_a_downloaded_invitation(world):
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = world["driver"]
    checked: list[str] = []
    d.get(world["server"].start_url)
    assert d.title.startswith("Caseload")
    assert "HIL-2026-0143" in d.find_element(By.TAG_NAME, "main").text
    # The first Tab stop is the skip link.
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert d.switch_to.active_element.text == "Skip to main content"
    assert_accessible(d, checked)

    go(d, d.find_element(By.LINK_TEXT, "Start a new case"))
    assert_accessible(d, checked)
    keys(d.find_element(By.ID, "case-id"), "E2E-0001")
    keys(d.find_element(By.ID, "policy-hillingdon"), Keys.SPACE)
    keys(d.find_element(By.ID, "first-name"), "Robin")
    keys(d.find_element(By.ID, "last-name"), "Ashdown")
    go(d, d.find_element(By.XPATH, "//button[normalize-space()='Create the case']"))
    assert "Edit the case file" in d.find_element(By.TAG_NAME, "h1").text
    assert_accessible(d, checked)

    # The child.
    go(d, d.find_element(By.LINK_TEXT, "Child"))
    keys(d.find_element(By.ID, "f-child-date_of_birth-day"), "9")
    keys(d.find_element(By.ID, "f-child-date_of_birth-month"), "4")
    keys(d.find_element(By.ID, "f-child-date_of_birth-year"), "2018")
    assert_accessible(d, checked)
    go(d, d.find_element(By.XPATH, "//div[@class='govuk-button-group']/button[normalize-space()='Save']"))
    assert "Saved" in d.find_element(By.TAG_NAME, "main").text

    # A parent, added with the 'Add' button (a submit button: no JavaScript needed).
    go(d, d.find_element(By.LINK_TEXT, "Family and network"))
    go(d, d.find_element(By.XPATH, "//button[normalize-space()='Add a family member']"))
    keys(d.find_element(By.ID, "f-family-0-name"), "Jordan Ashdown")
    keys(d.find_element(By.ID, "f-family-0-relationship"), "Mother")
    keys(d.find_element(By.ID, "f-family-0-parental_responsibility"), Keys.SPACE)
    assert_accessible(d, checked)
    go(d, d.find_element(By.XPATH, "//div[@class='govuk-button-group']/button[normalize-space()='Save']"))
    assert "Saved" in d.find_element(By.TAG_NAME, "main").text

    # The social worker (letters are signed by them).
    go(d, d.find_element(By.LINK_TEXT, "Professionals and workers"))
    keys(d.find_element(By.ID, "f-social_worker-name"), "Alex Morgan")
    go(d, d.find_element(By.XPATH, "//div[@class='govuk-button-group']/button[normalize-space()='Save']"))

    # An initial meeting, first with an impossible date: the error summary takes us to the field.
    go(d, d.find_element(By.LINK_TEXT, "Meetings"))
    go(d, d.find_element(By.XPATH, "//button[normalize-space()='Add a meeting']"))
    keys(d.find_element(By.ID, "f-meetings-0-type-2"), Keys.SPACE)  # initial
    assert d.find_element(By.ID, "f-meetings-0-type-2").is_selected()
    keys(d.find_element(By.ID, "f-meetings-0-date-day"), "31")
    keys(d.find_element(By.ID, "f-meetings-0-date-month"), "11")
    keys(d.find_element(By.ID, "f-meetings-0-date-year"), "2026")
    keys(d.find_element(By.ID, "f-meetings-0-time"), "10:00")
    keys(d.find_element(By.ID, "f-meetings-0-venue"), "Meeting Room 1, Civic Centre")
    keys(d.find_element(By.ID, "f-meetings-0-invitees"), "Jordan Ashdown")
    go(d, d.find_element(By.XPATH, "//div[@class='govuk-button-group']/button[normalize-space()='Save']"))
    summary = d.find_element(By.CLASS_NAME, "govuk-error-summary")
    assert "Not a valid date" in summary.text
    assert d.title.startswith("Error:")
    assert_accessible(d, checked)
    link = summary.find_element(By.PARTIAL_LINK_TEXT, "Date")
    press(d, link)
    wait_for(d, lambda drv: drv.switch_to.active_element.get_attribute("id") == "f-meetings-0-date-day")
    day = d.switch_to.active_element
    day.send_keys(Keys.CONTROL, "a")
    day.send_keys("8")
    month = d.find_element(By.ID, "f-meetings-0-date-month")
    month.send_keys(Keys.CONTROL, "a")
    month.send_keys("12")
    go(d, d.find_element(By.XPATH, "//div[@class='govuk-button-group']/button[normalize-space()='Save']"))
    assert "Saved" in d.find_element(By.TAG_NAME, "main").text

    # The deadlines, then the invitation.
    go(d, d.find_element(By.LINK_TEXT, "See the deadlines and make paperwork"))
    main = d.find_element(By.TAG_NAME, "main").text
    assert "Family network meeting" in main and "Tuesday 22 December 2026" in main
    assert "10 working days after the initial CIN meeting on Tuesday 8 December 2026" in main
    assert_accessible(d, checked)
    keys(d.find_element(By.ID, "paperwork-kind"), "Invitation")
    keys(d.find_element(By.ID, "format-pdf"), Keys.SPACE)
    go(d, d.find_element(By.XPATH, "//button[normalize-space()='Make paperwork']"))
    assert "ready" in d.find_element(By.TAG_NAME, "h1").text, d.find_element(By.TAG_NAME, "main").text[:600]
    assert_accessible(d, checked)
    link = d.find_element(By.PARTIAL_LINK_TEXT, "E2E-0001_invitation")
    name = link.text
    press(d, link)
    target = world["downloads"] / name
    deadline = time.monotonic() + 20
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert target.exists(), list(world["downloads"].iterdir())
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(target).pages)
    assert "Jordan Ashdown" in text or "Dear Jordan" in text
    assert "8 December 2026" in text and "Robin" in text
    assert len(checked) >= 8


def test_other_pages_pass_axe(world):
    from selenium.webdriver.common.by import By

    d = world["driver"]
    d.get(world["server"].start_url)
    checked: list[str] = []
    for path in (
        "/case/HIL-2026-0143",
        "/case/HCC-2026-0452",
        "/case/HIL-2026-0143/edit",
        "/case/HIL-2026-0143/edit/plan",
        "/case/HCC-2026-0452/edit/escalations",
        "/?status=overdue",
        "/case/NOPE-1",
        "/case/HIL-2026-0109",
        "/panel",
        "/new",
    ):
        d.get(world["server"].base + path)
        assert d.find_element(By.TAG_NAME, "h1").text
        assert_accessible(d, checked)
    # The refusal page for a stale save.
    d.get(world["server"].base + "/case/HIL-2026-0017/edit/closure")
    path = world["folder"] / "hillingdon-closed.yaml"
    path.write_text(path.read_text() + "\n# changed by someone else\n")
    go(d, d.find_element(By.XPATH, "//div[@class='govuk-button-group']/button[normalize-space()='Save']"))
    assert "changed while you were editing" in d.find_element(By.TAG_NAME, "h1").text
    assert_accessible(d, checked)


def test_the_accessibility_check_can_fail(world):
    d = world["driver"]
    d.get(world["server"].start_url)
    d.execute_script(
        "const i = document.createElement('input'); i.type = 'text';document.querySelector('main').appendChild(i);"
    )
    assert any(v["id"] == "label" for v in axe_violations(d, impacts=("critical", "serious")))

"""Screenshots of every page of `cin-docs serve` at 1280 and 390 px wide, on a copy of the samples (make screenshots).

Usage: python scripts/screenshots.py OUT_DIR [--max-height PX]
Each page is captured whole (up to --max-height, default 2400 px). Needs Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import Server, chrome, missing  # noqa: E402

MID = "HIL-2026-0143"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--max-height", type=int, default=2400)
    args = parser.parse_args()
    reason = missing()
    if reason:
        sys.exit(f"Cannot take screenshots: {reason}")
    from selenium.webdriver.common.by import By

    from cin_docs.web import create_app

    args.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="cin-docs-shots-"))
    for p in (ROOT / "samples").glob("*.yaml"):
        shutil.copy(p, folder)
    server = Server(create_app(folder, as_of=dt.date(2026, 11, 23)))
    try:
        for width in (1280, 390):
            driver = chrome(width=width, height=900)
            try:
                driver.get(server.start_url)

                def shot(name: str, driver=driver, width=width) -> None:
                    height = driver.execute_script("return document.documentElement.scrollHeight")
                    driver.set_window_size(width, min(max(height, 600), args.max_height) + 120)
                    driver.save_screenshot(str(args.out / f"{name}-{width}.png"))
                    driver.set_window_size(width, 900)

                pages = [
                    ("caseload", "/"),
                    ("case", f"/case/{MID}"),
                    ("tasks", f"/case/{MID}/edit"),
                    ("child", f"/case/{MID}/edit/child"),
                    ("family", f"/case/{MID}/edit/family"),
                    ("new", "/new"),
                    ("not-found", "/case/NOPE-1"),
                    ("panel", "/panel"),
                    ("meetings", f"/case/{MID}/edit/meetings"),
                    ("transfer-out", "/case/HIL-2026-0109"),
                ]
                for name, path in pages:
                    driver.get(server.base + path)
                    shot(name)
                # An error summary: an impossible date of birth.
                driver.get(server.base + f"/case/{MID}/edit/child")
                day = driver.find_element(By.ID, "f-child-date_of_birth-day")
                day.clear()
                day.send_keys("31")
                month = driver.find_element(By.ID, "f-child-date_of_birth-month")
                month.clear()
                month.send_keys("2")
                driver.find_element(By.XPATH, "//div[@class='govuk-button-group']/button").submit()
                shot("child-error")
                # Paperwork ready to download.
                driver.get(server.base + f"/case/{MID}")
                driver.find_element(By.ID, "paperwork-kind").send_keys("Invitation")
                driver.find_element(By.XPATH, "//button[normalize-space()='Make paperwork']").submit()
                shot("paperwork")
            finally:
                driver.quit()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"Screenshots in {args.out}")


if __name__ == "__main__":
    main()

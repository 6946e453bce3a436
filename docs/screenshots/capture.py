"""Take the course as a learner would, in headless Chromium, and save screenshots.

Run against a site started by `make run` (demo content loaded):
    .venv/bin/python docs/screenshots/capture.py [http://127.0.0.1:8000]
Needs Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).parent
PASSWORD = "qadam-demo"  # noqa: S105 - the documented demo password


def sign_in(page, username: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")


def shot(page, name: str) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print("saved", name)


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(f"{BASE}/accounts/login/")
        shot(page, "01-sign-in")
        sign_in(page, "N-100001")
        shot(page, "02-my-learning-empty")
        page.goto(f"{BASE}/en/")
        shot(page, "03-catalogue-prisoner")
        page.click("text=Computer basics for work")
        shot(page, "04-course-before-joining")
        page.click("text=Join this course")
        page.click("text=Start the first lesson")
        shot(page, "05-lesson")
        while page.locator("text=Mark as done").count():
            page.click("text=Mark as done")
        shot(page, "06-course-completed")
        page.goto(f"{BASE}/learn/")
        shot(page, "07-my-learning-after")
        page.goto(f"{BASE}/learn/certificates/")
        page.wait_for_timeout(2500)
        page.reload()
        shot(page, "08-my-certificates")
        code = page.locator(".code strong").first.inner_text()
        page.goto(f"{BASE}/verify/{code}/")
        shot(page, "09-verify-valid")
        with page.expect_download() as download:
            page.goto(f"{BASE}/learn/certificates/")
            page.click("text=Download PDF")
        download.value.save_as(str(OUT / "certificate.pdf"))

        # The same course in Kazakh, through the language switcher.
        page.goto(f"{BASE}/en/computer-basics/")
        page.click("button[lang=kk]")
        shot(page, "10-course-kazakh")
        page.click("form.signout button")

        sign_in(page, "officer")
        page.goto(f"{BASE}/manage/learners/")
        shot(page, "11-officer-learners")
        page.click("text=Nurlan Learner")
        shot(page, "12-officer-learner")
        page.click("form.signout button")

        sign_in(page, "staff")
        page.goto(f"{BASE}/ru/")
        shot(page, "13-catalogue-staff-russian")
        page.goto(f"{BASE}/ru/guidelines/dynamic-security/")
        shot(page, "14-guideline-russian")
        page.click("form.signout button")

        sign_in(page, "N-100001")
        response = page.goto(f"{BASE}/en/guidelines/dynamic-security/")
        print("prisoner opening a staff guideline:", response.status)
        browser.close()
        print("console errors:", errors or "none")


if __name__ == "__main__":
    main()

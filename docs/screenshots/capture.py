"""Take the course as a learner would, in headless Chromium, and save screenshots.

Run against a site started by `make run` (demo content loaded), from the repository root:
    .venv/bin/python docs/screenshots/capture.py [http://127.0.0.1:8000]
Prisoners learn on a kiosk: the script registers its browser with a code from
`manage.py kiosk_demo` (which also gives the demo prisoners the PIN 2580).
Needs Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).parent
PASSWORD = "qadam-demo"  # noqa: S105 - the documented demo password


def kiosk_code() -> str:
    output = subprocess.run(
        [sys.executable, "manage.py", "kiosk_demo"], capture_output=True, text=True, check=True
    ).stdout
    return re.search(r"type: (\S+)", output).group(1)


def kiosk_sign_in(page, number: str, pin: str = "2580") -> None:
    page.fill("#id_prisoner_number", number)
    page.fill("#id_pin", pin)
    page.click("main button[type=submit]")


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

        # A prisoner on a kiosk, in landscape: register the kiosk, sign in, take the course.
        kiosk = browser.new_context(viewport={"width": 1920, "height": 1080})
        kpage = kiosk.new_page()
        kpage.goto(f"{BASE}/kiosk/register/")
        kpage.fill("#id_code", kiosk_code())
        kpage.click("main button[type=submit]")
        kiosk_sign_in(kpage, "N-100001")
        shot(kpage, "02-kiosk-my-learning")
        kpage.goto(f"{BASE}/en/vocational-training/computer-basics/")
        kpage.click("text=Join this course")
        shot(kpage, "03-kiosk-course")
        for slug in ("the-keyboard-and-mouse", "files-and-folders", "writing-a-letter"):
            kpage.goto(f"{BASE}/en/vocational-training/computer-basics/{slug}/")
            shot(kpage, f"04-kiosk-lesson-{slug}")
            if kpage.locator("text=Check my answers").count():
                kpage.check("input[name=q-0][value='0']")
                kpage.check("input[name=q-1][value='0']")
                kpage.check("input[name=q-1][value='1']")
                kpage.check("input[name=q-2][value='0']")
                with kpage.expect_navigation():
                    kpage.click("text=Check my answers")
                shot(kpage, "05-kiosk-quiz-passed")
            with kpage.expect_navigation():
                kpage.click("text=Mark as done")
        kpage.goto(f"{BASE}/en/vocational-training/computer-basics/")
        shot(kpage, "06-kiosk-course-completed")
        kpage.wait_for_timeout(3000)
        kpage.goto(f"{BASE}/learn/certificates/")
        shot(kpage, "07-kiosk-my-certificates")
        code = kpage.locator(".code strong").first.inner_text()
        kiosk.close()

        page.goto(f"{BASE}/verify/{code}/")
        shot(page, "08-verify-valid")

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

        browser.close()
        print("console errors:", errors or "none")


if __name__ == "__main__":
    main()

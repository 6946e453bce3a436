# ruff: noqa  (a one-off capture script for the screenshots here, not product code)
import sys
from playwright.sync_api import sync_playwright

BASE = "http://127.0.0.1:8013"
OUT = "/work/wt-certs/docs/screenshots/certificates"
code = sys.argv[1]


def login(page, user):
    page.goto(BASE + "/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "qadam-demo")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(lambda u: "login" not in u, timeout=10000)


with sync_playwright() as p:
    b = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    ctx = b.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{BASE}/verify/{code}/")
    page.screenshot(path=f"{OUT}/page-verify-valid.png", full_page=True)
    login(page, "N-100001")
    page.goto(BASE + "/learn/certificates/")
    page.screenshot(path=f"{OUT}/page-my-certificates.png", full_page=True)
    page.goto(BASE + "/learn/record/")
    page.screenshot(path=f"{OUT}/page-my-record.png", full_page=True)
    ctx.clear_cookies()
    login(page, "officer")
    page.goto(BASE + "/manage/certificates/")
    page.screenshot(path=f"{OUT}/page-officer-certificates.png", full_page=True)
    page.click("table a")
    page.screenshot(path=f"{OUT}/page-officer-certificate.png", full_page=True)
    ctx.clear_cookies()
    login(page, "admin")
    page.goto(BASE + "/admin/certificates/bulk-issue/")
    page.select_option("select[name=facility]", index=1)
    page.click("#bulk-issue-form button[type=submit]")
    page.wait_for_selector("[data-bulk-progress]")
    page.wait_for_timeout(2500)
    page.screenshot(path=f"{OUT}/page-admin-bulk-issue.png", full_page=True)
    b.close()

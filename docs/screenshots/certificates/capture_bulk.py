# ruff: noqa  (a one-off capture script for the screenshots here, not product code)
from playwright.sync_api import sync_playwright

BASE = "http://127.0.0.1:8013"
OUT = "/work/wt-certs/docs/screenshots/certificates"
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
    page = b.new_page(viewport={"width": 1280, "height": 700})
    page.goto(BASE + "/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "qadam-demo")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(lambda u: "login" not in u)
    page.goto(BASE + "/admin/certificates/bulk-issue/")
    page.click("table.listing a")
    page.wait_for_selector("[data-bulk-status]")
    page.wait_for_function(
        "document.querySelector('[data-bulk-status]').textContent.trim() === 'Done'", timeout=30000
    )
    page.screenshot(path=f"{OUT}/page-admin-bulk-issue-done.png", full_page=True)
    page.goto(BASE + "/admin/certificates/bulk-issue/")
    page.screenshot(path=f"{OUT}/page-admin-bulk-issue-form.png", full_page=True)
    page.goto(BASE + "/learn/record/")
    page.goto(BASE + "/manage/certificates/")
    page.click("table a")
    page.screenshot(path=f"{OUT}/page-officer-certificate.png", full_page=True)
    b.close()

"""The bulk-issue progress bar in a real browser, under the site's CSP (script-src 'self'):
the page polls the JSON endpoint and follows the run to the end."""

import pytest
from django.urls import reverse

from certificates.models import BulkIssue
from lms.core.models import User
from tests import factories
from tests.browser import chromium


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_progress_bar_follows_a_running_bulk_issue(live_server):
    expect = pytest.importorskip("playwright.sync_api").expect
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    bulk = BulkIssue.objects.create(
        requested_by=admin, status="running", total=4, done=1, course_title="Carpentry"
    )
    csp_errors = []
    with chromium() as browser:
        page = browser.new_page()
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", admin.username)
        page.fill("input[name=password]", factories.PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "login" not in url)
        page.goto(
            live_server.url + reverse("certificates_bulk_issue_status", args=[bulk.public_id])
        )
        # (Playwright's own string-eval waits are blocked by our CSP too: use locators.)
        expect(page.locator("[data-bulk-status]")).to_have_text("Running")
        BulkIssue.objects.filter(pk=bulk.pk).update(status="done", done=3, failed=1)
        expect(page.locator("[data-bulk-status]")).to_have_text("Done", timeout=10000)
        expect(page.locator("[data-bulk-bar]")).to_have_attribute("value", "100")
        expect(page.locator("[data-bulk-failed]")).to_have_text("1")
        browser.close()
    assert csp_errors == []

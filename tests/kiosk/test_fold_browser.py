"""The kiosk's primary action, "Join this course", is above the fold on a 1280x800
landscape screen and on a 1080x1920 portrait one (issue 15: the header took 172 px and
pushed it below). Screenshots go to $QADAM_FOLD_SHOTS when set."""

from __future__ import annotations

import os

import pytest

from .test_kiosk_browser import browser, new_kiosk, sign_in, world  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 1080, "height": 1920}]
)
def test_join_this_course_is_above_the_fold(browser, world, viewport):  # noqa: F811
    context, page = new_kiosk(browser, world, viewport=viewport)
    sign_in(page, world["learner"])
    page.click("text=Computer basics")
    button = page.locator("button:has-text('Join this course')")
    box = button.bounding_box()
    header = page.locator("header").first.bounding_box()
    where = os.environ.get("QADAM_FOLD_SHOTS")
    if where:
        page.screenshot(path=f"{where}/course-{viewport['width']}x{viewport['height']}.png")
    assert box is not None
    assert box["y"] + box["height"] <= viewport["height"], (box, header)
    context.close()

"""An administrator installs the libraries of a real export on the H5P libraries screen;
a trainer then uploads the same export in the admin and reads what was left out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from h5p.models import H5PContent
from lms.core.models import User
from tests import factories
from tests.browser import chromium

from .test_import_real import SAMPLES, needs_samples

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("QADAM_SCREENSHOTS")
PASSWORD = "correct horse battery"


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def admin_sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(base + "/admin/")


@needs_samples
def test_libraries_installed_by_an_administrator_let_a_trainer_upload_the_export(
    live_server, settings, tmp_path
):
    settings.H5P_ROOT = tmp_path / "h5p"
    factories.UserFactory(
        username="root", role=User.Role.ADMINISTRATOR, facility=None, password=PASSWORD
    )
    factories.UserFactory(
        username="coach", role=User.Role.TRAINER, facility=None, password=PASSWORD
    )
    package = str(SAMPLES / "truefalse-1.6.h5p")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        admin_sign_in(page, live_server.url, "root")
        page.goto(live_server.url + "/admin/h5p/libraries/")
        page.set_input_files("input[name=package]", package)
        page.click("main form button[type=submit]")
        page.wait_for_selector("table.listing")
        text = page.inner_text("body")
        assert "Installed or upgraded: Drop 1.0.2" in text
        assert "H5PEditor.RadioGroup-1.1" in text  # the note on what was left out
        assert "H5P.TrueFalse" in text and "1.6.1" in text
        shot(page, "h5p-libraries-installed")

        page.context.clear_cookies()
        admin_sign_in(page, live_server.url, "coach")
        page.goto(live_server.url + "/admin/snippets/h5p/h5pcontent/add/")
        page.set_input_files("input[name=package]", package)
        page.click("form[enctype='multipart/form-data'] button[type=submit]")
        page.wait_for_url("**/admin/snippets/h5p/h5pcontent/")
        text = page.inner_text("body")
        assert "“H5P_CONTENT_HERE.txt” is not part of the H5P format and was left out." in text
        shot(page, "h5p-trainer-upload-notes")
        assert H5PContent.objects.get().title == "Hello World"

        page.goto(live_server.url + "/admin/snippets/h5p/h5pcontent/add/")
        bad = tmp_path / "bad.h5p"
        import zipfile

        with (
            zipfile.ZipFile(SAMPLES / "truefalse-1.6.h5p") as source,
            zipfile.ZipFile(bad, "w") as target,
        ):
            for info in source.infolist():
                target.writestr(info, source.read(info))
            target.writestr("content/run.js", "alert(1)")
            target.writestr("H5P.TrueFalse-1.6/x.php", "<?php")
        page.set_input_files("input[name=package]", str(bad))
        page.click("form[enctype='multipart/form-data'] button[type=submit]")
        page.wait_for_selector(".error-message, .w-field__errors")
        text = page.inner_text("body")
        assert "content/run.js" in text and "H5P.TrueFalse-1.6/x.php" in text
        shot(page, "h5p-refused-every-reason")

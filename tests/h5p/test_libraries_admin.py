"""Administrators install and upgrade library code without creating content (admin screen
and ``manage.py h5p_libraries``); trainers then import content that only uses it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from h5p.importer import h5p_content_import
from h5p.libraries import h5p_libraries_install
from h5p.models import H5PContent, H5PLibrary
from h5p.validation import PackageRefused
from lms.core.models import AuditEvent

from . import builders

pytestmark = pytest.mark.django_db
LIBRARIES = "h5p_admin:libraries"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_package(client, data: bytes):
    return client.post(
        reverse(LIBRARIES),
        {"package": SimpleUploadedFile("libs.h5p", data, "application/zip")},
        follow=True,
    )


def test_an_administrator_installs_a_packages_libraries_without_content(administrator):
    response = post_package(client_for(administrator), builders.tiny_package())
    page = response.content.decode()
    assert "Installed or upgraded: H5P.QadamTinyQuestion 1.0.0" in page
    assert "H5P.QadamTinyQuestion" in page and "1.0.0" in page
    assert H5PLibrary.objects.count() == 1 and not H5PContent.objects.exists()
    assert AuditEvent.objects.filter(action="h5p.library.install").count() == 1


def test_an_administrator_upgrades_a_patch_and_sees_what_was_left_unchanged(administrator):
    client = client_for(administrator)
    post_package(client, builders.tiny_package(patch=2))
    page = post_package(client, builders.tiny_package(patch=1)).content.decode()
    assert "Already installed at the same or a newer version: H5P.QadamTinyQuestion 1.0" in page
    page = post_package(client, builders.tiny_package(patch=3)).content.decode()
    assert "Installed or upgraded: H5P.QadamTinyQuestion 1.0.3" in page
    assert H5PLibrary.objects.get().patch_version == 3


def test_a_refused_library_package_names_each_problem(administrator):
    files = builders.tiny_files()
    files[f"{builders.TINY_FOLDER}/evil.php"] = b"<?php"
    page = post_package(client_for(administrator), builders.build(files)).content.decode()
    assert "evil.php" in page and ".php are not allowed in libraries" in page
    assert not H5PLibrary.objects.exists()


def test_trainers_may_not_open_or_use_the_libraries_screen(trainer):
    client = client_for(trainer)
    assert client.get(reverse(LIBRARIES)).status_code == 302
    post_package(client, builders.tiny_package())
    assert not H5PLibrary.objects.exists()
    with pytest.raises(PackageRefused):
        h5p_libraries_install(actor=trainer, upload=io.BytesIO(builders.tiny_package()))


def test_the_menu_shows_the_libraries_screen_only_to_administrators(administrator, trainer):
    url = reverse(LIBRARIES)
    assert url in client_for(administrator).get(reverse("wagtailadmin_home")).content.decode()
    assert url not in client_for(trainer).get(reverse("wagtailadmin_home")).content.decode()


def test_the_command_installs_and_lists_libraries_with_their_versions(tmp_path, capsys):
    path = tmp_path / "libs.h5p"
    path.write_bytes(builders.tiny_package(patch=4))
    call_command("h5p_libraries", "--install", str(path))
    out = capsys.readouterr().out
    assert "installed H5P.QadamTinyQuestion 1.0.4" in out
    assert "H5P.QadamTinyQuestion\t1.0.4\tcontent type\t0 activities" in out
    assert not H5PContent.objects.exists()


def test_the_command_lists_what_content_uses(administrator, capsys):
    h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    call_command("h5p_libraries")
    assert "H5P.QadamTinyQuestion\t1.0.0\tcontent type\t1 activities" in capsys.readouterr().out


def test_the_command_says_why_a_package_is_refused(tmp_path):
    path = tmp_path / "bad.h5p"
    path.write_bytes(builders.with_extra(f"{builders.TINY_FOLDER}/x.html", b"<script>"))
    with pytest.raises(CommandError, match=r"x\.html"):
        call_command("h5p_libraries", "--install", str(path))


def test_a_trainer_upload_in_the_admin_shows_what_was_left_out(administrator, trainer):
    h5p_libraries_install(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    files = builders.tiny_files(with_library=False)
    files["readme.txt"] = b"exported by hand"
    response = client_for(trainer).post(
        reverse("wagtailsnippets_h5p_h5pcontent:add"),
        {
            "title": "",
            "internet_override": "",
            "package": SimpleUploadedFile("a.h5p", builders.build(files), "application/zip"),
        },
        follow=True,
    )
    assert "“readme.txt” is not part of the H5P format and was left out." in (
        response.content.decode()
    )
    assert H5PContent.objects.get().uploaded_by == trainer

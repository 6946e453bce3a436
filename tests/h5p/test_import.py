"""Importing packages: what is kept, and every way a package is refused (and then nothing
is left on disk or in the database)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from h5p.importer import h5p_content_import
from h5p.models import H5PContent, H5PLibrary
from h5p.validation import PackageRefused
from lms.core.models import AuditEvent

from . import builders

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) if root.exists() else []


def refused(actor, data: bytes, **kwargs) -> list[str]:
    with pytest.raises(PackageRefused) as error:
        h5p_content_import(actor=actor, upload=io.BytesIO(data), **kwargs)
    return error.value.reasons


@pytest.mark.services
def test_an_administrator_imports_a_package_with_its_library(administrator, h5p_root):
    content = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    assert content.title == "Which tool cuts metal?"
    assert str(content.main_library) == "H5P.QadamTinyQuestion 1.0.0"
    assert list(content.libraries.all()) == [content.main_library]
    assert (content.path / "h5p.json").is_file()
    assert json.loads((content.path / "content" / "content.json").read_text())["question"]
    assert (h5p_root / "libraries" / "H5P.QadamTinyQuestion-1.0" / "tiny.js").is_file()
    assert not any((h5p_root / "staging").iterdir())
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"h5p.library.install", "h5p.content.import"} <= actions


def test_libraries_are_stored_once_and_shared(administrator, trainer, h5p_root):
    first = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    second = h5p_content_import(
        actor=trainer, upload=io.BytesIO(builders.tiny_package()), title="Second"
    )
    assert H5PLibrary.objects.count() == 1
    assert first.main_library == second.main_library
    assert second.title == "Second"
    assert len(list((h5p_root / "content").iterdir())) == 2


def test_a_trainer_may_not_install_library_code(trainer, h5p_root):
    reasons = refused(trainer, builders.tiny_package())
    assert any("Only an administrator may install library code" in r for r in reasons)
    assert not H5PContent.objects.exists() and not H5PLibrary.objects.exists()
    assert files_under(h5p_root / "libraries") == []


def test_a_trainer_package_with_a_newer_patch_keeps_the_installed_library(
    administrator, trainer, h5p_root
):
    h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    content = h5p_content_import(actor=trainer, upload=io.BytesIO(builders.tiny_package(patch=5)))
    assert content.main_library.patch_version == 0


@pytest.mark.services
def test_an_administrator_upgrades_a_library_patch(
    administrator, h5p_root, django_capture_on_commit_callbacks
):
    h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    with django_capture_on_commit_callbacks(execute=True):
        content = h5p_content_import(
            actor=administrator, upload=io.BytesIO(builders.tiny_package(patch=2))
        )
    assert H5PLibrary.objects.get().patch_version == 2
    assert content.main_library.patch_version == 2
    assert "upgrade" in AuditEvent.objects.filter(action="h5p.library.upgrade").get().action
    assert files_under(h5p_root / "trash") == []


def test_content_using_an_installed_library_needs_no_library_in_the_package(administrator, trainer):
    h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    content = h5p_content_import(
        actor=trainer, upload=io.BytesIO(builders.tiny_package(with_library=False))
    )
    assert content.main_library.machine_name == builders.TINY


def test_a_missing_library_is_named(administrator):
    reasons = refused(administrator, builders.tiny_package(with_library=False))
    assert any("H5P.QadamTinyQuestion 1.0" in r and "missing" in r for r in reasons)


def test_a_missing_dependency_of_a_library_is_named(administrator):
    files = builders.tiny_files()
    library = builders.tiny_library_json(
        preloadedDependencies=[
            {"machineName": "H5P.JoubelUI", "majorVersion": 1, "minorVersion": 3}
        ]
    )
    files[f"{builders.TINY_FOLDER}/library.json"] = json.dumps(library).encode()
    reasons = refused(administrator, builders.build(files))
    assert any("H5P.JoubelUI 1.3" in r for r in reasons)


HOSTILE = {
    "zip slip": lambda: builders.with_extra("content/../../evil.json"),
    "absolute path": lambda: builders.with_extra("/etc/evil.json"),
    "backslash": lambda: builders.with_extra("content\\evil.json"),
    "hidden file": lambda: builders.with_extra("content/.htaccess.json"),
    "php in content": lambda: builders.with_extra("content/shell.php", b"<?php system($_GET[1]);"),
    "html in content": lambda: builders.with_extra(
        "content/page.html", b"<script>alert(1)</script>"
    ),
    "js in content": lambda: builders.with_extra("content/run.js", b"alert(1)"),
    "stray top-level folder": lambda: builders.with_extra("extras/readme.txt"),
    "duplicate names": lambda: builders.build(
        [*builders.tiny_files().items(), ("content/content.json", b"{}")]
    ),
    "case-colliding names": lambda: builders.with_extra("Content/content.json", b"{}"),
    "symlink": builders.symlink_package,
    "not a zip": lambda: b"this is not a zip file",
    "no h5p.json": lambda: builders.build(
        {k: v for k, v in builders.tiny_files().items() if k != "h5p.json"}
    ),
    "h5p.json not json": lambda: builders.build({**builders.tiny_files(), "h5p.json": b"{nope"}),
    "h5p.json without main library": lambda: builders.build(
        {
            **builders.tiny_files(),
            "h5p.json": json.dumps(builders.h5p_json(mainLibrary="")).encode(),
        }
    ),
    "h5p.json with bad embed types": lambda: builders.build(
        {
            **builders.tiny_files(),
            "h5p.json": json.dumps(builders.h5p_json(embedTypes=["x"])).encode(),
        }
    ),
    "no content.json": lambda: builders.build(
        {k: v for k, v in builders.tiny_files().items() if k != "content/content.json"}
    ),
    "library in the wrong folder": lambda: builders.build(
        {
            (k.replace(builders.TINY_FOLDER, "H5P.QadamTinyQuestion-2.0")): v
            for k, v in builders.tiny_files().items()
        }
    ),
    "library.json naming a missing file": lambda: builders.build(
        {k: v for k, v in builders.tiny_files().items() if k != f"{builders.TINY_FOLDER}/tiny.js"}
    ),
    "php in a library": lambda: builders.with_extra(f"{builders.TINY_FOLDER}/x.php", b"<?php"),
    "content from the internet": lambda: builders.build(
        {
            **builders.tiny_files(),
            "content/content.json": json.dumps(
                builders.content_json(
                    video=[{"path": "https://www.youtube.com/watch?v=x", "mime": "video/YouTube"}]
                )
            ).encode(),
        }
    ),
}


EXPECTED_REASON = {
    "zip slip": "outside the package",
    "absolute path": "absolute path",
    "backslash": "backslash",
    "hidden file": "hidden",
    "php in content": ".php are not allowed in content",
    "html in content": ".html are not allowed in content",
    "js in content": ".js are not allowed in content",
    "stray top-level folder": "does not belong",
    "duplicate names": "appears twice",
    "case-colliding names": "upper and lower case",
    "symlink": "symbolic link",
    "not a zip": "not a zip",
    "no h5p.json": "h5p.json is missing",
    "h5p.json not json": "h5p.json is not valid JSON",
    "h5p.json without main library": "main library",
    "h5p.json with bad embed types": "embed types",
    "no content.json": "content/content.json is missing",
    "library in the wrong folder": "belongs in folder",
    "library.json naming a missing file": "tiny.js",
    "php in a library": ".php are not allowed in libraries",
    "content from the internet": "youtube.com",
}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_package_is_refused_and_changes_nothing(case, administrator, h5p_root):
    audit_before = AuditEvent.objects.count()
    reasons = refused(administrator, HOSTILE[case]())
    assert any(EXPECTED_REASON[case] in reason for reason in reasons), reasons
    assert files_under(h5p_root) in ([], ["staging"])
    assert not H5PContent.objects.exists()
    assert not H5PLibrary.objects.exists()
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.services
def test_a_refused_upgrade_leaves_the_installed_library_untouched(administrator, h5p_root):
    h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    before = files_under(h5p_root)
    library = (h5p_root / "libraries" / builders.TINY_FOLDER / "tiny.js").read_bytes()
    files = builders.tiny_files(patch=9)
    files["content/evil.php"] = b"<?php"
    refused(administrator, builders.build(files))
    assert files_under(h5p_root) == before
    assert H5PLibrary.objects.get().patch_version == 0
    assert (h5p_root / "libraries" / builders.TINY_FOLDER / "tiny.js").read_bytes() == library
    assert H5PContent.objects.count() == 1


@pytest.mark.services
def test_a_failure_while_moving_files_into_place_undoes_everything(
    administrator, h5p_root, monkeypatch
):
    from h5p import libraries

    def broken(self, source, final):
        raise OSError("disk full")

    monkeypatch.setattr(libraries.FileMoves, "put", broken)
    with pytest.raises(OSError):
        h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    assert files_under(h5p_root) in ([], ["staging"])
    assert not H5PContent.objects.exists() and not H5PLibrary.objects.exists()


def test_internet_content_is_imported_with_a_reason_and_the_addresses_are_kept(administrator):
    files = builders.tiny_files()
    files["content/content.json"] = json.dumps(
        builders.content_json(
            question='See <a href="https://example.org/info">this</a>',
            video=[{"path": "https://cdn.example.com/v.mp4", "mime": "video/mp4"}],
        )
    ).encode()
    reasons = refused(administrator, builders.build(files))
    assert any("https://cdn.example.com/v.mp4" in r for r in reasons)
    assert not any("example.org/info" in r for r in reasons)  # a link loads nothing
    content = h5p_content_import(
        actor=administrator,
        upload=io.BytesIO(builders.build(files)),
        internet_reason="Shown only on staff desktops with internet.",
    )
    assert content.external_urls == ["https://cdn.example.com/v.mp4"]
    assert content.internet_reason.startswith("Shown only")


def test_a_zip_bomb_is_stopped_by_the_bytes_actually_unpacked(administrator, settings, h5p_root):
    settings.H5P_MAX_FILE_BYTES = 1024 * 1024
    reasons = refused(administrator, builders.bomb_package(5 * 1024 * 1024, lie=False))
    assert any("larger than 1 MB" in r for r in reasons)
    assert files_under(h5p_root) in ([], ["staging"])


def test_a_zip_bomb_whose_declared_sizes_lie_is_refused(administrator, settings, h5p_root):
    settings.H5P_MAX_FILE_BYTES = 1024 * 1024
    reasons = refused(administrator, builders.bomb_package(5 * 1024 * 1024, lie=True))
    assert reasons
    assert files_under(h5p_root) in ([], ["staging"])
    assert not H5PContent.objects.exists()


def test_the_total_unpacked_size_is_limited(administrator, settings):
    settings.H5P_MAX_TOTAL_BYTES = 64 * 1024
    files = builders.tiny_files()
    for number in range(4):
        files[f"content/part{number}.txt"] = b"a" * 20_000
    reasons = refused(administrator, builders.build(files))
    assert any("The package is larger than" in r for r in reasons)


def test_a_package_of_100000_entries_is_refused_before_unpacking(administrator, h5p_root):
    reasons = refused(administrator, builders.many_entries_package(100_000))
    assert any("100006 files; at most 10000" in r for r in reasons)
    assert files_under(h5p_root) == []


def test_the_import_command_prints_the_new_id(tmp_path, capsys):
    path = tmp_path / "tiny.h5p"
    path.write_bytes(builders.tiny_package())
    call_command("import_h5p", str(path), "--title", "From the command line")
    content = H5PContent.objects.get()
    assert capsys.readouterr().out.strip() == str(content.pk)
    assert content.title == "From the command line"


def test_the_import_command_exits_non_zero_with_the_reason(tmp_path):
    path = tmp_path / "bad.h5p"
    path.write_bytes(builders.with_extra("content/shell.php", b"<?php"))
    with pytest.raises(CommandError, match=r"shell\.php"):
        call_command("import_h5p", str(path))
    assert not H5PContent.objects.exists()

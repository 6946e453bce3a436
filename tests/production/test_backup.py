"""`manage.py backup` and `restore`: a round trip gives back the database and the files."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from consent.models import ConsentRecord
from lms.core.models import User
from lms.ops.backup import backup_read_manifest, migrations_compare
from tests import factories

ON_SQLITE = connection.vendor == "sqlite"


@pytest.mark.skipif(not ON_SQLITE, reason="the embedded default; PostgreSQL uses pg_dump")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_round_trip_database_and_both_media_trees(tmp_path, facility_a):
    kept = factories.PrisonerFactory(facility=facility_a, first_name="Kept")
    storages["default"].save("uploads/photo.txt", ContentFile(b"public bytes"))
    storages["private"].save("certificates/2026/one.pdf", ContentFile(b"%PDF private"))

    out = io.StringIO()
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.is_file() and archive.stat().st_mode & 0o777 == 0o600
    manifest = backup_read_manifest(archive)
    assert manifest["database"]["bytes"] > 0
    assert "courses.0001_initial" in manifest["migrations"]

    # After the backup: a new person, a lost file, a changed file.
    added = factories.PrisonerFactory(facility=facility_a, first_name="Added")
    storages["default"].delete("uploads/photo.txt")
    storages["private"].delete("certificates/2026/one.pdf")
    storages["private"].save("certificates/2026/one.pdf", ContentFile(b"tampered"))

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert User.objects.filter(pk=kept.pk).exists()
    assert not User.objects.filter(pk=added.pk).exists()
    assert storages["default"].open("uploads/photo.txt").read() == b"public bytes"
    assert storages["private"].open("certificates/2026/one.pdf").read() == b"%PDF private"
    # The replaced trees are kept aside until a person removes them.
    aside = list(Path(settings.PRIVATE_MEDIA_ROOT).parent.glob("*.before-restore-*"))
    assert {path.name.split(".")[0] for path in aside} == {"media", "private"}
    for path in aside:
        shutil.rmtree(path)


@pytest.mark.django_db
def test_restore_refuses_a_damaged_or_foreign_archive(tmp_path):
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as archive:
        data = b"hello"
        info = tarfile.TarInfo("notes.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="not a Qadam backup"):
        call_command("restore", str(foreign), yes=True)
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)


@pytest.mark.skipif(not ON_SQLITE, reason="the embedded default")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_backup_whose_database_was_altered(tmp_path):
    out = io.StringIO()
    call_command("backup", output_dir=str(tmp_path), stdout=out)
    original = Path(out.getvalue().strip())
    doctored = tmp_path / "doctored.tar.gz"
    with tarfile.open(original, "r:gz") as source, tarfile.open(doctored, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name == "database.sqlite3":
                content = data.read()
                content = content[:-1] + bytes([content[-1] ^ 1])
                member.size = len(content)
                data = io.BytesIO(content)
            target.addfile(member, data)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(doctored), yes=True)


def doctored_backup(original: Path, target: Path, sql: str) -> Path:
    """A copy of ``original`` whose database had ``sql`` run on it, with the checksum and
    the manifest made to match (as if another version of Qadam had written it)."""
    with tarfile.open(original, "r:gz") as source:
        members = [(m, source.extractfile(m).read() if m.isfile() else None) for m in source]
    database = target.with_suffix(".sqlite3")
    database.write_bytes(dict((m.name, data) for m, data in members)["database.sqlite3"])
    with sqlite3.connect(database) as db:
        db.executescript(sql)
        applied = sorted(
            f"{a}.{n}" for a, n in db.execute("SELECT app, name FROM django_migrations")
        )
    db.close()
    content = database.read_bytes()
    with tarfile.open(target, "w:gz") as archive:
        for member, data in members:
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"] = applied
                manifest["database"] = {
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "bytes": len(content),
                }
                data = json.dumps(manifest).encode()
            elif member.name == "database.sqlite3":
                data = content
            if data is not None:
                member.size = len(data)
            archive.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def warm_content_type_cache() -> None:
    """``migrate`` empties Django's content-type cache; the next test's database reload
    then trips over signal handlers that create content types. Refill it (same ids: the
    backup came from this database)."""
    ContentType.objects.get_for_models(*django_apps.get_models(include_auto_created=True))


def backup_now(directory: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output_dir=str(directory), stdout=out)
    return Path(out.getvalue().strip())


@pytest.mark.skipif(not ON_SQLITE, reason="the embedded default")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_newer_versions_backup_and_changes_nothing(tmp_path, facility_a):
    storages["default"].save("uploads/now.txt", ContentFile(b"current bytes"))
    newer = doctored_backup(
        backup_now(tmp_path),
        tmp_path / "newer.tar.gz",
        "INSERT INTO django_migrations (app, name, applied) "
        "VALUES ('consent', '0099_from_a_newer_version', '2027-01-01');",
    )
    added = factories.PrisonerFactory(facility=facility_a, first_name="Added")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(newer), yes=True, stdout=io.StringIO())

    message = str(refused.value)
    assert "newer version" in message and "consent.0099_from_a_newer_version" in message
    assert "Nothing was changed" in message
    assert User.objects.filter(pk=added.pk).exists()
    assert storages["default"].open("uploads/now.txt").read() == b"current bytes"
    assert not list(Path(settings.MEDIA_ROOT).parent.glob("*.before-restore-*"))


@pytest.mark.skipif(not ON_SQLITE, reason="the embedded default")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restoring_an_older_versions_backup_applies_the_migrations_it_lacks(tmp_path, facility_a):
    kept = factories.PrisonerFactory(facility=facility_a, first_name="Kept")
    # As if made before the consent app existed: no table, no migration row.
    older = doctored_backup(
        backup_now(tmp_path),
        tmp_path / "older.tar.gz",
        "DROP TABLE consent_consentrecord; DELETE FROM django_migrations WHERE app = 'consent';",
    )
    out = io.StringIO()
    call_command("restore", str(older), yes=True, stdout=out)

    assert "older version: applying 1 migration(s)" in out.getvalue()
    assert "the database now matches this version" in out.getvalue()
    assert User.objects.filter(pk=kept.pk).exists()
    assert ConsentRecord.objects.count() == 0  # the table is back
    check = io.StringIO()
    call_command("migrate", check_unapplied=True, plan=True, stdout=check)  # exits 1 if not
    warm_content_type_cache()
    for path in Path(settings.MEDIA_ROOT).parent.glob("*.before-restore-*"):
        shutil.rmtree(path)


@pytest.mark.skipif(not ON_SQLITE, reason="the embedded default")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_older_backup_restored_without_migrating_says_to_run_migrate(tmp_path):
    older = doctored_backup(
        backup_now(tmp_path),
        tmp_path / "older.tar.gz",
        "DROP TABLE consent_consentrecord; DELETE FROM django_migrations WHERE app = 'consent';",
    )
    out = io.StringIO()
    try:
        call_command("restore", str(older), yes=True, no_migrate=True, stdout=out)
        assert "Run `manage.py migrate` before starting the site" in out.getvalue()
        with pytest.raises(SystemExit):
            call_command("migrate", check_unapplied=True, plan=True, stdout=io.StringIO())
    finally:
        call_command("migrate", verbosity=0)
        warm_content_type_cache()
        for path in Path(settings.MEDIA_ROOT).parent.glob("*.before-restore-*"):
            shutil.rmtree(path)


def test_migrations_are_compared_by_name_with_this_codes():
    known = set(migrations_compare(set()).pending)
    assert "consent.0001_consent_records" in known
    assert migrations_compare(known).unknown == [] and migrations_compare(known).pending == []
    older = migrations_compare(known - {"consent.0001_consent_records"})
    assert older.pending == ["consent.0001_consent_records"] and older.unknown == []
    newer = migrations_compare(known | {"courses.0999_future", "newapp.0001_initial"})
    assert newer.unknown == ["courses.0999_future", "newapp.0001_initial"]


@pytest.mark.services
@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL only")
@pytest.mark.django_db
def test_on_postgresql_backup_points_to_pg_dump_and_media_only_works(tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup", output_dir=str(tmp_path))
    out = io.StringIO()
    call_command("backup", output_dir=str(tmp_path), media_only=True, stdout=out)
    assert backup_read_manifest(Path(out.getvalue().strip()))["database"] is None

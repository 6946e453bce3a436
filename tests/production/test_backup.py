"""`manage.py backup` and `restore`: a round trip gives back the database and the files."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lms.core.models import User
from lms.ops.backup import backup_read_manifest
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


@pytest.mark.services
@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL only")
@pytest.mark.django_db
def test_on_postgresql_backup_points_to_pg_dump_and_media_only_works(tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup", output_dir=str(tmp_path))
    out = io.StringIO()
    call_command("backup", output_dir=str(tmp_path), media_only=True, stdout=out)
    assert backup_read_manifest(Path(out.getvalue().strip()))["database"] is None

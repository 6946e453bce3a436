"""Backups of the embedded default: the SQLite database and the media files, in one tar.

``backup_create`` copies the database with SQLite's online backup API (consistent while
the site runs: readers and the one writer carry on) and adds the public and private media
trees and a manifest (what, when, which migrations, a checksum of the database copy).
``backup_restore`` checks the manifest and the checksum, and compares the migrations
applied in the backup's database with the ones this code has: a backup with migrations
this code does not know (made by a newer version) is refused before anything changes.
Then it replaces the database and both media trees; the old media trees are kept beside
the new ones until a person removes them. It reports the migrations of this code that the
backup lacks (an older version's backup), which the ``restore`` command then applies.
Stop the web and worker processes before a restore.

On PostgreSQL the database is backed up with ``pg_dump`` (docs/deploy.md); ``backup``
refuses rather than pretend, and ``--media-only`` still archives the files.

Personal data: a backup holds everything the site holds. Keep it as the database is kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "qadam-backup-1"
DATABASE_MEMBER = "database.sqlite3"
MANIFEST_MEMBER = "manifest.json"
MEDIA_TREES = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict


@dataclass(frozen=True)
class MigrationComparison:
    """The backup's applied migrations against this code's: ``unknown`` were applied in
    the backup but this code has no such migration (a newer version made the backup);
    ``pending`` are this code's migrations the backup lacks (an older version made it)."""

    unknown: list[str]
    pending: list[str]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    pending_migrations: list[str]


def migrations_compare(applied: set[str]) -> MigrationComparison:
    """Compare ``applied`` ("app.name" strings, as in ``django_migrations``) with the
    migrations on disk for the installed apps. A squashed migration counts as applied when
    every migration it replaces is, and the names it replaces are known."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known: set[str] = set()
    pending: list[str] = []
    for (app, name), migration in loader.disk_migrations.items():
        key = f"{app}.{name}"
        replaced = {f"{r_app}.{r_name}" for r_app, r_name in migration.replaces or []}
        known.add(key)
        known.update(replaced)
        if key not in applied and not (replaced and replaced <= applied):
            pending.append(key)
    return MigrationComparison(unknown=sorted(applied - known), pending=sorted(pending))


def _applied_in(database: Path) -> set[str]:
    copy = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = copy.execute("SELECT app, name FROM django_migrations").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError("The database in the backup has no migration table.") from error
    finally:
        copy.close()
    return {f"{app}.{name}" for app, name in rows}


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_root(name: str) -> Path:
    return Path(getattr(settings, MEDIA_TREES[name]))


def backup_create(*, output_dir: Path, media_only: bool = False) -> BackupResult:
    """Write ``qadam-<timestamp>.tar.gz`` into ``output_dir`` and return its path.

    Raises ``BackupError`` on PostgreSQL unless ``media_only``.
    """
    if not media_only and not _is_sqlite():
        raise BackupError(
            "The database is PostgreSQL: back it up with pg_dump (docs/deploy.md). "
            "Use --media-only for the files."
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"qadam-{stamp}.tar.gz"
    manifest: dict = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": None,
        "media": sorted(MEDIA_TREES),
        "migrations": sorted(
            f"{app}.{name}"
            for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
        ),
    }
    with tempfile.TemporaryDirectory(dir=output_dir) as scratch:
        if not media_only:
            copy = Path(scratch) / DATABASE_MEMBER
            source = sqlite3.connect(_sqlite_path())
            destination = sqlite3.connect(copy)
            try:
                with destination:
                    source.backup(destination)  # consistent snapshot, site may keep running
            finally:
                destination.close()
                source.close()
            manifest["database"] = {"sha256": _sha256(copy), "bytes": copy.stat().st_size}
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST_MEMBER)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, fileobj=__import__("io").BytesIO(data))
            if not media_only:
                archive.add(copy, arcname=DATABASE_MEMBER)
            for name in sorted(MEDIA_TREES):
                root = _media_root(name)
                if root.exists():
                    archive.add(root, arcname=name)
        partial.rename(target)  # a backup file exists only once it is whole
    target.chmod(0o600)
    return BackupResult(path=target, manifest=manifest)


def backup_read_manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        try:
            member = archive.extractfile(MANIFEST_MEMBER)
        except KeyError as error:
            raise BackupError(f"{path} is not a Qadam backup (no manifest).") from error
        manifest = json.loads(member.read()) if member else {}
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Qadam backup this version can read.")
    return manifest


def backup_restore(*, path: Path) -> RestoreResult:
    """Replace the database and the media trees with the backup at ``path``.

    Before touching anything: checks the manifest and the database checksum, and refuses
    a backup whose database has migrations this code does not know (a newer version's:
    this code would run against a schema it was not written for, and ``migrate`` cannot
    undo migrations it has never seen). Refuses a database backup on PostgreSQL (restore
    with pg_restore). Returns the manifest and the migrations still to apply.
    """
    manifest = backup_read_manifest(path)
    if manifest["database"] and not _is_sqlite():
        raise BackupError("The database is PostgreSQL: restore it with pg_restore.")
    pending: list[str] = []
    scratch_parent = _media_root("media").parent
    scratch_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch_parent) as scratch:
        with tarfile.open(path, "r:gz") as archive:
            # The "data" filter refuses absolute paths, "..", links out of the tree and
            # device files: a doctored archive cannot write outside the scratch folder.
            archive.extractall(scratch, filter="data")
        unpacked = Path(scratch)
        if manifest["database"]:
            copy = unpacked / DATABASE_MEMBER
            if _sha256(copy) != manifest["database"]["sha256"]:
                raise BackupError("The database in the backup is damaged (checksum differs).")
            comparison = migrations_compare(_applied_in(copy))
            if comparison.unknown:
                raise BackupError(
                    "This backup was made by a newer version of Qadam: its database has "
                    f"{len(comparison.unknown)} migration(s) this code does not know ("
                    + ", ".join(comparison.unknown[:10])
                    + (", ..." if len(comparison.unknown) > 10 else "")
                    + "). Nothing was changed. Install that version (or a newer one) and "
                    "restore again."
                )
            pending = comparison.pending
            connections.close_all()
            source = sqlite3.connect(copy)
            destination = sqlite3.connect(_sqlite_path(), timeout=30)
            try:
                with destination:
                    source.backup(destination)
            finally:
                destination.close()
                source.close()
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        for name in manifest["media"]:
            root = _media_root(name)
            incoming = unpacked / name
            if root.exists():
                root.rename(root.with_name(f"{root.name}.before-restore-{stamp}"))
            if incoming.exists():
                shutil.move(str(incoming), root)
            else:
                root.mkdir(parents=True, exist_ok=True)
    return RestoreResult(manifest=manifest, pending_migrations=pending)

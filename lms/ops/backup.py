"""Backups of the embedded default: the SQLite database and the media files, in one tar.

``backup_create`` copies the database with SQLite's online backup API (consistent while
the site runs: readers and the one writer carry on) and adds the public and private media
trees and a manifest (what, when, which migrations, a checksum of the database copy).
``backup_restore`` checks the manifest and the checksum, then replaces the database and
both media trees; the old media trees are kept beside the new ones until a person removes
them. Stop the web and worker processes before a restore.

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


def backup_restore(*, path: Path) -> dict:
    """Replace the database and the media trees with the backup at ``path``.

    Checks the manifest and the database checksum before touching anything. Refuses a
    database backup on PostgreSQL (restore with pg_restore). Returns the manifest.
    """
    manifest = backup_read_manifest(path)
    if manifest["database"] and not _is_sqlite():
        raise BackupError("The database is PostgreSQL: restore it with pg_restore.")
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
    return manifest

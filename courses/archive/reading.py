"""Unpacking a course archive from disk to disk, with limits.

The archive is never held in memory: entries are copied in 64 KiB chunks to a temporary
directory, counting the bytes actually decompressed (a zip's declared sizes are the
attacker's to choose). Refused: more than ``COURSE_ARCHIVE_MAX_ENTRIES`` entries, more than
``COURSE_ARCHIVE_MAX_TOTAL_BYTES`` unpacked in all, an entry that unpacks to more than
``COURSE_ARCHIVE_MAX_RATIO`` times its compressed size (past the first MiB), page data
past ``COURSE_ARCHIVE_MAX_JSON_BYTES``, unsafe or duplicate names, links, encryption.
"""

from __future__ import annotations

import json
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import FORMAT, VERSION, ArchiveError

CHUNK = 64 * 1024
RATIO_GRACE_BYTES = 1024 * 1024
JSON_ENTRIES = ("manifest.json", "pages.json")


@dataclass
class Unpacked:
    manifest: dict[str, Any]
    pages: list[dict[str, Any]]
    files: dict[str, Path]  # archive name -> unpacked file


def _name_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    parts = name.rstrip("/").split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
    ):
        return _("The archive contains an unsafe file name: %(name)s") % {"name": name}
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return _("The archive contains a link instead of a file: %(name)s") % {"name": name}
    if info.flag_bits & 0x1:
        return _("The archive contains an encrypted file: %(name)s") % {"name": name}
    return None


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, total: int) -> int:
    """Copy one entry to ``target``; returns the bytes written. Refuses on every limit."""
    limit = settings.COURSE_ARCHIVE_MAX_TOTAL_BYTES
    ratio_limit = max(settings.COURSE_ARCHIVE_MAX_RATIO * info.compress_size, RATIO_GRACE_BYTES)
    json_limit = settings.COURSE_ARCHIVE_MAX_JSON_BYTES
    written = 0
    with archive.open(info) as source, open(target, "xb") as sink:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if total + written > limit:
                raise ArchiveError(
                    _("The archive is larger than %(mb)s MB when unpacked.")
                    % {"mb": limit // (1024 * 1024)}
                )
            if written > ratio_limit:
                raise ArchiveError(
                    _(
                        "“%(name)s” unpacks to far more than it takes in the archive; "
                        "such archives are refused."
                    )
                    % {"name": info.filename}
                )
            if info.filename in JSON_ENTRIES and written > json_limit:
                raise ArchiveError(
                    _("The page data in the archive is larger than %(mb)s MB.")
                    % {"mb": json_limit // (1024 * 1024)}
                )
            sink.write(chunk)
    return written


def unpack(source: Path | IO[bytes], staging: Path) -> Unpacked:
    """Unpack ``source`` (a path or a seekable file) under ``staging`` and check its
    manifest and page list. Raises ``ArchiveError``; writes only under ``staging``."""
    try:
        archive = zipfile.ZipFile(source)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ArchiveError(_("This is not a course archive (not a readable zip file).")) from error
    with archive:
        if len(infos) > settings.COURSE_ARCHIVE_MAX_ENTRIES:
            raise ArchiveError(
                _("The archive has too many files (more than %(count)s).")
                % {"count": settings.COURSE_ARCHIVE_MAX_ENTRIES}
            )
        problems = [problem for info in infos if (problem := _name_problem(info))]
        seen: set[str] = set()
        for info in infos:
            if info.filename in seen:
                problems.append(_("The archive holds “%(name)s” twice.") % {"name": info.filename})
            seen.add(info.filename)
        if problems:
            raise ArchiveError(problems)
        files: dict[str, Path] = {}
        total = 0
        for index, info in enumerate(infos):
            if info.is_dir():
                continue
            # Unpacked under a number, never under the archive's own name.
            target = staging / f"{index}{PurePosixPath(info.filename).suffix.lower()[:16]}"
            try:
                total += _copy(archive, info, target, total)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                NotImplementedError,
            ) as error:
                raise ArchiveError(
                    _("The archive is damaged: %(name)s") % {"name": info.filename}
                ) from error
            files[info.filename] = target
    try:
        manifest = json.loads(files.pop("manifest.json").read_text("utf-8"))
        pages = json.loads(files.pop("pages.json").read_text("utf-8"))
    except (KeyError, ValueError) as error:
        raise ArchiveError(_("The archive has no readable manifest or page list.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(_("This is not a Qadam course archive."))
    if manifest.get("version") != VERSION:
        raise ArchiveError(
            _(
                "This archive was made by an incompatible version of Qadam (format %(found)s; this installation reads %(expected)s)."  # noqa: E501
            )
            % {"found": manifest.get("version"), "expected": VERSION}
        )
    media = manifest.get("media", [])
    if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
        raise ArchiveError(_("The archive's list of files is damaged."))
    for item in media:
        if item.get("file") not in files:
            raise ArchiveError(
                _("A file named in the archive is missing: %(name)s") % {"name": item.get("file")}
            )
    if not isinstance(pages, list) or not all(isinstance(entry, dict) for entry in pages):
        raise ArchiveError(_("The archive holds no course."))
    return Unpacked(manifest=manifest, pages=pages, files=files)

"""Reading an uploaded ``.h5p`` zip safely: which entries are kept, left out or refused,
and unpacking the kept ones while counting the bytes really decompressed.

Like the official H5P validator and h5p-standalone, entries that are not part of the
format are left out with a note (folder entries, files at the top level other than
``h5p.json``, ``__MACOSX/`` and other hidden top-level entries, Flash ``.swf`` files, the
editor-only ``H5PEditor.*`` libraries). Entries that could be harmful are refused: unsafe
or colliding names, symbolic links, files outside the extension allowlists. Every problem
is collected before anything is refused, so the uploader sees them all at once.

Sizes: the zip's declared sizes are checked first (per file, in all, compression ratio);
then every byte is counted as it is decompressed, since headers can lie.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .entry_names import name_problems
from .manifests import EDITOR_PREFIX, LIBRARY_FOLDER
from .refusal import PackageRefused

# The official H5P allowlists (h5p-php-library, H5PCore::$defaultContentWhitelist and
# $defaultLibraryWhitelistExtras), less what could run as a page here (html, xml).
CONTENT_EXTENSIONS = frozenset(
    {
        "json", "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "svg", "eot", "ttf", "woff",
        "woff2", "otf", "webm", "mp4", "ogg", "mp3", "m4a", "wav", "txt", "pdf", "rtf", "doc",
        "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "csv", "diff", "patch", "md",
        "textile", "vtt", "webvtt", "gltf", "glb",
    }
)  # fmt: skip
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}
# Flash cannot play anywhere any more: left out, not refused.
LEFT_OUT_EXTENSIONS = frozenset({"swf"})
CHUNK = 64 * 1024
# Below this many bytes a file's compression ratio is not judged (tiny JSON compresses well).
RATIO_FLOOR = 1024 * 1024
MB = 1024 * 1024


@dataclass
class Plan:
    """What to do with each entry of the zip."""

    keep: list[zipfile.ZipInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    editor_libraries: set[str] = field(default_factory=set)
    folder_entries: int = 0


def limits() -> dict[str, int]:
    return {
        "entries": settings.H5P_MAX_ENTRIES,
        "total": settings.H5P_MAX_TOTAL_BYTES,
        "file": settings.H5P_MAX_FILE_BYTES,
        "ratio": settings.H5P_MAX_COMPRESSION_RATIO,
    }


def _mb(size: int) -> str:
    return f"{size / MB:.0f}" if size >= MB else f"{size / MB:.2f}"


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def _declared_ratio_problem(info: zipfile.ZipInfo, ratio: int) -> str | None:
    if info.file_size > RATIO_FLOOR and info.file_size > ratio * max(info.compress_size, 1):
        return _(
            "“%(name)s” is compressed more than %(ratio)s times (%(mb)s MB from %(kb)s KB): "
            "such files are refused, as zip bombs are made this way."
        ) % {
            "name": info.filename,
            "ratio": ratio,
            "mb": _mb(info.file_size),
            "kb": max(info.compress_size // 1024, 1),
        }
    return None


def _ignored_top_level(name: str) -> bool:
    """``__MACOSX/``, ``.DS_Store`` and other hidden top-level entries, which the official
    validator skips (names that are unsafe anyway are still refused)."""
    parts = name.split("/")
    safe = "\\" not in name and ".." not in parts and not name.startswith("/")
    return safe and parts[0].startswith((".", "_")) and parts[0] not in ("", ".", "..")


def _classify(info: zipfile.ZipInfo, plan: Plan, limit: dict[str, int]) -> None:
    name = info.filename
    top = name.split("/", 1)[0]
    if "/" not in name.rstrip("/") and not info.is_dir() and name != "h5p.json":
        plan.notes.append(
            _("“%(name)s” is not part of the H5P format and was left out.") % {"name": name}
        )
        return
    if info.is_dir():
        plan.folder_entries += 1  # folders are made from the files' paths
        return
    if top.startswith(EDITOR_PREFIX) and LIBRARY_FOLDER.match(top):
        plan.editor_libraries.add(top)
        return
    extension = _extension(name)
    if extension in LEFT_OUT_EXTENSIONS:
        plan.notes.append(
            _("“%(name)s” is a Flash file, which no browser plays any more; it was left out.")
            % {"name": name}
        )
        return
    if top == "content":
        if extension not in CONTENT_EXTENSIONS:
            plan.problems.append(
                _("“%(name)s”: files of type .%(ext)s are not allowed in content.")
                % {"name": name, "ext": extension or "?"}
            )
            return
    elif name != "h5p.json":
        if not LIBRARY_FOLDER.match(top):
            plan.problems.append(
                _(
                    "“%(name)s” does not belong in an H5P package: “%(folder)s” is neither "
                    "“content” nor a library folder (Name-major.minor)."
                )
                % {"name": name, "folder": top}
            )
            return
        if extension not in LIBRARY_EXTENSIONS:
            plan.problems.append(
                _("“%(name)s”: files of type .%(ext)s are not allowed in libraries.")
                % {"name": name, "ext": extension or "?"}
            )
            return
    if info.file_size > limit["file"]:
        plan.problems.append(
            _("“%(name)s” is larger than %(mb)s MB when unpacked (%(size)s MB).")
            % {"name": name, "mb": _mb(limit["file"]), "size": _mb(info.file_size)}
        )
        return
    ratio = _declared_ratio_problem(info, limit["ratio"])
    if ratio:
        plan.problems.append(ratio)
        return
    plan.keep.append(info)


def entries_plan(infos: list[zipfile.ZipInfo]) -> Plan:
    """Sort every entry into kept, left out (with a note) or refused (with a problem)."""
    plan = Plan()
    limit = limits()
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        if _ignored_top_level(name):
            if not info.is_dir():
                plan.notes.append(
                    _("“%(name)s” is not part of the H5P format and was left out.") % {"name": name}
                )
            continue
        bad = name_problems(name)
        if _is_symlink(info):
            bad.append(_("“%(name)s” is a symbolic link.") % {"name": name})
        folded = name.rstrip("/").casefold()
        if folded in seen:
            if seen[folded] == name.rstrip("/"):
                bad.append(_("“%(name)s” appears twice.") % {"name": name})
            else:
                bad.append(
                    _("“%(name)s” and “%(other)s” differ only in upper and lower case.")
                    % {"name": name, "other": seen[folded]}
                )
        seen[folded] = name.rstrip("/")
        if bad:
            plan.problems += bad
            continue
        _classify(info, plan, limit)
    if plan.folder_entries:
        plan.notes.append(
            ngettext(
                "%(count)s folder entry was skipped: folders are made from the files' paths.",
                "%(count)s folder entries were skipped: folders are made from the files' paths.",
                plan.folder_entries,
            )
            % {"count": plan.folder_entries}
        )
    if plan.editor_libraries:
        plan.notes.append(
            ngettext(
                "The editor library %(names)s is only needed to edit content; it was left out.",
                "The editor libraries %(names)s are only needed to edit content; they were "
                "left out.",
                len(plan.editor_libraries),
            )
            % {"names": ", ".join(sorted(plan.editor_libraries))}
        )
    declared = sum(info.file_size for info in plan.keep)
    if declared > limit["total"]:
        plan.problems.append(
            _("The package is larger than %(mb)s MB when unpacked (%(size)s MB).")
            % {"mb": _mb(limit["total"]), "size": _mb(declared)}
        )
    return plan


class TooLarge(Exception):
    """Unpacking stopped: the bytes really decompressed passed the total limit."""


def _extract_one(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, total: list[int]
) -> str | None:
    """Write one entry; return a problem (and remove the file) or None."""
    limit = limits()
    written = 0
    ceiling = max(info.compress_size, 1) * limit["ratio"]
    with archive.open(info) as source, open(target, "xb") as sink:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            total[0] += len(chunk)
            if total[0] > limit["total"]:
                raise TooLarge
            if written > limit["file"]:
                return _("“%(name)s” is larger than %(mb)s MB when unpacked.") % {
                    "name": info.filename,
                    "mb": _mb(limit["file"]),
                }
            if written > RATIO_FLOOR and written > ceiling:
                return _(
                    "“%(name)s” is compressed more than %(ratio)s times: such files are "
                    "refused, as zip bombs are made this way."
                ) % {"name": info.filename, "ratio": limit["ratio"]}
            sink.write(chunk)
    return None


def extract(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], staging: Path, problems: list[str]
) -> int:
    """Write ``infos`` under ``staging``; return the bytes really written.

    Every entry that is too large, too compressed or damaged is named in ``problems`` (and
    its file removed); past the total limit unpacking stops and ``PackageRefused`` is
    raised with every problem so far.
    """
    total = [0]
    root = staging.resolve()
    for info in infos:
        target = staging.joinpath(*info.filename.split("/"))
        if not target.resolve().is_relative_to(root):
            problems.append(_("“%(name)s” points outside the package.") % {"name": info.filename})
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            problem = _extract_one(archive, info, target, total)
        except TooLarge:
            target.unlink(missing_ok=True)
            raise PackageRefused(
                [
                    *problems,
                    _("The package is larger than %(mb)s MB when unpacked.")
                    % {"mb": _mb(limits()["total"])},
                ]
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            problem = _("“%(name)s” is damaged and cannot be unpacked.") % {"name": info.filename}
        if problem:
            target.unlink(missing_ok=True)
            problems.append(problem)
    return total[0]

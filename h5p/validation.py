"""Checking an uploaded ``.h5p`` package before anything of it is kept.

Like the official H5P validator, and stricter: we refuse (never silently skip) unsafe
names, symlinks, duplicate or case-colliding names and files outside the extension
allowlists; we count the bytes actually decompressed (not the sizes the zip declares)
against limits on total size, file size and number of entries; we refuse SVG that can run
script or load anything; we list every internet address the content would load.

``package_extract`` is the one entry point: it extracts into a fresh staging folder the
caller owns and returns what it found, or raises ``PackageRefused`` with every reason.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

# The official H5P allowlists (h5p-php-library, H5PValidator), less what cannot be played
# here (swf) or could run as a page (html, xml).
CONTENT_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "csv",
        "diff",
        "patch",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
    ]
)
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}

MACHINE_NAME = re.compile(r"^[\w0-9\-.]{1,255}$")
LANGUAGE = re.compile(r"^[-a-zA-Z]{1,10}$")
LIBRARY_FOLDER = re.compile(r"^([\w0-9\-.]{1,255})-(\d+)\.(\d+)$")
# A file name part: letters, digits and a few marks; no leading dot (hidden files).
SAFE_PART = re.compile(r"^[\w\-][\w\-. ()+,@=]*$")
URL = re.compile(r"""(?i)\b(?:https?:)?//[a-z0-9][^\s"'<>)\\]*""")
HREF_URL = re.compile(r"""(?i)href\s*=\s*\\?["']?\s*(?:https?:)?//[^\s"'<>\\]*""")
SVG_FORBIDDEN = re.compile(
    r"(?is)<\s*script|<\s*foreignobject|<!entity|<!doctype|\bon[a-z]+\s*=|javascript:|"
    r"(?:xlink:)?href\s*=\s*[\"']?\s*(?:https?:|//|data:)|url\(\s*[\"']?\s*(?:https?:|//)|"
    r"@import"
)


class PackageRefused(Exception):
    """The package may not be imported; ``reasons`` says why, in words for the uploader."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class LibraryRef:
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class PackageLibrary:
    ref: LibraryRef
    patch: int
    metadata: dict[str, Any]
    dependencies: list[LibraryRef]


@dataclass
class Package:
    """What a valid package holds, extracted under ``staging``."""

    staging: Path
    h5p_json: dict[str, Any]
    main_library: LibraryRef
    dependencies: list[LibraryRef]
    libraries: dict[LibraryRef, PackageLibrary] = field(default_factory=dict)
    external_urls: list[str] = field(default_factory=list)
    size_bytes: int = 0

    @property
    def title(self) -> str:
        return str(self.h5p_json.get("title", ""))[:255]


def limits() -> dict[str, int]:
    return {
        "entries": settings.H5P_MAX_ENTRIES,
        "total": settings.H5P_MAX_TOTAL_BYTES,
        "file": settings.H5P_MAX_FILE_BYTES,
    }


def _name_problems(name: str) -> list[str]:
    problems = []
    if "\\" in name:
        problems.append(_("“%(name)s” has a backslash in its path.") % {"name": name})
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        problems.append(_("“%(name)s” is an absolute path.") % {"name": name})
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        problems.append(_("“%(name)s” points outside the package (..).") % {"name": name})
    elif not problems and any(not SAFE_PART.match(part) for part in parts):
        problems.append(_("“%(name)s” has a hidden, empty or unusual name part.") % {"name": name})
    return problems


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _check_entries(infos: list[zipfile.ZipInfo]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        problems += _name_problems(name)
        if _is_symlink(info):
            problems.append(_("“%(name)s” is a symbolic link.") % {"name": name})
        folded = name.rstrip("/").casefold()
        if folded in seen:
            if seen[folded] == name.rstrip("/"):
                problems.append(_("“%(name)s” appears twice.") % {"name": name})
            else:
                problems.append(
                    _("“%(name)s” and “%(other)s” differ only in upper and lower case.")
                    % {"name": name, "other": seen[folded]}
                )
        seen[folded] = name.rstrip("/")
        if info.is_dir():
            continue
        top = name.split("/", 1)[0]
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        if name == "h5p.json":
            continue
        if top == "content":
            if extension not in CONTENT_EXTENSIONS:
                problems.append(
                    _("“%(name)s”: files of type .%(ext)s are not allowed in content.")
                    % {"name": name, "ext": extension or "?"}
                )
        elif LIBRARY_FOLDER.match(top) and "/" in name:
            if extension not in LIBRARY_EXTENSIONS:
                problems.append(
                    _("“%(name)s”: files of type .%(ext)s are not allowed in libraries.")
                    % {"name": name, "ext": extension or "?"}
                )
        else:
            problems.append(_("“%(name)s” does not belong in an H5P package.") % {"name": name})
    return problems


def _extract(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], staging: Path) -> int:
    """Write every file under ``staging``, counting real decompressed bytes."""
    limit = limits()
    total = 0
    for info in infos:
        target = staging.joinpath(*info.filename.rstrip("/").split("/"))
        if not target.resolve().is_relative_to(staging.resolve()):
            raise PackageRefused(
                [_("“%(name)s” points outside the package.") % {"name": info.filename}]
            )
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with archive.open(info) as source, open(target, "xb") as sink:
            while chunk := source.read(64 * 1024):
                written += len(chunk)
                total += len(chunk)
                if written > limit["file"]:
                    raise PackageRefused(
                        [
                            _("“%(name)s” is larger than %(mb)s MB when unpacked.")
                            % {"name": info.filename, "mb": limit["file"] // (1024 * 1024)}
                        ]
                    )
                if total > limit["total"]:
                    raise PackageRefused(
                        [
                            _("The package is larger than %(mb)s MB when unpacked.")
                            % {"mb": limit["total"] // (1024 * 1024)}
                        ]
                    )
                sink.write(chunk)
    return total


def _load_json(path: Path, label: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(_("%(file)s is missing.") % {"file": label})
        return None
    except (ValueError, UnicodeDecodeError):
        problems.append(_("%(file)s is not valid JSON.") % {"file": label})
        return None
    if not isinstance(data, dict):
        problems.append(_("%(file)s is not a JSON object.") % {"file": label})
        return None
    return data


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _refs(value: Any, label: str, problems: list[str]) -> list[LibraryRef]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(_("%(file)s: a dependency list is not a list.") % {"file": label})
        return []
    refs = []
    for item in value:
        if not isinstance(item, dict):
            problems.append(_("%(file)s: a dependency is not an object.") % {"file": label})
            continue
        name, major, minor = (
            item.get("machineName"),
            _int(item.get("majorVersion")),
            _int(item.get("minorVersion")),
        )
        if (
            not isinstance(name, str)
            or not MACHINE_NAME.match(name)
            or major is None
            or minor is None
        ):
            problems.append(
                _("%(file)s: a dependency has no valid name or version.") % {"file": label}
            )
            continue
        refs.append(LibraryRef(name, major, minor))
    return refs


def _check_h5p_json(
    data: dict[str, Any], problems: list[str]
) -> tuple[LibraryRef | None, list[LibraryRef]]:
    label = "h5p.json"
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        problems.append(_("h5p.json has no title."))
    if not isinstance(data.get("language"), str) or not LANGUAGE.match(data["language"]):
        problems.append(_("h5p.json has no valid language."))
    main = data.get("mainLibrary")
    if not isinstance(main, str) or not MACHINE_NAME.match(main):
        problems.append(_("h5p.json has no valid main library."))
    embed = data.get("embedTypes")
    if not isinstance(embed, list) or not embed or not set(embed) <= {"div", "iframe"}:
        problems.append(_("h5p.json has no valid embed types."))
    if not isinstance(data.get("preloadedDependencies"), list) or not data["preloadedDependencies"]:
        problems.append(_("h5p.json lists no libraries."))
    refs = _refs(data.get("preloadedDependencies"), label, problems)
    main_ref = next((ref for ref in refs if ref.machine_name == main), None)
    if isinstance(main, str) and refs and main_ref is None:
        problems.append(_("h5p.json: the main library is not among its libraries."))
    return main_ref, refs


def _check_library(folder: Path, problems: list[str]) -> PackageLibrary | None:
    label = f"{folder.name}/library.json"
    data = _load_json(folder / "library.json", label, problems)
    if data is None:
        return None
    name = data.get("machineName")
    major, minor, patch = (
        _int(data.get(k)) for k in ("majorVersion", "minorVersion", "patchVersion")
    )
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        problems.append(_("%(file)s has no title.") % {"file": label})
    if not isinstance(name, str) or not MACHINE_NAME.match(name) or None in (major, minor, patch):
        problems.append(_("%(file)s has no valid name or version.") % {"file": label})
        return None
    if data.get("runnable") not in (0, 1, True, False):
        problems.append(_("%(file)s: “runnable” must be 0 or 1.") % {"file": label})
    ref = LibraryRef(name, major, minor)  # type: ignore[arg-type]
    if ref.folder != folder.name:
        problems.append(
            _("%(file)s describes %(library)s, which belongs in folder %(folder)s.")
            % {"file": label, "library": ref, "folder": ref.folder}
        )
    for key in ("preloadedJs", "preloadedCss"):
        files = data.get(key, [])
        if not isinstance(files, list):
            problems.append(_("%(file)s: %(key)s is not a list.") % {"file": label, "key": key})
            continue
        for item in files:
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or _name_problems(path) or not (folder / path).is_file():
                problems.append(
                    _("%(file)s names a file that is not in the package: %(path)s")
                    % {"file": label, "path": path}
                )
    dependencies = _refs(data.get("preloadedDependencies"), label, problems) + _refs(
        data.get("dynamicDependencies"), label, problems
    )
    return PackageLibrary(ref=ref, patch=patch, metadata=data, dependencies=dependencies)  # type: ignore[arg-type]


def _check_svgs(staging: Path, problems: list[str]) -> None:
    for svg in staging.rglob("*"):
        if svg.suffix.lower() == ".svg" and svg.is_file():
            text = svg.read_bytes().decode("utf-8", errors="replace")
            if SVG_FORBIDDEN.search(text):
                problems.append(
                    _("“%(name)s” is an SVG image that could run script or load other files.")
                    % {"name": svg.relative_to(staging).as_posix()}
                )


def content_external_urls(text: str) -> list[str]:
    """Internet addresses the content would load: every URL except plain links (href),
    which load nothing until followed."""
    without_links = HREF_URL.sub("", text)
    return sorted({match.group(0) for match in URL.finditer(without_links)})


def package_extract(upload: IO[bytes] | Path, staging: Path) -> Package:
    """Check ``upload`` and extract it into ``staging`` (which must not exist yet).

    Raises ``PackageRefused``; the caller removes ``staging`` whatever happens.
    """
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageRefused([_("The file is not an H5P package (not a zip file).")]) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits()["entries"]:
            raise PackageRefused(
                [
                    _("The package has %(count)s files; at most %(limit)s are allowed.")
                    % {"count": len(infos), "limit": limits()["entries"]}
                ]
            )
        problems = _check_entries(infos)
        if problems:
            raise PackageRefused(problems)
        staging.mkdir(parents=True)
        try:
            size = _extract(archive, infos, staging)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise PackageRefused([_("The package is damaged and cannot be unpacked.")]) from None

    h5p_json = _load_json(staging / "h5p.json", "h5p.json", problems)
    if h5p_json is None:
        raise PackageRefused(problems)
    main_ref, dependencies = _check_h5p_json(h5p_json, problems)
    content_json = staging / "content" / "content.json"
    content_data = _load_json(content_json, "content/content.json", problems)
    external = (
        content_external_urls(content_json.read_text(encoding="utf-8"))
        if content_data is not None
        else []
    )
    libraries: dict[LibraryRef, PackageLibrary] = {}
    for folder in sorted(staging.iterdir()):
        if folder.is_dir() and folder.name != "content":
            library = _check_library(folder, problems)
            if library is not None:
                libraries[library.ref] = library
    _check_svgs(staging, problems)
    if problems or main_ref is None:
        raise PackageRefused(problems or [_("h5p.json has no valid main library.")])
    return Package(
        staging=staging,
        h5p_json=h5p_json,
        main_library=main_ref,
        dependencies=dependencies,
        libraries=libraries,
        external_urls=external,
        size_bytes=size,
    )


def dependency_closure(
    roots: list[LibraryRef], known: dict[LibraryRef, list[LibraryRef]]
) -> tuple[list[LibraryRef], list[LibraryRef]]:
    """Every library reachable from ``roots`` through ``known`` (ref -> its dependencies),
    and the ones that are not known (missing)."""
    found: list[LibraryRef] = []
    missing: list[LibraryRef] = []
    stack = list(roots)
    seen: set[LibraryRef] = set()
    while stack:
        ref = stack.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if ref not in known:
            missing.append(ref)
            continue
        found.append(ref)
        stack.extend(known[ref])
    return found, sorted(missing, key=str)

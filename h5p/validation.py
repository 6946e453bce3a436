"""Checking an uploaded ``.h5p`` package before anything of it is kept.

``package_extract`` is the one entry point: it unpacks the entries worth keeping into a
fresh staging folder the caller owns (``h5p.archive``: names, types, sizes, compression),
reads ``h5p.json`` and every ``library.json`` (``h5p.manifests``), cleans the content's
SVG images (``h5p.svg``) and lists the internet addresses the content would load
(``h5p.internet``). It returns what it found, with notes on what was left out, or raises
``PackageRefused`` with every reason at once.

Filtering the content's text against the libraries' semantics needs to know which
libraries will be used (installed or brought): the importer does it (``h5p.semantics``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .archive import entries_plan, extract, limits
from .internet import urls_loaded
from .manifests import (
    LibraryRef,
    PackageLibrary,
    h5p_json_check,
    json_object,
    library_check,
)
from .refusal import PackageRefused
from .svg import content_svgs_clean

__all__ = [
    "LibraryRef",
    "Package",
    "PackageLibrary",
    "PackageRefused",
    "dependency_closure",
    "package_extract",
]


@dataclass
class Package:
    """What a valid package holds, extracted under ``staging``."""

    staging: Path
    h5p_json: dict[str, Any]
    main_library: LibraryRef | None
    dependencies: list[LibraryRef]
    params: Any = None
    libraries: dict[LibraryRef, PackageLibrary] = field(default_factory=dict)
    external_urls: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    size_bytes: int = 0

    @property
    def title(self) -> str:
        return str(self.h5p_json.get("title", ""))[:255]

    @property
    def content_bytes(self) -> int:
        """Bytes of ``h5p.json`` and ``content/``: what storing the content costs."""
        paths = [self.staging / "h5p.json", *(self.staging / "content").rglob("*")]
        return sum(path.stat().st_size for path in paths if path.is_file())


def _open(upload: IO[bytes] | Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageRefused([_("The file is not an H5P package (not a zip file).")]) from None


def package_extract(
    upload: IO[bytes] | Path, staging: Path, *, libraries_only: bool = False
) -> Package:
    """Check ``upload`` and extract it into ``staging`` (which must not exist yet).

    With ``libraries_only`` (an administrator installing library code), ``h5p.json`` and
    ``content/`` are not needed and the content is not checked. Raises ``PackageRefused``;
    the caller removes ``staging`` whatever happens.
    """
    with _open(upload) as archive:
        infos = archive.infolist()
        if len(infos) > limits()["entries"]:
            raise PackageRefused(
                [
                    _("The package has %(count)s files; at most %(limit)s are allowed.")
                    % {"count": len(infos), "limit": limits()["entries"]}
                ]
            )
        plan = entries_plan(infos)
        problems = plan.problems
        staging.mkdir(parents=True)
        size = extract(archive, plan.keep, staging, problems)

    h5p_json: dict[str, Any] = {}
    main_ref: LibraryRef | None = None
    dependencies: list[LibraryRef] = []
    params: Any = None
    external: list[str] = []
    if not libraries_only or (staging / "h5p.json").exists():
        h5p_json = json_object(staging / "h5p.json", "h5p.json", problems) or {}
        if h5p_json:
            main_ref, dependencies = h5p_json_check(h5p_json, problems)
    if not libraries_only:
        params = json_object(staging / "content" / "content.json", "content/content.json", problems)
        external = urls_loaded(params) if params is not None else []
        content_svgs_clean(staging / "content", staging, problems)
    libraries: dict[LibraryRef, PackageLibrary] = {}
    for folder in sorted(staging.iterdir()):
        if folder.is_dir() and folder.name != "content":
            library = library_check(folder, problems)
            if library is not None:
                libraries[library.ref] = library
    if libraries_only and not libraries:
        problems.append(_("The package holds no libraries."))
    if problems:
        raise PackageRefused(problems)
    return Package(
        staging=staging,
        h5p_json=h5p_json,
        main_library=main_ref,
        dependencies=dependencies,
        params=params,
        libraries=libraries,
        external_urls=external,
        notes=plan.notes,
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

"""Installing and upgrading H5P libraries (code that runs in every learner's browser).

The H5P model: content comes from anyone who may author, library code only from
administrators (``h5p.install_library``). A package's library is written if it is new, or
if its patch is newer than the installed one, and only by someone who may install;
otherwise the installed version is used (a content-only package imports for a trainer
when its libraries are installed). ``h5p_libraries_install`` installs or upgrades the
libraries of a package without creating content; ``h5p.importer`` uses the same plan.

Files are moved into place last, inside the caller's transaction, and moved back if
anything fails (``FileMoves``).
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.audit import audit_record
from lms.core.models import User

from .manifests import LibraryRef, dependency_refs, runnable
from .models import H5PLibrary, h5p_root
from .permissions import may_install_libraries
from .validation import Package, PackageRefused, dependency_closure, package_extract


def library_ref(library: H5PLibrary) -> LibraryRef:
    return LibraryRef(library.machine_name, library.major_version, library.minor_version)


def installed_dependencies(library: H5PLibrary) -> list[LibraryRef]:
    problems: list[str] = []
    return [
        *dependency_refs(
            library.metadata.get("preloadedDependencies"), "", "preloadedDependencies", problems
        ),
        *dependency_refs(
            library.metadata.get("dynamicDependencies"), "", "dynamicDependencies", problems
        ),
    ]


def installed_libraries() -> dict[LibraryRef, H5PLibrary]:
    return {library_ref(library): library for library in H5PLibrary.objects.all()}


class FileMoves:
    """Folders moved into place; undone if the import fails, old versions dropped on
    commit."""

    def __init__(self, root: Path):
        self.root = root
        self.done: list[tuple[Path, Path | None]] = []

    def put(self, source: Path, final: Path) -> None:
        backup = None
        if final.exists():
            backup = self.root / "trash" / uuid.uuid4().hex
            backup.parent.mkdir(parents=True, exist_ok=True)
            final.rename(backup)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.done.append((final, backup))
        source.rename(final)

    def undo(self) -> None:
        for final, backup in reversed(self.done):
            shutil.rmtree(final, ignore_errors=True)
            if backup is not None:
                backup.rename(final)

    def drop_backups(self) -> None:
        for _final, backup in self.done:
            if backup is not None:
                shutil.rmtree(backup, ignore_errors=True)


@dataclass
class LibraryPlan:
    """Which of a package's libraries to write, and what the content will use."""

    installed: dict[LibraryRef, H5PLibrary]
    to_write: list[LibraryRef] = field(default_factory=list)
    needed: list[LibraryRef] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored_upgrades: list[LibraryRef] = field(default_factory=list)

    def metadata(self, package: Package, ref: LibraryRef) -> dict[str, Any] | None:
        if ref in self.to_write:
            return package.libraries[ref].metadata
        library = self.installed.get(ref)
        return library.metadata if library is not None else None


def _needed_by(ref: LibraryRef, known: dict[LibraryRef, list[LibraryRef]], roots: list) -> str:
    parents = sorted(str(parent) for parent, deps in known.items() if ref in deps)
    return ", ".join(parents) if parents else ("h5p.json" if ref in roots else "?")


def library_plan(
    *, package: Package, actor: User | None, roots: list[LibraryRef] | None = None
) -> LibraryPlan:
    """Decide which libraries ``actor`` writes from ``package`` and which the content
    needs (the closure of ``roots``, by default ``h5p.json``'s dependencies)."""
    plan = LibraryPlan(installed=installed_libraries())
    may_install = actor is None or may_install_libraries(actor)
    known = {ref: installed_dependencies(lib) for ref, lib in plan.installed.items()}
    candidates = []
    for ref, library in package.libraries.items():
        current = plan.installed.get(ref)
        if current is None or library.patch > current.patch_version:
            if may_install or current is None:
                known[ref] = library.dependencies
                candidates.append(ref)
            else:
                plan.ignored_upgrades.append(ref)
    roots = package.dependencies if roots is None else roots
    plan.needed, missing = dependency_closure(roots, known)
    for ref in missing:
        plan.problems.append(
            _(
                "The library %(name)s is missing (neither in the package nor installed); "
                "it is needed by %(parents)s."
            )
            % {"name": ref, "parents": _needed_by(ref, known, roots)}
        )
    plan.to_write = sorted(ref for ref in candidates if ref in plan.needed)
    new = [ref for ref in plan.to_write if ref not in plan.installed]
    if new and not may_install:
        plan.problems.append(
            _(
                "The package brings library code that is not installed yet (%(names)s). "
                "Only an administrator may install library code."
            )
            % {"names": ", ".join(str(ref) for ref in new)}
        )
    return plan


def libraries_write(
    *, actor: User | None, package: Package, plan: LibraryPlan, moves: FileMoves
) -> dict[LibraryRef, H5PLibrary]:
    """Inside the caller's transaction: rows, audit events and folders for
    ``plan.to_write``; returns every needed library's row."""
    now = timezone.now()
    rows: dict[LibraryRef, H5PLibrary] = {}
    for ref in plan.to_write:
        library = package.libraries[ref]
        row, created = H5PLibrary.objects.update_or_create(
            machine_name=ref.machine_name,
            major_version=ref.major,
            minor_version=ref.minor,
            defaults={
                "patch_version": library.patch,
                "title": str(library.metadata.get("title", ""))[:255],
                "runnable": runnable(library.metadata),
                "metadata": library.metadata,
                "installed_at": now,
                "installed_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action="h5p.library.install" if created else "h5p.library.upgrade",
            obj=row,
            before=None if created else {"patch": plan.installed[ref].patch_version},
            after={"library": str(row)},
        )
        rows[ref] = row
    for ref in plan.needed:
        if ref not in rows:
            rows[ref] = plan.installed[ref]
    for ref in plan.to_write:
        moves.put(package.staging / ref.folder, h5p_root() / "libraries" / ref.folder)
    return rows


@dataclass
class InstallResult:
    written: list[H5PLibrary]
    unchanged: list[LibraryRef]
    notes: list[str]


def h5p_libraries_install(*, actor: User | None, upload: IO[bytes] | Path) -> InstallResult:
    """Install or upgrade every library in ``upload`` (an .h5p file, content or not)
    without creating content. Needs ``h5p.install_library`` (``actor=None`` is the
    system, from a management command). Libraries already installed at the same or a
    newer patch are left as they are. Each written library gets an
    ``h5p.library.install``/``upgrade`` audit event. Raises ``PackageRefused``."""
    if actor is not None and not may_install_libraries(actor):
        raise PackageRefused([_("Only an administrator may install library code.")])
    root = h5p_root()
    staging = root / "staging" / uuid.uuid4().hex
    moves = FileMoves(root)
    try:
        package = package_extract(upload, staging, libraries_only=True)
        plan = library_plan(package=package, actor=actor, roots=list(package.libraries))
        if plan.problems:
            raise PackageRefused(plan.problems)
        try:
            with transaction.atomic():
                rows = libraries_write(actor=actor, package=package, plan=plan, moves=moves)
                transaction.on_commit(moves.drop_backups)
        except BaseException as error:
            moves.undo()
            if isinstance(error, IntegrityError):
                raise PackageRefused(
                    [_("Another upload installed the same library at the same moment. Try again.")]
                ) from None
            raise
        written = [rows[ref] for ref in plan.to_write]
        unchanged = sorted(ref for ref in package.libraries if ref not in plan.to_write)
        return InstallResult(written=written, unchanged=unchanged, notes=package.notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

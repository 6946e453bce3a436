"""Importing a checked H5P package: libraries once per version, content per package.

``h5p_content_import`` is all or nothing: a refused or failed import leaves no file under
``H5P_ROOT`` and no row in the database (the package is unpacked into a staging folder
that is always removed; files are moved into place last, inside the transaction, and moved
back if anything fails).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import IO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.audit import audit_record
from lms.core.models import User

from .models import H5PContent, H5PLibrary, h5p_root
from .permissions import may_install_libraries
from .validation import LibraryRef, PackageRefused, dependency_closure, package_extract

MAX_LISTED_URLS = 5


def _ref(library: H5PLibrary) -> LibraryRef:
    return LibraryRef(library.machine_name, library.major_version, library.minor_version)


def _installed_dependencies(library: H5PLibrary) -> list[LibraryRef]:
    refs = []
    for key in ("preloadedDependencies", "dynamicDependencies"):
        for item in library.metadata.get(key) or []:
            refs.append(LibraryRef(item["machineName"], item["majorVersion"], item["minorVersion"]))
    return refs


class _Moves:
    """Files moved into place; undone if the import fails, old versions dropped on commit."""

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


def h5p_content_import(
    *,
    actor: User | None,
    upload: IO[bytes] | Path,
    title: str = "",
    internet_reason: str = "",
) -> H5PContent:
    """Check ``upload`` and store it as new H5P content; return it.

    Libraries the package brings that are not installed (or newer patches of installed
    ones) need ``h5p.install_library``; without it an upgrade is ignored and a new library
    refuses the package. Every library the content needs must be in the package or already
    installed. Content that loads from the internet needs ``internet_reason``. Raises
    ``PackageRefused`` with every reason; writes an ``h5p.content.import`` audit event.
    """
    root = h5p_root()
    staging = root / "staging" / uuid.uuid4().hex
    moves = _Moves(root)
    try:
        package = package_extract(upload, staging)
        installed = {_ref(lib): lib for lib in H5PLibrary.objects.all()}
        may_install = actor is None or may_install_libraries(actor)
        known = {ref: _installed_dependencies(lib) for ref, lib in installed.items()}
        to_write = []
        for ref, library in package.libraries.items():
            current = installed.get(ref)
            if current is None or (may_install and library.patch > current.patch_version):
                known[ref] = library.dependencies
                to_write.append(ref)
        needed, missing = dependency_closure(package.dependencies, known)
        problems = []
        if missing:
            problems.append(
                _("These libraries are missing (neither in the package nor installed): %(names)s.")
                % {"names": ", ".join(str(ref) for ref in missing)}
            )
        to_write = [ref for ref in to_write if ref in needed]
        new = [ref for ref in to_write if ref not in installed]
        if new and not may_install:
            problems.append(
                _(
                    "The package brings library code that is not installed yet (%(names)s). "
                    "Only an administrator may install library code."
                )
                % {"names": ", ".join(str(ref) for ref in new)}
            )
        ref = package.main_library
        main_metadata = (
            package.libraries[ref].metadata
            if ref in to_write
            else installed[ref].metadata
            if ref in installed
            else None
        )
        if main_metadata is not None and not main_metadata.get("runnable"):
            problems.append(
                _("The main library %(name)s cannot be played on its own.") % {"name": ref}
            )
        if package.external_urls and not internet_reason.strip():
            listed = ", ".join(package.external_urls[:MAX_LISTED_URLS])
            problems.append(
                _(
                    "The content loads files from the internet, which kiosks cannot reach: "
                    "%(urls)s. Give a reason to import it anyway."
                )
                % {"urls": listed}
            )
        if problems:
            raise PackageRefused(problems)

        try:
            with transaction.atomic():
                now = timezone.now()
                rows = {}
                for ref in to_write:
                    library = package.libraries[ref]
                    row, created = H5PLibrary.objects.update_or_create(
                        machine_name=ref.machine_name,
                        major_version=ref.major,
                        minor_version=ref.minor,
                        defaults={
                            "patch_version": library.patch,
                            "title": str(library.metadata.get("title", ""))[:255],
                            "runnable": bool(library.metadata.get("runnable")),
                            "metadata": library.metadata,
                            "installed_at": now,
                            "installed_by": actor,
                        },
                    )
                    audit_record(
                        actor=actor,
                        action="h5p.library.install" if created else "h5p.library.upgrade",
                        obj=row,
                        before=None if created else {"patch": installed[ref].patch_version},
                        after={"library": str(row)},
                    )
                    rows[ref] = row
                for ref in needed:
                    rows.setdefault(ref, installed.get(ref))  # type: ignore[arg-type]
                content = H5PContent.objects.create(
                    title=(title.strip() or package.title or _("Untitled activity"))[:255],
                    main_library=rows[package.main_library],
                    h5p_json=package.h5p_json,
                    external_urls=package.external_urls,
                    internet_reason=internet_reason.strip() if package.external_urls else "",
                    size_bytes=package.size_bytes,
                    uploaded_by=actor,
                )
                content.libraries.set([rows[ref] for ref in needed])
                audit_record(
                    actor=actor,
                    action="h5p.content.import",
                    obj=content,
                    after={
                        "title": content.title,
                        "main_library": str(content.main_library),
                        "external_urls": package.external_urls,
                        "internet_reason": content.internet_reason,
                    },
                )
                for ref in to_write:
                    moves.put(staging / ref.folder, root / "libraries" / ref.folder)
                final = content.path
                final.mkdir(parents=True)
                moves.done.append((final, None))
                (staging / "h5p.json").rename(final / "h5p.json")
                (staging / "content").rename(final / "content")
                transaction.on_commit(moves.drop_backups)
        except BaseException as error:
            moves.undo()
            if isinstance(error, IntegrityError):
                raise PackageRefused(
                    [_("Another upload installed the same library at the same moment. Try again.")]
                ) from None
            raise
        return content
    finally:
        shutil.rmtree(staging, ignore_errors=True)

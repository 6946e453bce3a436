"""Importing a checked H5P package as content: libraries once per version (``h5p.libraries``),
content per package.

``h5p_content_import`` is all or nothing: a refused or failed import leaves no file under
``H5P_ROOT`` and no row in the database (the package is unpacked into a staging folder
that is always removed; files are moved into place last, inside the transaction, and moved
back if anything fails). The content's ``content.json`` and ``h5p.json`` are stored
filtered against the libraries' semantics (``h5p.semantics``): what the player is served
is what the filter let through.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.core.audit import audit_record
from lms.core.models import User

from .libraries import FileMoves, LibraryPlan, libraries_write, library_plan
from .manifests import LibraryRef, runnable
from .models import H5PContent, h5p_root
from .semantics import ContentFilter, SemanticsMissing, plain_text
from .validation import Package, PackageRefused, package_extract

MAX_LISTED_URLS = 5
# h5p.json keys the player reads as structure; every other string is text shown to people.
H5P_JSON_STRUCTURE = {"mainLibrary", "language", "embedTypes", "preloadedDependencies"}


def _semantics_source(package: Package, plan: LibraryPlan) -> Any:
    def semantics_for(ref: LibraryRef) -> list[Any] | None:
        if ref in plan.to_write or ref not in plan.installed:
            library = package.libraries.get(ref)
            return library.semantics if library is not None else None
        path = plan.installed[ref].path / "semantics.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, list) else None

    return semantics_for


def _content_filter(package: Package, plan: LibraryPlan, problems: list[str]) -> Any:
    """Filter ``package``'s content against the semantics of the libraries it will use;
    write the filtered files into staging. Returns the filter (None if refused)."""
    if package.main_library is None:
        return None
    content_filter = ContentFilter(_semantics_source(package, plan))
    try:
        params = content_filter.params_filter(package.params, package.main_library)
    except SemanticsMissing as missing:
        problems.append(
            _(
                "The library %(name)s has no semantics.json, so the content that uses it "
                "cannot be checked."
            )
            % {"name": missing.ref}
        )
        return None
    outside = sorted(ref for ref in content_filter.used if ref not in plan.needed)
    if outside:
        problems.append(
            _("content/content.json uses %(names)s, which h5p.json does not list.")
            % {"names": ", ".join(map(str, outside))}
        )
    (package.staging / "content" / "content.json").write_text(
        json.dumps(params if params is not None else {}, ensure_ascii=False), encoding="utf-8"
    )
    shown = {
        key: value if key in H5P_JSON_STRUCTURE else _escaped(value)
        for key, value in package.h5p_json.items()
    }
    (package.staging / "h5p.json").write_text(json.dumps(shown, ensure_ascii=False), "utf-8")
    return content_filter


def _escaped(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _escaped(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_escaped(child) for child in value]
    return plain_text(value) if isinstance(value, str) else value


def _quota_problem(actor: User | None, size: int) -> str | None:
    quota = settings.H5P_QUOTA_BYTES
    if actor is None or not quota or actor.is_superuser:
        return None
    used = H5PContent.objects.filter(uploaded_by=actor).aggregate(s=Sum("size_bytes"))["s"] or 0
    if used + size <= quota:
        return None
    mb = 1024 * 1024
    return _(
        "Your H5P activities would take %(total)s MB, more than the %(quota)s MB each "
        "trainer may use (this package: %(size)s MB). Delete activities no lesson uses, or "
        "ask an administrator."
    ) % {
        "total": f"{(used + size) / mb:.1f}",
        "quota": f"{quota / mb:.0f}",
        "size": f"{size / mb:.1f}",
    }


def _import_problems(
    package: Package, plan: LibraryPlan, actor: User | None, internet_reason: str
) -> list[str]:
    problems = list(plan.problems)
    ref = package.main_library
    metadata = plan.metadata(package, ref) if ref is not None else None
    if metadata is not None and not runnable(metadata):
        problems.append(_("The main library %(name)s cannot be played on its own.") % {"name": ref})
    if package.external_urls and not internet_reason.strip():
        listed = ", ".join(package.external_urls[:MAX_LISTED_URLS])
        problems.append(
            _(
                "The content loads files from the internet, which kiosks cannot reach: "
                "%(urls)s. Give a reason to import it anyway."
            )
            % {"urls": listed}
        )
    quota = _quota_problem(actor, package.content_bytes)
    if quota:
        problems.append(quota)
    return problems


def _notes(package: Package, plan: LibraryPlan, content_filter: ContentFilter) -> list[str]:
    notes = list(package.notes)
    if plan.ignored_upgrades:
        notes.append(
            _(
                "The package brings newer versions of %(names)s; the installed versions are "
                "used (only an administrator may upgrade library code)."
            )
            % {"names": ", ".join(map(str, plan.ignored_upgrades))}
        )
    if content_filter.changed:
        notes.append(
            ngettext(
                "%(count)s text in the content held markup its content type does not allow; "
                "it was cleaned.",
                "%(count)s texts in the content held markup their content type does not "
                "allow; they were cleaned.",
                content_filter.changed,
            )
            % {"count": content_filter.changed}
        )
    return notes


def h5p_content_import(
    *,
    actor: User | None,
    upload: IO[bytes] | Path,
    title: str = "",
    internet_reason: str = "",
) -> H5PContent:
    """Check ``upload`` and store it as new H5P content; return it, with ``import_notes``
    (what was left out or cleaned, for the uploader).

    Libraries the package brings that are not installed (or newer patches of installed
    ones) need ``h5p.install_library``; without it an upgrade is ignored and a new library
    refuses the package. Every library the content needs must be in the package or already
    installed. Content that loads from the internet needs ``internet_reason``. A trainer's
    activities together stay within ``H5P_QUOTA_BYTES``. Raises ``PackageRefused`` with
    every reason; writes an ``h5p.content.import`` audit event.
    """
    root = h5p_root()
    staging = root / "staging" / uuid.uuid4().hex
    moves = FileMoves(root)
    try:
        package = package_extract(upload, staging)
        plan = library_plan(package=package, actor=actor)
        problems = _import_problems(package, plan, actor, internet_reason)
        content_filter = _content_filter(package, plan, problems) if not plan.problems else None
        if problems or content_filter is None:
            raise PackageRefused(problems)
        try:
            with transaction.atomic():
                rows = libraries_write(actor=actor, package=package, plan=plan, moves=moves)
                content = H5PContent.objects.create(
                    title=(title.strip() or package.title or _("Untitled activity"))[:255],
                    main_library=rows[package.main_library],  # type: ignore[index]
                    h5p_json=package.h5p_json,
                    external_urls=package.external_urls,
                    internet_reason=internet_reason.strip() if package.external_urls else "",
                    size_bytes=package.content_bytes,
                    uploaded_by=actor,
                )
                content.libraries.set([rows[ref] for ref in plan.needed])
                audit_record(
                    actor=actor,
                    action="h5p.content.import",
                    obj=content,
                    after={
                        "title": content.title,
                        "main_library": str(content.main_library),
                        "external_urls": package.external_urls,
                        "internet_reason": content.internet_reason,
                        "left_out": package.notes,
                    },
                )
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
        content.import_notes = _notes(package, plan, content_filter)  # type: ignore[attr-defined]
        return content
    finally:
        shutil.rmtree(staging, ignore_errors=True)

"""The sandboxed player frame: its document, the content's files and the libraries' files.

Each H5P activity plays in an ``<iframe sandbox="allow-scripts">`` (never
``allow-same-origin``) whose document is served here with a policy of its own: the frame
is sandboxed by its own CSP too (so opening its URL as a page is sandboxed as well), and
only inside it may scripts use ``eval``/``new Function`` (``'unsafe-eval'``), which common
content types need to compile their templates. The lesson page keeps the site's policy.

The frame has an opaque origin: no cookies reach these views. The document and the
content's files are read with a per-view grant in the URL (``h5p.view_grants``); library
files are shared code that holds nothing personal and are served to anyone, under a URL
that changes with every install or upgrade, cached for a year (``public``, ``immutable``),
kiosks included (``kiosk.middleware.no_store`` leaves such responses alone).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from .files import file_response
from .models import ContentUserData, H5PContent, H5PLibrary, h5p_root
from .view_grants import ViewGrant, view_grant_read

YEAR = 365 * 24 * 60 * 60


def libraries_revision() -> int:
    """Changes whenever a library is installed or upgraded, so cached library files are
    fetched again under a new URL. Remembered per content version (installing a library
    changes it: ``h5p.apps``)."""
    from lms.core.serving import memoised

    return memoised(("h5p_libraries_revision",), _read_libraries_revision)


def _read_libraries_revision() -> int:
    from django.db.models import Max

    newest = H5PLibrary.objects.aggregate(newest=Max("installed_at"))["newest"]
    return int(newest.timestamp()) if newest else 0


PLAYER_DIR = "vendor/h5p-standalone"


@functools.cache
def _player_dir() -> Path:
    found = finders.find(f"{PLAYER_DIR}/frame.bundle.js")
    if not found:
        raise ImproperlyConfigured("h5p-standalone is not vendored: run `make assets`.")
    return Path(found).parent


@functools.cache
def player_revision() -> str:
    """Changes with the vendored h5p-standalone (a hash of H5P core): its files are cached
    for a year under it."""
    return hashlib.sha256((_player_dir() / "frame.bundle.js").read_bytes()).hexdigest()[:12]


def frame_policy(origin: str) -> str:
    """The frame document's own CSP: sandboxed (scripts, nothing else: no same origin, no
    top navigation, no pop-ups, no forms), everything from our origin only."""
    return "; ".join(
        [
            "sandbox allow-scripts",
            "default-src 'none'",
            f"script-src {origin} 'unsafe-eval'",
            f"style-src {origin} 'unsafe-inline'",
            f"img-src {origin} data: blob:",
            f"font-src {origin} data:",
            f"media-src {origin} blob:",
            f"connect-src {origin}",
            f"frame-src {origin}",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {origin}",
        ]
    )


def _grant(token: str) -> tuple[ViewGrant, H5PContent]:
    grant = view_grant_read(token)
    content = H5PContent.objects.filter(pk=grant.content_id).first() if grant else None
    if grant is None or content is None:
        raise Http404
    return grant, content


def frame_config(request: HttpRequest, token: str, grant: ViewGrant, content: H5PContent) -> dict:
    """h5p-standalone's options for this view (the learner's saved state preloaded)."""
    base = reverse("h5p:frame_file", args=[token, "h5p.json"]).removesuffix("h5p.json")
    config: dict[str, Any] = {
        "id": grant.block_id,
        "h5pJsonPath": base.rstrip("/"),
        "contentJsonPath": base + "content",
        "librariesPath": reverse("h5p:library_file", args=[libraries_revision(), "x"]).removesuffix(
            "/x"
        ),
        "frameJs": reverse("h5p:player_file", args=[player_revision(), "frame.bundle.js"]),
        "frameCss": reverse("h5p:player_file", args=[player_revision(), "styles/h5p.css"]),
        "customJs": [static("js/h5p-frame.js")],
        "xAPIObjectIRI": f"{settings.QADAM_BASE_URL}/h5p/activities/{grant.lesson_key}/"
        f"{grant.block_id}",
        "siteUrl": settings.QADAM_BASE_URL + "/",
        # H5P runs in this frame's own document: a nested iframe would get a new opaque
        # origin of its own (sandbox flags are inherited) that H5P cannot write into.
        "embedType": "div",
        "frame": False,
        "copyright": False,
        "export": False,
        "embed": False,
        "icon": False,
        "fullScreen": True,
        "title": content.title,
        # Nothing of the person: the server sets the actor of every statement.
        "user": {"name": "learner", "mail": "learner@learners.invalid"},
        # State is read here and sent by the page (h5p-frame.js), never by H5P's own ajax
        # (h5p-frame.js makes H5P.setUserData a no-op). saveFreq must be truthy all the
        # same: H5P core hands a content type its saved state (previousState) only then.
        "saveFreq": 24 * 60 * 60,
        # H5P core's own state requests (a content type calling setUserData) get a 404.
        "ajax": {"contentUserDataUrl": base + "state/:dataType/:subContentId"},
        # Messages go to the lesson page only (its origin), with this view's token.
        "pageOrigin": request.build_absolute_uri("/").rstrip("/"),
        "view": token,
    }
    saved = (
        ContentUserData.objects.filter(
            learner_id=grant.learner_id,
            content=content,
            lesson_key=grant.lesson_key,
            activity_key=grant.block_id,
            data_type="state",
            sub_content_id="0",
        )
        .values_list("data", flat=True)
        .first()
    )
    # Always preloaded, or H5P core would ask a URL by ajax (the page, not the frame, reads
    # and saves state). "No saved state" is JSON false: H5P core's own word for it,
    # "RESET", makes it show a "Data Reset: the content has changed" dialog when
    # saveFreq is set.
    config["contentUserData"] = [{"state": saved or "false"}]
    return config


@require_GET
def frame_document(request: HttpRequest, token: str) -> HttpResponse:
    grant, content = _grant(token)
    response = render(
        request,
        "h5p/frame.html",
        {"config": frame_config(request, token, grant, content), "title": content.title},
    )
    origin = request.build_absolute_uri("/").rstrip("/")
    response["Content-Security-Policy"] = frame_policy(origin)
    response._csp_exempt = True  # type: ignore[attr-defined]  # replaces the site's policy
    response["Cache-Control"] = "no-store"  # holds the learner's saved answers
    response["Referrer-Policy"] = "no-referrer"  # the token stays out of other requests
    return response


@require_GET
def frame_file(request: HttpRequest, token: str, path: str) -> FileResponse:
    _grant_value, content = _grant(token)
    if path != "h5p.json" and not path.startswith("content/"):
        raise Http404
    return file_response(content.path, path, "private, max-age=3600")


@require_GET
def library_file(request: HttpRequest, revision: int, path: str) -> FileResponse:
    return file_response(h5p_root() / "libraries", path, f"public, max-age={YEAR}, immutable")


@require_GET
def player_file(request: HttpRequest, revision: str, path: str) -> FileResponse:
    """h5p-standalone's core files (H5P core, its CSS and fonts) with the CORS header the
    opaque-origin frame needs for fonts, which static files do not get in development."""
    return file_response(_player_dir(), path, f"public, max-age={YEAR}, immutable")

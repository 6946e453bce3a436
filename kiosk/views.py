"""Kiosk pages: registering a device, signing in and out, the session's language and
"still here", the first-use PIN change; and the education officer's PIN page."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.core.backends import KIOSK_BACKEND
from lms.core.models import User
from lms.core.policy import may_manage_learners, people_visible_to, person_for_staff_read

from . import kiosk_session as ks
from .forms import PinChangeForm, PinSetForm, RegisterForm, SignInForm
from .services.authentication import kiosk_sign_in
from .services.devices import device_rebind, device_rebind_issue, device_register
from .services.errors import KioskError, LockedOut, NotAKiosk
from .services.pins import kiosk_pin_change, kiosk_pin_set

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def _set_device_cookie(request: HttpRequest, response: HttpResponse, token: str) -> None:
    response.set_cookie(
        settings.KIOSK_DEVICE_COOKIE,
        token,
        max_age=settings.KIOSK_DEVICE_COOKIE_AGE,
        httponly=True,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Enter a one-time code to make this browser a kiosk."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _device, token = device_register(code=form.cleaned_data["code"])
        except KioskError as error:
            form.add_error("code", str(error))
        else:
            ks.session_end(request)
            response = redirect("kiosk:sign_in")
            _set_device_cookie(request, response, token)
            return response
    return render(request, "kiosk/register.html", {"form": form}, status=200)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    device = request.kiosk
    if device is None:
        return render(request, "kiosk/not_a_kiosk.html", status=403)
    if request.user.is_authenticated:
        return redirect("learning:home")
    form = SignInForm(request.POST or None)
    error = None
    locked = False
    if request.method == "POST" and form.is_valid():
        try:
            result = kiosk_sign_in(
                device=device,
                prisoner_number=form.cleaned_data["prisoner_number"],
                pin=form.cleaned_data["pin"],
            )
        except NotAKiosk:  # a cookie this process kept, rebound or revoked since
            return render(request, "kiosk/not_a_kiosk.html", status=403)
        except LockedOut as exc:
            error, locked = str(exc), True
        except KioskError as exc:
            error = str(exc)
        else:
            language = request.session.get(ks.LANGUAGE_KEY)
            login(request, result.user, backend=KIOSK_BACKEND)
            ks.session_start(
                request,
                device_id=str(device.pk),
                device_token_hash=device.token_hash,
                must_change_pin=result.must_change_pin,
            )
            request.session["kiosk_queue_key"] = secrets.token_hex(16)
            if language:
                request.session[ks.LANGUAGE_KEY] = language
            if result.must_change_pin:
                return redirect("kiosk:pin_change")
            return redirect("learning:home")
    ended = request.GET.get("ended")
    notices = {
        "idle": _("You were signed out because nobody used the screen."),
        "cap": _("You were signed out because the time for one session ran out."),
        "signed_out": _("You are signed out. Thank you."),
        "other": _("You were signed out."),
    }
    return render(
        request,
        "kiosk/sign_in.html",
        {"form": form, "error": error, "locked": locked, "notice": notices.get(ended)},
        status=429 if locked else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session for certain: flush it, and tell the browser to clear the site's
    cache, cookies and storage. Clearing cookies also clears the device cookie, so the
    response hands the kiosk a one-time link that gives it back (``rebind``), if the
    cookie is still the kiosk's current one (``device_rebind_issue``)."""
    device = request.kiosk
    reason = request.POST.get("reason")
    reason = reason if reason in ("idle", "cap") else "signed_out"
    ks.session_end(request)
    token = device_rebind_issue(device=device) if device is not None else None
    if token is None:
        response = redirect("kiosk:sign_in")
    else:
        response = redirect(reverse("kiosk:rebind", args=[device.pk, token]) + f"?ended={reason}")
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@require_GET
def rebind(request: HttpRequest, device_id: str, token: str) -> HttpResponse:
    result = device_rebind(device_id=str(device_id), token=token)
    if result is None:
        return redirect("kiosk:sign_in")
    _device, new_token = result
    ended = request.GET.get("ended")
    ended = ended if ended in ("idle", "cap", "signed_out") else "signed_out"
    response = redirect(reverse("kiosk:sign_in") + f"?ended={ended}")
    _set_device_cookie(request, response, new_token)
    return response


@require_POST
def activity(request: HttpRequest) -> JsonResponse:
    """The page reports real activity (a touch, a key, "still here"): the idle clock moves
    now (not only every few seconds, as for page loads); the answer says how long the
    session has left."""
    if request.kiosk is None or not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    if not ks.is_background(request):
        ks.activity_touch(request, force=True)  # a report of real touches: always kept
    return JsonResponse({"signed_in": True, "seconds_left": ks.seconds_left(request)})


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Choose the language for this kiosk session only (no long-lived cookie)."""
    code = request.POST.get("language")
    if code in dict(settings.LANGUAGES):
        request.session[ks.LANGUAGE_KEY] = code
    target = request.GET.get("next") or reverse("kiosk:sign_in")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("kiosk:sign_in")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def pin_change(request: HttpRequest) -> HttpResponse:
    if request.kiosk is None:
        raise PermissionDenied
    form = PinChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kiosk_pin_change(actor=request.user, pin=form.cleaned_data["pin"])
        except KioskError as error:
            form.add_error("pin", str(error))
        else:
            request.session[ks.PIN_CHANGE_KEY] = False
            messages.success(request, _("Your new PIN is saved."))
            return redirect("learning:home")
    return render(request, "kiosk/pin_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def manage_pin(request: HttpRequest, public_id: str) -> HttpResponse:
    """An education officer sets or resets a prisoner's kiosk PIN (staff web)."""
    if not may_manage_learners(request.user):
        raise PermissionDenied
    # A prisoner of another facility (or a guessed ID) is refused and the attempt logged.
    learner = person_for_staff_read(
        request,
        people_visible_to(request.user).filter(role=User.Role.PRISONER_LEARNER),
        public_id=public_id,
        page="kiosk_pin",
    )
    form = PinSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kiosk_pin_set(
                actor=request.user,
                learner=learner,
                pin=form.cleaned_data["pin"],
                must_change=form.cleaned_data["must_change"],
            )
        except KioskError as error:
            form.add_error("pin", str(error))
        else:
            messages.success(
                request, _("The kiosk PIN of %(learner)s is set.") % {"learner": learner}
            )
            return redirect("manage:learner", public_id=learner.public_id)
    return render(request, "kiosk/manage/pin.html", {"form": form, "learner": learner})

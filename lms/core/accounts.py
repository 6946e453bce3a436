"""Staff sign-in on the web (/accounts/login/): the form and the views. Prisoners never
sign in here; they sign in on a kiosk of their unit (``kiosk``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa, passkeys, staff_sessions
from .models import StaffSession, User


class StaffAuthenticationForm(AuthenticationForm):
    """The staff sign-in (/accounts/login/): prisoners sign in only on kiosks."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.is_prisoner:
            raise forms.ValidationError(
                _("Learners in custody sign in on a kiosk in their unit."), code="kiosk_only"
            )


staff_login = auth_views.LoginView.as_view(
    redirect_authenticated_user=True, authentication_form=StaffAuthenticationForm
)
staff_logout = auth_views.LogoutView.as_view()


# --- Second factor (django-otp) -----------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second-factor step: enrol a TOTP app or a passkey on first sign-in (then show
    the one-time recovery codes once), or verify with a passkey, a code from the app or a
    recovery code."""
    user = request.user
    new_codes = request.session.pop(passkeys.NEW_CODES_KEY, None)
    if user.is_verified():
        if new_codes:  # a passkey was just registered (passkeys.CompleteRegistrationView)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": new_codes, "next": _safe_next(request)},
            )
        return redirect(_safe_next(request))
    has_app = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
    has_passkey = passkeys.passkeys_for(user=user).exists()
    passkey_config = passkeys.passkey_config_json(request)
    form = TokenForm(request.POST or None)
    if has_app or has_passkey:
        if request.method == "POST" and form.is_valid():
            device = match_token(user, form.cleaned_data["token"].replace(" ", ""))
            if device is not None:
                otp_login(request, device)
                return redirect(_safe_next(request))
            form.add_error("token", _("The code is wrong or has expired. Try again."))
        return render(
            request,
            "registration/two_factor_verify.html",
            {
                "form": form,
                "has_app": has_app,
                "has_passkey": has_passkey,
                "passkey_config": passkey_config,
            },
        )
    device = mfa.totp_device_pending(user=user)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_device_confirm(
            user=user, device=device, token=form.cleaned_data["token"].replace(" ", "")
        )
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        form.add_error("token", _("The code is wrong or has expired. Try again."))
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "secret": mfa.totp_secret(device),
            "qr_svg": mfa.totp_qr_svg(device),
            "passkey_config": passkey_config,
        },
    )


# --- Open sessions ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def sessions(request: HttpRequest) -> HttpResponse:
    """The signed-in person's open sessions (device, address, times), each with an End
    button. Administrators may open another person's with ``?person=<public id>``."""
    person = request.user
    wanted = request.GET.get("person")
    if wanted and request.user.is_administrator:
        try:
            person = get_object_or_404(User, public_id=wanted)
        except ValidationError:
            raise Http404 from None
    rows = staff_sessions.open_sessions(person)
    own = person.pk == request.user.pk
    return render(
        request,
        "registration/sessions.html",
        {
            "person": person,
            "rows": rows,
            "current": request.session.session_key,
            "passkeys": passkeys.passkeys_for(user=person).order_by("created_at"),
            "passkey_config": passkeys.passkey_config_json(request) if own else "",
        },
    )


@login_required
@require_POST
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one passkey: the person's own (never their last second factor), or anyone's
    by an administrator. Back to the sessions page it was listed on."""
    credential = get_object_or_404(passkeys.passkeys_for_removal(actor=request.user), pk=pk)
    person = credential.user
    try:
        mfa.passkey_remove(actor=request.user, credential=credential)
    except mfa.LastFactorError:
        messages.error(
            request,
            _(
                "This is your only second factor. Add another passkey or an authenticator "
                "app first, or ask an administrator to reset your second factor."
            ),
        )
    else:
        messages.success(request, _("The passkey was removed."))
    target = reverse("sessions")
    if person.pk != request.user.pk:
        target += "?person=" + str(person.public_id)
    return redirect(target)


@login_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(StaffSession, pk=pk)
    if not (record.user_id == request.user.pk or request.user.is_administrator):
        raise Http404
    is_current = record.session_key == request.session.session_key
    staff_sessions.staff_session_end(actor=request.user, record=record)
    if is_current:
        return redirect("login")
    messages.success(request, _("The session was ended."))
    target = reverse("sessions")
    if record.user_id != request.user.pk:
        target += "?person=" + str(record.user.public_id)
    return redirect(target)

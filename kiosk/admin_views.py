"""Kiosks in the Wagtail admin: list, registration codes, rename/move, revoke.

Administrators see every facility's kiosks; education officers only those of the
facilities they manage (``kiosk_facilities_for``); everyone else is refused.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import DeviceForm, RegistrationCodeForm
from .models import Device, format_code
from .permissions import kiosk_facilities_for, may_manage_kiosks
from .selectors import devices_for_facilities, open_registration_codes
from .services import devices
from .services.errors import KioskError


def _facilities(request: HttpRequest):
    if not may_manage_kiosks(request.user):
        raise PermissionDenied
    return kiosk_facilities_for(request.user)


def _device(request: HttpRequest, device_id: str) -> Device:
    return get_object_or_404(Device.objects.filter(facility__in=_facilities(request)), pk=device_id)


def index(request: HttpRequest) -> HttpResponse:
    facilities = _facilities(request)
    return TemplateResponse(
        request,
        "kiosk/admin/index.html",
        {
            "devices": devices_for_facilities(facilities),
            "codes": open_registration_codes(facilities),
        },
    )


def code_create(request: HttpRequest) -> HttpResponse:
    facilities = _facilities(request)
    form = RegistrationCodeForm(request.POST or None, facilities=facilities)
    code = None
    if request.method == "POST" and form.is_valid():
        try:
            _row, code = devices.registration_code_create(
                actor=request.user,
                facility=form.cleaned_data["facility"],
                unit=form.cleaned_data["unit"],
                device_name=form.cleaned_data["device_name"],
            )
        except KioskError as error:
            form.add_error(None, str(error))
    response = TemplateResponse(
        request,
        "kiosk/admin/code.html",
        {"form": form, "code": format_code(code) if code else None},
    )
    response["Cache-Control"] = "no-store"
    return response


def device_edit(request: HttpRequest, device_id: str) -> HttpResponse:
    device = _device(request, device_id)
    form = DeviceForm(
        request.POST or None,
        facilities=_facilities(request),
        initial={
            "device_name": device.name,
            "facility": device.facility,
            "unit": device.unit,
            "language": device.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            devices.device_update(
                actor=request.user,
                device=device,
                name=form.cleaned_data["device_name"],
                facility=form.cleaned_data["facility"],
                unit=form.cleaned_data["unit"],
                language=form.cleaned_data["language"],
            )
        except KioskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Kiosk saved."))
            return redirect("kiosk_admin:index")
    return TemplateResponse(request, "kiosk/admin/device.html", {"form": form, "device": device})


@require_POST
def device_revoke(request: HttpRequest, device_id: str) -> HttpResponse:
    device = _device(request, device_id)
    devices.device_revoke(actor=request.user, device=device)
    messages.success(request, _("Kiosk “%(name)s” is revoked.") % {"name": device.name})
    return redirect("kiosk_admin:index")


@require_POST
def device_lockout_lift(request: HttpRequest, device_id: str) -> HttpResponse:
    device = _device(request, device_id)
    devices.device_lockout_lift(actor=request.user, device=device)
    messages.success(
        request, _("Sign-in on kiosk “%(name)s” is open again.") % {"name": device.name}
    )
    return redirect("kiosk_admin:index")

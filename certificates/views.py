"""My certificates (signed-in learners) and public verification (anyone)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import VerifyForm
from .models import Certificate, normalise_code


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(learner=request.user).order_by("-created_at")
    return render(request, "certificates/my_certificates.html", {"certificates": certificates})


@login_required
@never_cache
def certificate_download(request: HttpRequest, public_id: str) -> FileResponse:
    """The holder downloads their own PDF; nobody else's is reachable here."""
    certificate = get_object_or_404(
        Certificate.objects.issued(), public_id=public_id, learner=request.user
    )
    if not certificate.pdf:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.serial_number}.pdf",
        content_type="application/pdf",
    )


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine? Shows only what an employer needs."""
    certificate = (
        Certificate.objects.issued().filter(verification_code=normalise_code(code)).first()
    )
    response = render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "form": VerifyForm()},
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response

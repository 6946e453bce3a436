"""My certificates (signed-in learners), public verification (anyone, rate-limited), the
signed status list, and the staff web for certificates (education officers, scoped to
their facilities; administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Locale

from courses.models import CoursePage
from lms.core.models import AuditEvent
from lms.core.policy import (
    may_manage_learners,
    people_visible_to,
    person_read,
    person_read_denied,
)

from . import selectors
from .forms import ManualIssueForm, ReasonForm, ReissueForm, VerifyForm
from .models import Certificate, normalise_code
from .ratelimit import verify_rate_limit
from .services.documents import status_list_token
from .services.errors import CertificateError
from .services.officer_actions import (
    certificate_issue_manual,
    certificate_reissue,
    certificate_revoke,
)
from .services.privacy import certificate_privacy_set

VC_JWT_TYPE = "application/vc+jwt"


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(learner=request.user).order_by("-created_at")
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "certificates": certificates,
            "renewals": selectors.renewals_due(viewer=request.user, learner=request.user),
        },
    )


@login_required
@require_POST
def certificate_privacy(request: HttpRequest, public_id: str) -> HttpResponse:
    """The holder chooses what the public check page shows: full name or initials."""
    certificate = get_object_or_404(
        Certificate.objects.issued(), public_id=public_id, learner=request.user
    )
    choice = request.POST.get("verify_name", "")
    if choice in ("full", "initials"):
        certificate_privacy_set(actor=request.user, certificate=certificate, verify_name=choice)
        messages.success(request, _("Your choice is saved."))
    return redirect("certificates:mine")


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


def _credential_response(certificate: Certificate) -> HttpResponse:
    if not certificate.credential:
        raise Http404
    response = HttpResponse(certificate.credential, content_type=VC_JWT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="credential-{certificate.serial_number}.jwt"'
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@never_cache
def credential_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """The holder's signed Open Badges 3.0 credential (VC-JWT)."""
    certificate = get_object_or_404(
        Certificate.objects.issued(), public_id=public_id, learner=request.user
    )
    return _credential_response(certificate)


@require_GET
@verify_rate_limit
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


def _issued_by_code(code: str) -> Certificate | None:
    return Certificate.objects.issued().filter(verification_code=normalise_code(code)).first()


@require_GET
@verify_rate_limit
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine? Valid, expired or revoked, and only what an
    employer needs: never the facility, the prisoner number or where it was earned."""
    certificate = _issued_by_code(code)
    response = render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "form": VerifyForm(),
            "show_full_name": certificate is not None and certificate.shows_full_name,
        },
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@verify_rate_limit
def verify_credential(request: HttpRequest, code: str) -> HttpResponse:
    """The signed credential, for whoever holds the code (as the verify page)."""
    certificate = _issued_by_code(code)
    if certificate is None:
        raise Http404
    return _credential_response(certificate)


@require_GET
def status_list(request: HttpRequest) -> HttpResponse:
    """The signed revocation status list (Bitstring Status List as VC-JWT). Built from
    the database on each request: a revocation shows at once."""
    response = HttpResponse(status_list_token(), content_type=VC_JWT_TYPE)
    response["Cache-Control"] = "no-cache, max-age=0"
    return response


@require_GET
def json_ld_context(request: HttpRequest, name: str) -> HttpResponse:
    from .credentials import BUNDLED_CONTEXTS

    files = {path.name: path for path in BUNDLED_CONTEXTS.values()}
    if name not in files:
        raise Http404
    return HttpResponse(files[name].read_bytes(), content_type="application/ld+json")


# --- Staff web --------------------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    if not may_manage_learners(request.user):
        raise PermissionDenied


@login_required
def manage_certificates(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    certificates = selectors.certificates_visible_to(request.user).order_by("-created_at")
    return render(
        request,
        "certificates/manage/list.html",
        {"certificates": certificates[:300]},
    )


@login_required
def manage_renewals(request: HttpRequest) -> HttpResponse:
    """Staff certificates due for renewal, for the people the viewer manages."""
    _require_manager(request)
    return render(
        request,
        "certificates/manage/renewals.html",
        {"renewals": selectors.renewals_due(viewer=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_certificate(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_manager(request)
    certificate = (
        selectors.certificates_visible_to(request.user).filter(public_id=public_id).first()
    )
    if certificate is None:
        person_read_denied(request, page="certificate", public_id=public_id)
        raise Http404
    person_read(request, person=certificate.learner, page="certificate")
    action = request.POST.get("action")
    revoke_form = ReasonForm(request.POST if action == "revoke" else None, prefix="revoke")
    reissue_form = ReissueForm(request.POST if action == "reissue" else None, prefix="reissue")
    try:
        if action == "revoke" and revoke_form.is_valid():
            certificate_revoke(
                actor=request.user,
                certificate=certificate,
                reason=revoke_form.cleaned_data["reason"],
            )
            messages.success(request, _("The certificate is revoked."))
            return redirect("certificates:manage_certificate", public_id=public_id)
        if action == "reissue" and reissue_form.is_valid():
            certificate_reissue(
                actor=request.user,
                certificate=certificate,
                reason=reissue_form.cleaned_data["reason"],
                holder_name=reissue_form.cleaned_data["holder_name"] or None,
                template=reissue_form.cleaned_data["template"],
            )
            messages.success(request, _("The certificate is being reissued."))
            return redirect("certificates:manage_certificate", public_id=public_id)
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("certificates:manage_certificate", public_id=public_id)
    labels = {
        "certificate.prepare": _("Prepared"),
        "certificate.issue": _("Issued"),
        "certificate.issue_manual": _("Issued by hand"),
        "certificate.revoke": _("Revoked"),
        "certificate.reissue": _("Reissued"),
    }
    history = [
        (event, labels.get(event.action, event.action))
        for event in AuditEvent.objects.filter(
            object_type=Certificate._meta.label_lower, object_id=str(certificate.pk)
        ).order_by("at", "id")
    ]
    return render(
        request,
        "certificates/manage/detail.html",
        {
            "certificate": certificate,
            "revoke_form": revoke_form,
            "reissue_form": reissue_form,
            "history": history,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_issue(request: HttpRequest, public_id: str) -> HttpResponse:
    """An education officer issues a certificate by hand to a learner they manage."""
    _require_manager(request)
    learner = get_object_or_404(people_visible_to(request.user).learners(), public_id=public_id)
    # Voluntary programmes are not offered: a certificate by hand would record, on a
    # staff screen, that the person took part (and refusing a second one would tell).
    courses = (
        CoursePage.objects.live()
        .filter(issues_certificate=True, locale=Locale.get_active())
        .not_voluntary()
        .order_by("title")
    )
    form = ManualIssueForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificate_issue_manual(
                actor=request.user,
                learner=learner,
                course=form.cleaned_data["course"],
                reason=form.cleaned_data["reason"],
                completed_on=form.cleaned_data["completed_on"],
            )
        except CertificateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The certificate is being prepared."))
            return redirect("certificates:manage_certificate", public_id=certificate.public_id)
    return render(request, "certificates/manage/issue.html", {"learner": learner, "form": form})

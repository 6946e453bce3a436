"""My certificates (signed-in learners), public verification (anyone, rate-limited), the
signed status list, and the staff web for certificates (education officers, scoped to
their facilities; administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import CoursePage
from courses.selectors import courses_staff_may_assign
from lms.core.models import AuditEvent
from lms.core.policy import (
    managed_facilities,
    may_manage_learners,
    people_read,
    people_visible_to,
    person_read,
    person_read_denied,
)
from lms.core.spreadsheets import csv_response, xlsx_response

from . import credentials, selectors
from .forms import (
    CertificateFilterForm,
    HolderNameForm,
    ManualIssueForm,
    ReissueForm,
    RevokeForm,
    VerifyForm,
)
from .models import Certificate, IssuerKey, normalise_code
from .ratelimit import verify_rate_limit
from .services.errors import CertificateError
from .services.officer_actions import (
    certificate_issue_manual,
    certificate_reissue,
    certificate_revoke,
)
from .services.privacy import certificate_privacy_set

# The most rows one export holds (a facility's certificates of several years).
EXPORT_LIMIT = 20000
VC_JWT_TYPE = "application/vc+jwt"
VC_LD_TYPE = "application/vc+ld+json"


def _public(response: HttpResponse) -> HttpResponse:
    """For documents that browser-based verifiers on other origins fetch: status lists,
    contexts, the DID document (nothing personal, no cookies read)."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


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
@require_GET
def certificate_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The holder looks at their own certificate as a page: on a kiosk, where downloads
    are blocked, this is how a prisoner sees it. Nobody else's is reachable here."""
    certificate = get_object_or_404(
        Certificate.objects.issued(), public_id=public_id, learner=request.user
    )
    return render(request, "certificates/my_certificate.html", {"certificate": certificate})


@login_required
@require_GET
@never_cache
def my_certificates_status(request: HttpRequest) -> JsonResponse:
    """How many of the requester's own certificates are still being prepared: the "My
    certificates" page polls it and reloads itself at 0 (kiosks have no reload
    button). Says nothing about anyone else."""
    preparing = Certificate.objects.filter(
        learner=request.user,
        status__in=(Certificate.Status.PENDING, Certificate.Status.RENDERING),
    ).count()
    return JsonResponse({"preparing": preparing})


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


def _credential_response(certificate: Certificate, form: str) -> HttpResponse:
    """The credential as JSON-LD with its Data Integrity proof (what wallets import), or
    as VC-JWT with ``form=jwt``."""
    # Certificates issued before the JSON-LD form existed have only the VC-JWT.
    if form == "jwt" or not certificate.credential_ld:
        content, content_type, extension = certificate.credential, VC_JWT_TYPE, "jwt"
    else:
        content, content_type, extension = certificate.credential_ld, VC_LD_TYPE, "json"
    if not content:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="credential-{certificate.serial_number}.{extension}"'
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@never_cache
def credential_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """The holder's signed Open Badges 3.0 credential (JSON-LD, or ``?form=jwt``)."""
    certificate = get_object_or_404(
        Certificate.objects.issued(), public_id=public_id, learner=request.user
    )
    return _credential_response(certificate, request.GET.get("form", ""))


@require_GET
@verify_rate_limit
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


def _issued_by_code(code: str) -> Certificate | None:
    return (
        Certificate.objects.issued()
        .select_related("issuer_key")
        .filter(verification_code=normalise_code(code))
        .first()
    )


@require_GET
@verify_rate_limit
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine? Valid, expired or revoked, and only what an
    employer needs: never the facility, the prisoner number or where it was earned."""
    certificate = _issued_by_code(code)
    name_form = HolderNameForm(request.GET if "name" in request.GET else None)
    name_matches = None
    if certificate is not None and name_form.is_valid():
        # Forgiving of case, Unicode forms and look-alike letters; the credential's
        # hash still covers the exact name as printed.
        typed = credentials.name_key(name_form.cleaned_data["name"])
        name_matches = typed == credentials.name_key(certificate.holder_name)
    response = render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "form": VerifyForm(),
            "name_form": name_form,
            "name_matches": name_matches,
            "issuer_key": certificate.issuer_key if certificate else None,
            "did_web": credentials.did_web(),
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
    return _credential_response(certificate, request.GET.get("form", ""))


def _status_list_response(request: HttpRequest, key: IssuerKey | None) -> HttpResponse:
    """VC-JWT unless the client asks for JSON (``Accept`` naming JSON and not
    ``application/vc+jwt``, or ``?form=ld``): then JSON-LD with a Data Integrity proof."""
    token, document = credentials.status_list_documents(key)
    accept = request.headers.get("Accept", "")
    wants_ld = request.GET.get("form") == "ld" or (
        "json" in accept and "application/vc+jwt" not in accept
    )
    if wants_ld:
        response = HttpResponse(document, content_type=VC_LD_TYPE)
    else:
        response = HttpResponse(token, content_type=VC_JWT_TYPE)
    response["Cache-Control"] = "no-cache, max-age=0"
    response["Vary"] = "Accept"
    return _public(response)


@require_GET
def status_list(request: HttpRequest) -> HttpResponse:
    """The revocation status list of credentials issued before there was one list per
    key. Built from the database on each request: a revocation shows at once."""
    return _status_list_response(request, None)


@require_GET
def status_list_of_key(request: HttpRequest, key: str) -> HttpResponse:
    """The revocation status list of the credentials one of our keys signed, signed by
    that key (so issuer and list signer are the same, also after a rotation)."""
    for row in IssuerKey.objects.all():
        if row.slug == key:
            return _status_list_response(request, row)
    raise Http404


@require_GET
def did_document(request: HttpRequest) -> HttpResponse:
    """``did:web`` of this installation: every key of ours, each also known as the
    ``did:key`` our credentials name."""
    response = JsonResponse(credentials.did_web_document(), content_type="application/did+json")
    return _public(response)


@require_GET
def json_ld_context(request: HttpRequest, name: str) -> HttpResponse:
    files = {path.name: path for path in credentials.BUNDLED_CONTEXTS.values()}
    if name not in files:
        raise Http404
    return _public(HttpResponse(files[name].read_bytes(), content_type="application/ld+json"))


# --- Staff web --------------------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    if not may_manage_learners(request.user):
        raise PermissionDenied


@login_required
def manage_certificates(request: HttpRequest) -> HttpResponse:
    """The certificates of the officer's facilities, filtered, paged, and exported as CSV
    or XLSX (``?format=``) through the shared writers; an export records a read of each
    person in it."""
    _require_manager(request)
    form = CertificateFilterForm(
        request.GET or None,
        facilities=managed_facilities(request.user),
        courses=selectors.certificate_list_courses(request.user),
    )
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "course_key": data["course"],
            "status": data["status"],
            "facility_id": data["facility"].pk if data["facility"] else None,
            "completed_from": data["completed_from"],
            "completed_to": data["completed_to"],
        }
    certificates = selectors.certificate_list(viewer=request.user, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and not form.errors:
        return _certificate_export(request, certificates, fmt)
    pager = Paginator(certificates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/manage/list.html",
        {
            "certificates": pager,
            "pager": pager,
            "form": form,
        },
    )


def _certificate_export(request: HttpRequest, certificates, fmt: str) -> HttpResponse:
    rows = list(certificates[:EXPORT_LIMIT])
    people_read(request, people=[c.learner for c in rows], page="certificate_list_export")
    header = [
        _("Serial number"),
        _("Holder"),
        _("Number or username"),
        _("Facility"),
        _("Course"),
        _("Hours"),
        _("Completed on"),
        _("Valid until"),
        _("Status"),
        _("Verification code"),
    ]
    data = [
        [
            c.serial_number,
            c.holder_name,
            c.learner.get_username(),
            c.learner.facility.name if c.learner.facility else "",
            c.course_title,
            c.hours,
            c.completed_on,
            c.expires_on,
            c.get_status_display(),
            c.verification_code,
        ]
        for c in rows
    ]
    name = f"certificates-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        return csv_response(filename=f"{name}.csv", header=header, rows=data)
    return xlsx_response(filename=f"{name}.xlsx", title=name, header=header, rows=data)


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
    revoke_form = RevokeForm(request.POST if action == "revoke" else None, prefix="revoke")
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
            new = certificate_reissue(
                actor=request.user,
                certificate=certificate,
                reason=reissue_form.cleaned_data["reason"],
                holder_name=reissue_form.cleaned_data["holder_name"] or None,
                template=reissue_form.cleaned_data["template"],
            )
            messages.success(
                request,
                _("A new certificate is being prepared; the old one is revoked as replaced."),
            )
            return redirect("certificates:manage_certificate", public_id=new.public_id)
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("certificates:manage_certificate", public_id=public_id)
    labels = {
        "certificate.prepare": _("Prepared"),
        "certificate.issue": _("Issued"),
        "certificate.issue_manual": _("Issued by hand"),
        "certificate.revoke": _("Revoked"),
        "certificate.reissue": _("Reissued (replaced by a new certificate)"),
        "certificate.reissue_of": _("Issued to replace an earlier certificate"),
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
    # Only courses meant for this person (their audience, as the policy core says) and never
    # a voluntary programme: a certificate by hand would record, on a staff screen, that
    # the person took part (and refusing a second one would tell). One entry per course,
    # in the active language where it is translated.
    courses = CoursePage.objects.filter(
        pk__in=[
            course.pk for course in courses_staff_may_assign(learner) if course.issues_certificate
        ]
    ).order_by("title")
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

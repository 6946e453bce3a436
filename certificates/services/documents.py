"""What a certificate says: its data for the PDF, its signed Open Badges 3.0 credential
(VC-JWT) and the signed revocation status list. Reads only; no writes, no audit."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .. import credentials
from ..models import STATUS_LIST_SIZE, Certificate, CertificateTemplate
from ..rendering import CertificateData, SignatoryData, TemplateData


def verify_url(certificate: Certificate) -> str:
    path = reverse("certificates:verify", kwargs={"code": certificate.verification_code})
    return f"{settings.QADAM_BASE_URL}{path}"


def status_list_url() -> str:
    return f"{settings.QADAM_BASE_URL}{reverse('certificates:status_list')}"


def template_data(template: CertificateTemplate | None, language: str) -> TemplateData:
    if template is None:
        return TemplateData()
    heading, statement = template.wording(language)
    return TemplateData(
        layout=template.layout,
        heading=heading,
        statement=statement,
        logo_path=template.logo.file.name if template.logo else "",
        second_logo_path=template.second_logo.file.name if template.second_logo else "",
        signatories=tuple(
            SignatoryData(
                name=s.name,
                title=s.title,
                signature_path=s.signature.file.name if s.signature else "",
            )
            for s in template.signatories.select_related("signature")
        ),
    )


def certificate_data(certificate: Certificate) -> CertificateData:
    template = certificate.template
    return CertificateData(
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        provider=certificate.provider,
        hours=certificate.hours,
        completed_on=certificate.completed_on,
        serial_number=certificate.serial_number,
        display_code=certificate.display_code,
        verify_url=verify_url(certificate),
        language=certificate.language,
        expires_on=certificate.expires_on,
        template=template_data(template, certificate.language),
    )


def certificate_credential(certificate: Certificate) -> str:
    """The signed OB 3.0 credential (VC-JWT) of ``certificate``, with the active key. The
    certificate has its place on the status list already (the credential points at it)."""
    if certificate.status_index is None:
        raise ValueError("A certificate gets its status list index before its credential.")
    issued_at = certificate.issued_at or timezone.now()
    valid_until = (
        timezone.make_aware(datetime.combine(certificate.expires_on, time.max))
        if certificate.expires_on
        else None
    )
    facts = credentials.CredentialFacts(
        credential_id=f"urn:uuid:{certificate.public_id}",
        achievement_id=f"urn:uuid:{certificate.course_key or certificate.public_id}",
        holder_name=certificate.holder_name,
        holder_salt=certificate.holder_salt,
        course_title=certificate.course_title,
        provider=certificate.provider,
        hours=f"{certificate.hours.normalize():f}",
        language=certificate.language,
        completed_on=certificate.completed_on.isoformat(),
        valid_from=issued_at,
        valid_until=valid_until,
        verify_url=verify_url(certificate),
        status_list_url=status_list_url(),
        status_index=certificate.status_index,
    )
    signer = credentials.issuer_key_active()
    return credentials.jwt_sign(credentials.open_badge(facts, signer.did), signer)


def status_list_token() -> str:
    """The revocation status list as a signed VC-JWT, built now from the database."""
    revoked = {
        index
        for index in Certificate.objects.filter(
            status=Certificate.Status.REVOKED, status_index__isnull=False
        ).values_list("status_index", flat=True)
        if index is not None
    }
    signer = credentials.issuer_key_active()
    payload = credentials.status_list_credential(
        url=status_list_url(),
        revoked=revoked,
        size=STATUS_LIST_SIZE,
        issuer_did=signer.did,
        now=timezone.now(),
    )
    return credentials.jwt_sign(payload, signer)

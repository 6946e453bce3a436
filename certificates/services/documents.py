"""What a certificate says: its data for the PDF, its signed Open Badges 3.0 credential
(VC-JWT and JSON-LD, built in ``credentials.records``) and the signed revocation status
list of a key. Reads only; no writes, no audit."""

from __future__ import annotations

from django.utils import translation

from .. import credentials
from ..credentials import status_list_url, verify_url
from ..models import Certificate, CertificateTemplate, IssuerKey
from ..rendering import CertificateData, SignatoryData, TemplateData

__all__ = ["certificate_credential", "certificate_data", "status_list_token", "status_list_url"]


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
    with translation.override(certificate.language):
        rule = tuple(certificate.rule_sentences())
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
        rule=rule,
    )


def certificate_credential(certificate: Certificate) -> tuple[IssuerKey, str, str]:
    """The signed OB 3.0 credential of ``certificate`` in its two forms, with the active
    key: (that key, VC-JWT, JSON-LD with an eddsa-rdfc-2022 proof). The certificate has
    its place on the status list already (the credential points at it)."""
    if certificate.status_index is None:
        raise ValueError("A certificate gets its status list index before its credential.")
    return credentials.certificate_sign(certificate)


def status_list_token(key: IssuerKey | None = None) -> str:
    """The revocation status list of ``key`` as a signed VC-JWT, built now from the
    database (without a key: the list of credentials issued before one per key)."""
    return credentials.status_list_documents(key)[0]

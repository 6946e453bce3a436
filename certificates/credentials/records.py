"""The credentials of stored certificates: what ``Certificate`` rows and ``IssuerKey``
rows become when signed. Reads the database; writes nothing (the services store).
"""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from .badge import CredentialFacts, open_badge
from .jose import jwt_sign
from .keys import issuer_key_row_active, signer_for
from .presentation import presentation_sign
from .status import status_list_credential, status_list_forms


def verify_url(certificate) -> str:
    path = reverse("certificates:verify", kwargs={"code": certificate.verification_code})
    return f"{settings.QADAM_BASE_URL}{path}"


def status_list_url(key=None) -> str:
    """The status list of ``key`` (an ``IssuerKey``); without one, the single list of
    the credentials issued before there was one per key."""
    if key is None:
        return f"{settings.QADAM_BASE_URL}{reverse('certificates:status_list')}"
    path = reverse("certificates:status_list_key", kwargs={"key": key.slug})
    return f"{settings.QADAM_BASE_URL}{path}"


def certificate_facts(certificate, key) -> CredentialFacts:
    issued_at = certificate.issued_at or timezone.now()
    valid_until = (
        timezone.make_aware(datetime.combine(certificate.expires_on, time.max))
        if certificate.expires_on
        else None
    )
    return CredentialFacts(
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
        status_list_url=status_list_url(key),
        status_index=certificate.status_index,
        rule=_rule(certificate),
    )


def _rule(certificate) -> tuple[str, ...]:
    with translation.override(certificate.language):
        return tuple(certificate.rule_sentences())


def certificate_sign(certificate) -> tuple[Any, str, str]:
    """(key, VC-JWT, JSON-LD with a Data Integrity proof) of ``certificate``, signed by
    the active key; both forms carry the same credential."""
    from .integrity import proof_add

    key = issuer_key_row_active()
    signer = signer_for(key.did)
    credential = open_badge(certificate_facts(certificate, key), signer.did)
    secured = proof_add(credential, signer, created=timezone.now())
    return key, jwt_sign(credential, signer), json.dumps(secured, ensure_ascii=False)


def status_list_documents(key=None) -> tuple[str, str]:
    """(VC-JWT, JSON-LD) of the revocation status list of ``key``, signed by it and
    built now.

    Without a key: the single list that credentials issued before there was one list per
    key name (they have no JSON-LD form). It holds their revocations, whichever key
    signed them, and is signed by the key that signed the oldest of them (so the issuer
    matches for an installation that never rotated before), else by the active key."""
    from ..models import STATUS_LIST_SIZE, Certificate, IssuerKey

    revoked = Certificate.objects.filter(
        status=Certificate.Status.REVOKED, status_index__isnull=False
    )
    if key is None:
        legacy = Certificate.objects.exclude(credential="").filter(credential_ld="")
        revoked = revoked.exclude(credential="").filter(credential_ld="")
        oldest = legacy.filter(issuer_key__isnull=False).order_by("issued_at", "pk").first()
        key = (
            IssuerKey.objects.get(pk=oldest.issuer_key_id)
            if oldest is not None
            else issuer_key_row_active()
        )
        url = status_list_url(None)
    else:
        revoked = revoked.filter(issuer_key=key)
        url = status_list_url(key)
    signer = signer_for(key.did)
    now = timezone.now()
    credential = status_list_credential(
        url=url,
        revoked=set(revoked.values_list("status_index", flat=True)),
        size=STATUS_LIST_SIZE,
        issuer_did=signer.did,
        now=now,
    )
    return status_list_forms(credential, signer, now)


def certificates_presentation(certificates) -> dict[str, Any]:
    """A Verifiable Presentation holding the JSON-LD credentials of ``certificates``,
    signed by the installation's active key."""
    documents = [json.loads(c.credential_ld) for c in certificates if c.credential_ld]
    signer = signer_for(issuer_key_row_active().did)
    return presentation_sign(documents, signer, now=timezone.now())

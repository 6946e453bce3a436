"""Qadam's credentials as verifiers written by others see them: openbadgeslib (PyPI) and
Digital Bazaar's VC stack (npm), offline, for a good, a tampered, a revoked, an expired
and a rotated-key credential (see ``outside.py``)."""

import json
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates import credentials
from certificates.models import IssuerKey
from certificates.services.officer_actions import certificate_reissue, certificate_revoke

from .helpers import complete
from .outside import all_verdicts, digital_bazaar, openbadgeslib_jwt, openbadgeslib_ldp

pytestmark = pytest.mark.django_db


def record(kind: str, verdicts: dict[str, str]) -> None:
    """With QADAM_VERIFIER_EVIDENCE=FILE, keep what each verifier said (for the notes)."""
    path = os.environ.get("QADAM_VERIFIER_EVIDENCE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"kind": kind, **verdicts}, ensure_ascii=False) + "\n")


@pytest.fixture
def issued(prisoner, prisoner_course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    return certificate


def test_every_outside_verifier_accepts_a_good_credential_with_its_status(issued, client):
    verdicts = all_verdicts(issued, client)
    record("good", verdicts)
    assert verdicts == dict.fromkeys(verdicts, "VALID")


def test_every_outside_verifier_refuses_a_tampered_credential(issued, client):
    head, body, signature = issued.credential.split(".")
    data = json.loads(credentials.jose.jwt.utils.base64url_decode(body))
    data["name"] = data["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    forged_body = credentials.jose.jwt.utils.base64url_encode(json.dumps(data).encode()).decode()
    document = json.loads(issued.credential_ld)
    document["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    verdicts = {
        "openbadgeslib VC-JWT": openbadgeslib_jwt(f"{head}.{forged_body}.{signature}", client),
        "openbadgeslib Data Integrity": openbadgeslib_ldp(json.dumps(document), client),
        "Digital Bazaar Data Integrity": digital_bazaar(document, client),
    }
    record("tampered", verdicts)
    assert "Invalid signature" in verdicts["openbadgeslib VC-JWT"]
    assert "signature mismatch" in verdicts["openbadgeslib Data Integrity"]
    assert verdicts["Digital Bazaar Data Integrity"] != "VALID"


def test_every_outside_verifier_reads_a_revocation_from_the_status_list(issued, client, officer):
    certificate_revoke(actor=officer, certificate=issued, reason="Issued in error")
    verdicts = all_verdicts(issued, client)
    record("revoked", verdicts)
    index = json.loads(issued.credential_ld)["credentialStatus"]["statusListIndex"]
    assert f"'revocation' is set at index {index}" in verdicts["openbadgeslib VC-JWT"]
    assert f"'revocation' is set at index {index}" in verdicts["openbadgeslib Data Integrity"]
    assert "revoked" in verdicts["Digital Bazaar Data Integrity"]


def test_every_outside_verifier_refuses_an_expired_credential(issued, client):
    issued.issued_at = timezone.now() - timedelta(days=800)
    issued.expires_on = timezone.localdate() - timedelta(days=30)
    issued.issuer_key, issued.credential, issued.credential_ld = credentials.certificate_sign(
        issued
    )
    verdicts = all_verdicts(issued, client)
    record("expired", verdicts)
    assert "expired" in verdicts["openbadgeslib VC-JWT"]
    assert "expired" in verdicts["openbadgeslib Data Integrity"].lower()
    assert 'is after "validUntil"' in verdicts["Digital Bazaar Data Integrity"]


def test_after_a_key_rotation_old_credentials_verify_and_their_revocation_still_shows(
    issued, client, officer
):
    call_command("credential_key", "rotate")
    issued.refresh_from_db()
    old_key = issued.issuer_key
    assert old_key.retired_at is not None
    verdicts = all_verdicts(issued, client)
    record("rotated key, old credential", verdicts)
    assert verdicts == dict.fromkeys(verdicts, "VALID")

    certificate_revoke(actor=officer, certificate=issued, reason="Issued in error")
    verdicts = all_verdicts(issued, client)
    record("rotated key, old credential revoked after the rotation", verdicts)
    assert all("revocation" in v or "revoked" in v for v in verdicts.values()), verdicts

    # The new key's own list does not carry the old key's revocation.
    new_key = IssuerKey.objects.get(retired_at__isnull=True)
    new_list = json.loads(credentials.status_list_documents(new_key)[1])
    assert new_list["issuer"] == new_key.did != old_key.did
    index = int(json.loads(issued.credential_ld)["credentialStatus"]["statusListIndex"])
    assert not credentials.bitstring_bit(new_list["credentialSubject"]["encodedList"], index)


def test_a_wallet_verifies_the_presentation_of_a_persons_credentials(issued, client):
    presentation = credentials.certificates_presentation([issued])
    verdict = digital_bazaar(presentation, client, presentation=True)
    record("presentation (employability bundle)", {"Digital Bazaar VP": verdict})
    assert verdict == "VALID"
    presentation["verifiableCredential"][0]["name"] = "Brain surgery"
    assert digital_bazaar(presentation, client, presentation=True) != "VALID"


def test_after_a_reissue_the_old_credential_reads_revoked_and_the_new_one_valid(
    issued, client, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(
            actor=officer, certificate=issued, reason="Name misspelt", holder_name="Nurlan Abenuly"
        )
    issued.refresh_from_db()
    new.refresh_from_db()
    old_verdicts = all_verdicts(issued, client)
    new_verdicts = all_verdicts(new, client)
    record("reissued: the old credential", old_verdicts)
    record("reissued: the new credential", new_verdicts)
    assert all("revocation" in v or "revoked" in v for v in old_verdicts.values()), old_verdicts
    assert new_verdicts == dict.fromkeys(new_verdicts, "VALID")

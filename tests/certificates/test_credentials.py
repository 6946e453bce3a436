"""The signed Open Badges 3.0 credential, the status list and offline verification."""

import base64
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from certificates import credentials
from certificates.models import STATUS_LIST_SIZE, Certificate, IssuerKey
from certificates.services.officer_actions import certificate_revoke
from tests.kiosk_client import sign_in

from .helpers import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(prisoner, prisoner_course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    return certificate


def payload(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def status_list_token(certificate=None):
    """The status list (VC-JWT) of the key that signed ``certificate`` (default: the
    active key), as served now."""
    key = certificate.issuer_key if certificate else IssuerKey.objects.get(retired_at=None)
    return credentials.status_list_documents(key)[0]


def test_the_credential_is_an_open_badge_signed_by_our_did_key(issued, prisoner):
    header, body = credentials.jwt_verify(issued.credential)
    assert header == {
        "alg": "EdDSA",
        "typ": "JWT",
        "kid": credentials.verification_method(body["issuer"]["id"]),
    }
    claims = payload(issued.credential)
    assert claims["iss"] == body["issuer"]["id"] and claims["jti"] == body["id"]
    assert claims["sub"] == body["credentialSubject"]["id"]
    assert claims["nbf"] == int(credentials.parse_iso(body["validFrom"]).timestamp())
    assert "exp" not in claims  # no validUntil: a vocational certificate does not expire
    assert body["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert body["@context"] == [credentials.CREDENTIALS_V2, credentials.OB_V3]
    assert body["issuer"]["id"].startswith("did:key:z6Mk")  # Ed25519 did:key
    assert body["issuer"]["id"] in credentials.our_issuer_dids()
    assert body["id"] == f"urn:uuid:{issued.public_id}"
    assert body["credentialSubject"]["achievement"]["name"] == "Welding safety"
    raw = issued.credential + json.dumps(body, ensure_ascii=False)
    assert "Nurlan" not in raw and prisoner.prisoner_number not in raw
    assert "Facility" not in raw and "prison" not in raw.lower()
    identity = body["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == credentials.identity_hash("Nurlan Abenov", identity["salt"])
    status = body["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert 0 <= int(status["statusListIndex"]) < STATUS_LIST_SIZE
    assert status["statusListCredential"].endswith(
        reverse("certificates:status_list_key", args=[issued.issuer_key.slug])
    )


def test_the_bundled_contexts_are_the_ones_the_credential_names():
    for url, path in credentials.BUNDLED_CONTEXTS.items():
        assert "@context" in json.loads(path.read_text()), url


def test_a_valid_credential_verifies_offline_and_names_its_holder(issued):
    result = credentials.credential_check(
        issued.credential,
        status_list_token=status_list_token(issued),
        trusted_issuers=credentials.our_issuer_dids(),
        holder_name="Nurlan Abenov",
    )
    assert result.ok, result.problems
    assert result.verdict == "VALID"
    linked_data = credentials.credential_check(
        issued.credential_ld,
        status_list_token=credentials.status_list_documents(issued.issuer_key)[1],
        holder_name="Nurlan Abenov",
    )
    assert linked_data.verdict == "VALID", linked_data.problems
    assert linked_data.credential == result.credential  # both forms carry one credential
    assert credentials.credential_check(issued.credential).verdict == "STATUS NOT CHECKED"
    wrong = credentials.credential_check(issued.credential, holder_name="Someone Else")
    assert wrong.problems == ["the holder's name does not match the credential"]


def test_a_tampered_credential_fails(issued):
    head, body, signature = issued.credential.split(".")
    data = payload(issued.credential)
    data["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    forged_body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    result = credentials.credential_check(f"{head}.{forged_body}.{signature}")
    assert not result.ok
    assert "the signature does not match: the content was changed" in result.problems


def test_a_credential_signed_by_another_key_claiming_our_issuer_fails(issued):
    data = payload(issued.credential)
    other = credentials.Signer(
        did=credentials.did_key_from_public(b"\x01" * 32),
        private=credentials.Ed25519PrivateKey.generate(),
    )
    result = credentials.credential_check(credentials.jwt_sign(data, other))
    assert not result.ok


def test_a_revoked_credential_reads_revoked_in_the_signed_status_list(issued, officer):
    before = status_list_token(issued)
    certificate_revoke(actor=officer, certificate=issued, reason="Issued in error")
    after = status_list_token(issued)
    _, status_list = credentials.jwt_verify(after)  # the list itself is signed
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    index = int(payload(issued.credential)["credentialStatus"]["statusListIndex"])
    assert credentials.bitstring_bit(status_list["credentialSubject"]["encodedList"], index)
    assert credentials.credential_check(issued.credential, status_list_token=before).ok
    revoked = credentials.credential_check(issued.credential, status_list_token=after)
    assert revoked.problems == ["revoked (the status list has its bit set)"]


def test_a_tampered_status_list_fails(issued):
    head, body, signature = status_list_token(issued).split(".")
    data = payload(f"{head}.{body}.{signature}")
    data["credentialSubject"]["encodedList"] = credentials.bitstring_encode(set(), 8)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    result = credentials.credential_check(
        issued.credential, status_list_token=f"{head}.{forged}.{signature}"
    )
    assert not result.ok
    assert result.problems[0].startswith("the status list does not verify")


def test_each_key_serves_its_status_list_signed_with_cors_and_a_validity_window(client, issued):
    url = payload(issued.credential)["credentialStatus"]["statusListCredential"]
    assert issued.issuer_key.slug in url
    response = client.get(url.replace(settings.QADAM_BASE_URL, ""))
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Access-Control-Allow-Origin"] == "*"
    _, data = credentials.jwt_verify(response.content.decode())
    assert data["issuer"] == issued.issuer_key.did
    span = credentials.parse_iso(data["validUntil"]) - credentials.parse_iso(data["validFrom"])
    assert span == timedelta(seconds=settings.CREDENTIAL_STATUS_LIST_TTL)
    encoded = data["credentialSubject"]["encodedList"]
    assert not credentials.bitstring_bit(encoded, STATUS_LIST_SIZE - 1)
    with pytest.raises(credentials.CredentialError):
        credentials.bitstring_bit(encoded, STATUS_LIST_SIZE)
    linked = client.get(url.replace(settings.QADAM_BASE_URL, ""), HTTP_ACCEPT="application/json")
    assert linked["Content-Type"] == "application/vc+ld+json"
    assert credentials.proof_verify(json.loads(linked.content)) == issued.issuer_key.did
    assert client.get(reverse("certificates:status_list_key", args=["0" * 16])).status_code == 404


def test_a_saved_status_list_past_its_validity_is_refused(issued, officer):
    saved = status_list_token(issued)
    certificate_revoke(actor=officer, certificate=issued, reason="Fraud")
    later = timezone.now() + timedelta(seconds=settings.CREDENTIAL_STATUS_LIST_TTL + 60)
    result = credentials.credential_check(issued.credential, status_list_token=saved, now=later)
    assert result.verdict == "INVALID"
    assert result.problems[0].startswith("the status list is out of date")


def test_the_did_web_document_lists_every_key_of_ours(client, issued):
    call_command("credential_key", "rotate")
    response = client.get("/.well-known/did.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["id"] == credentials.did_web() == "did:web:127.0.0.1%3A8000"
    assert set(document["alsoKnownAs"]) == credentials.our_issuer_dids()
    keys = {m["publicKeyMultibase"] for m in document["verificationMethod"]}
    assert {did.removeprefix("did:key:") for did in document["alsoKnownAs"]} == keys


def test_an_expired_credential_fails_with_its_date(issued):
    later = timezone.now() + timedelta(days=400)
    data = payload(issued.credential)
    data["validUntil"] = "2026-01-01T00:00:00Z"
    signer = credentials.issuer_key_active()
    result = credentials.credential_check(credentials.jwt_sign(data, signer), now=later)
    assert result.problems == ["expired on 2026-01-01"]


def test_after_rotation_an_old_credential_keeps_the_list_of_the_key_that_signed_it(issued):
    old = IssuerKey.objects.get(retired_at__isnull=True)
    call_command("credential_key", "rotate")
    new = IssuerKey.objects.get(retired_at__isnull=True)
    assert new != old and issued.issuer_key == old
    _, old_list = credentials.jwt_verify(credentials.status_list_documents(old)[0])
    _, new_list = credentials.jwt_verify(credentials.status_list_documents(new)[0])
    assert (old_list["issuer"], new_list["issuer"]) == (old.did, new.did)
    result = credentials.credential_check(
        issued.credential,
        status_list_token=credentials.status_list_documents(old)[0],
        trusted_issuers=credentials.our_issuer_dids(),
    )
    assert result.verdict == "VALID", result.problems
    with pytest.raises(CommandError):
        call_command("credential_key", "generate")


def test_verify_credential_command_says_why_it_fails(issued, tmp_path, capsys, officer):
    good = tmp_path / "good.jwt"
    good.write_text(issued.credential)
    with pytest.raises(CommandError) as not_checked:
        call_command("verify_credential", str(good))
    assert not_checked.value.returncode == 2
    assert "STATUS NOT CHECKED: Welding safety" in capsys.readouterr().out
    status = tmp_path / "status.jwt"
    status.write_text(status_list_token(issued))
    call_command("verify_credential", str(good), "--status-list", str(status))
    assert "VALID: Welding safety" in capsys.readouterr().out
    linked = tmp_path / "good.json"
    linked.write_text(issued.credential_ld)
    call_command("verify_credential", str(linked), "--status-list", str(status))
    assert "(data-integrity)" in capsys.readouterr().out

    certificate_revoke(actor=officer, certificate=issued, reason="Fraud")
    status.write_text(status_list_token(issued))
    with pytest.raises(CommandError, match="INVALID"):
        call_command("verify_credential", str(good), "--status-list", str(status))
    assert "revoked" in capsys.readouterr().out

    bad = tmp_path / "bad.jwt"
    bad.write_text(issued.credential[:-4] + "AAAA")
    with pytest.raises(CommandError):
        call_command("verify_credential", str(bad))
    assert "signature does not match" in capsys.readouterr().out


def test_the_private_key_file_is_readable_by_its_owner_only(issued):
    did = IssuerKey.objects.get().did
    assert (credentials._key_path(did).stat().st_mode & 0o077) == 0


def test_the_holder_downloads_the_credential_and_so_does_anyone_with_the_code(client, issued):
    sign_in(client, issued.learner)
    response = client.get(reverse("certificates:credential", args=[issued.public_id]))
    assert response.content.decode() == issued.credential_ld
    assert response["Content-Type"] == "application/vc+ld+json"
    response = client.get(
        reverse("certificates:credential", args=[issued.public_id]), {"form": "jwt"}
    )
    assert response.content.decode() == issued.credential
    client.logout()
    response = client.get(
        reverse("certificates:verify_credential", args=[issued.verification_code]),
        {"form": "jwt"},
    )
    assert response.content.decode() == issued.credential
    assert Certificate.objects.count() == 1


def test_credentials_issued_before_lists_per_key_keep_their_revocations_in_the_old_list(
    client, issued, officer
):
    # As issued before this change: VC-JWT only, naming /credentials/status/revocation/.
    signer = credentials.signer_for(issued.issuer_key.did)
    legacy = credentials.jwt_sign(
        credentials.open_badge(credentials.certificate_facts(issued, None), signer.did), signer
    )
    Certificate.objects.filter(pk=issued.pk).update(credential=legacy, credential_ld="")
    call_command("credential_key", "rotate")
    certificate_revoke(actor=officer, certificate=issued, reason="Fraud")
    response = client.get(reverse("certificates:status_list"))
    result = credentials.credential_check(legacy, status_list_token=response.content.decode())
    assert result.problems == ["revoked (the status list has its bit set)"]
    # Signed by the key that signed those credentials, not by the new one.
    assert payload(response.content.decode())["iss"] == issued.issuer_key.did

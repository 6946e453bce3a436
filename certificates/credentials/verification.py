"""Offline verification of our credentials, in either form (VC-JWT or JSON-LD with an
``eddsa-rdfc-2022`` proof), with their status list in either form."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from .badge import identity_hash, parse_iso
from .integrity import BUNDLED_CONTEXTS, CREDENTIALS_V2, proof_verify
from .jose import jwt_verify
from .keys import CredentialError
from .status import bitstring_bit


@dataclass
class VerificationResult:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    credential: dict[str, Any] = field(default_factory=dict)
    status_checked: bool = False
    form: str = ""

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)

    @property
    def verdict(self) -> str:
        """VALID, INVALID, or STATUS NOT CHECKED (everything else is good, but nobody
        asked the status list whether it was revoked)."""
        if not self.ok:
            return "INVALID"
        return "VALID" if self.status_checked else "STATUS NOT CHECKED"


def secured_open(text: str) -> tuple[str, dict[str, Any]]:
    """(form, credential) of a secured document: ``jwt`` (signature checked, claims
    matched) or ``data-integrity`` (proof checked). Raises ``CredentialError``."""
    text = text.strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as error:
            raise CredentialError(f"not JSON: {error}") from error
        if not isinstance(document, dict):
            raise CredentialError("not a credential")
        did = proof_verify(document)
        credential = {k: v for k, v in document.items() if k != "proof"}
        issuer = credential.get("issuer")
        if (issuer.get("id") if isinstance(issuer, dict) else issuer) != did:
            raise CredentialError("the issuer named in the credential did not sign it")
        return "data-integrity", credential
    return "jwt", jwt_verify(text)[1]


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer or "")


def credential_check(
    token: str,
    *,
    status_list_token: str | None = None,
    now: datetime | None = None,
    trusted_issuers: set[str] | None = None,
    holder_name: str | None = None,
) -> VerificationResult:
    """Check a credential offline: proof, contexts, dates, and, if given, the status
    list (its own proof, its issuer, its validity window, the bit) and the holder's
    name against the hash. Collects every reason it fails rather than stopping at the
    first. Without a status list the verdict is "status not checked", never VALID."""
    result = VerificationResult()
    now = now or timezone.now()
    try:
        result.form, credential = secured_open(token)
    except CredentialError as error:
        result.fail(str(error))
        return result
    result.credential = credential
    issuer = _issuer_id(credential)
    result.notes.append(f"signed by {issuer} ({result.form})")
    if trusted_issuers is not None and issuer not in trusted_issuers:
        result.fail("the issuer is not one of this installation's keys")
    contexts = credential.get("@context", [])
    if contexts[:1] != [CREDENTIALS_V2] or any(c not in BUNDLED_CONTEXTS for c in contexts):
        result.fail("the credential names a JSON-LD context we do not know")
    if "OpenBadgeCredential" not in credential.get("type", []):
        result.fail("not an Open Badges credential")
    try:
        if parse_iso(credential["validFrom"]) > now:
            result.fail("not valid yet (validFrom is in the future)")
        if "validUntil" in credential and parse_iso(credential["validUntil"]) < now:
            result.fail(f"expired on {credential['validUntil'][:10]}")
    except (KeyError, ValueError):
        result.fail("the validity dates are missing or malformed")
    if holder_name is not None:
        identity = credential["credentialSubject"]["identifier"][0]
        if identity_hash(holder_name, identity["salt"]) != identity["identityHash"]:
            result.fail("the holder's name does not match the credential")
    if status_list_token is not None:
        _check_status(result, credential, status_list_token, issuer, trusted_issuers, now)
    return result


def _check_status(
    result: VerificationResult,
    credential: dict[str, Any],
    token: str,
    issuer: str,
    trusted_issuers: set[str] | None,
    now: datetime,
) -> None:
    entry = credential.get("credentialStatus") or {}
    try:
        _, status_list = secured_open(token)
    except CredentialError as error:
        result.fail(f"the status list does not verify: {error}")
        return
    list_issuer = _issuer_id(status_list)
    # Lists issued before there was one per key were signed by the newest key: still
    # accepted here when both are ours (outside verifiers require the same issuer).
    if list_issuer != issuer and (trusted_issuers is None or list_issuer not in trusted_issuers):
        result.fail("the status list was signed by another issuer")
        return
    if status_list.get("id") != entry.get("statusListCredential"):
        result.fail("the status list is not the one the credential names")
        return
    try:
        if "validUntil" in status_list and parse_iso(status_list["validUntil"]) < now:
            result.fail(
                f"the status list is out of date (valid until {status_list['validUntil']}): "
                "fetch it again"
            )
            return
        if parse_iso(status_list.get("validFrom", "")) > now:
            result.fail("the status list is not valid yet")
            return
        revoked = bitstring_bit(
            status_list["credentialSubject"]["encodedList"], int(entry["statusListIndex"])
        )
    except (KeyError, ValueError, OSError, CredentialError) as error:
        result.fail(f"the status list cannot be read: {error}")
        return
    result.status_checked = True
    if revoked:
        result.fail("revoked (the status list has its bit set)")
    else:
        result.notes.append("not revoked according to the status list")

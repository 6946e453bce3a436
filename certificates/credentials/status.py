"""Revocation: a W3C Bitstring Status List per signing key.

Each issuer key has its own list, signed by that key, so a credential's issuer and its
list's issuer are always the same DID (outside verifiers require it), also after a
rotation: a retired key signs nothing new but keeps signing its list. The list is built
from the database on each request and is valid for ``CREDENTIAL_STATUS_LIST_TTL``
seconds (``validFrom``/``validUntil``, and ``ttl`` in milliseconds), so a saved copy
goes stale and a verifier fetches it again. Two forms of the same list: VC-JWT and
JSON-LD with an ``eddsa-rdfc-2022`` proof.
"""

from __future__ import annotations

import base64
import gzip
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from .integrity import CREDENTIALS_V2, proof_add
from .jose import jwt_sign
from .keys import CredentialError, Signer
from .timestamps import iso


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
    *,
    url: str,
    revoked: set[int],
    size: int,
    issuer_did: str,
    now: datetime,
    ttl_seconds: int | None = None,
) -> dict[str, Any]:
    ttl = settings.CREDENTIAL_STATUS_LIST_TTL if ttl_seconds is None else ttl_seconds
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": iso(now),
        "validUntil": iso(now + timedelta(seconds=ttl)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring_encode(revoked, size),
            "ttl": ttl * 1000,
        },
    }


def status_list_forms(credential: dict[str, Any], signer: Signer, now: datetime) -> tuple[str, str]:
    """(VC-JWT, JSON-LD with a Data Integrity proof) of one status list credential."""
    secured = proof_add(credential, signer, created=now)
    return jwt_sign(credential, signer), json.dumps(secured, ensure_ascii=False)


def status_index_new(size: int | None = None) -> int:
    from ..models import STATUS_LIST_SIZE

    return secrets.randbelow(size or STATUS_LIST_SIZE)

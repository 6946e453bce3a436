"""Issuer keys: Ed25519, named by ``did:key``, published beside a ``did:web`` document.

The private half of each key is a PEM file (0600) under ``CREDENTIAL_KEY_DIR``; only the
public half is in the database (``IssuerKey``). A retired key signs nothing new but keeps
signing the status list of the credentials it issued (0030), so its file stays.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import key_slug

ED25519_MULTICODEC = b"\xed\x01"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class CredentialError(Exception):
    pass


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = BASE58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in BASE58:
            raise CredentialError(f"not base58: {char!r}")
        number = number * 58 + BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey(public: bytes) -> str:
    """``publicKeyMultibase`` of an Ed25519 key (Multikey: multicodec 0xed01, base58btc)."""
    return "z" + b58encode(ED25519_MULTICODEC + public)


def did_key_from_public(public: bytes) -> str:
    return "did:key:" + multikey(public)


def public_from_did_key(did: str) -> bytes:
    """The Ed25519 public key a ``did:key`` encodes (offline DID resolution)."""
    did = did.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        raise CredentialError(f"the issuer {did[:80]!r} is not an Ed25519 did:key")
    raw = b58decode(did[len("did:key:z") :])
    if raw[:2] != ED25519_MULTICODEC or len(raw) != 34:
        raise CredentialError("the issuer's did:key is not an Ed25519 key")
    return raw[2:]


def verification_method(did: str) -> str:
    return f"{did}#{did[len('did:key:') :]}"


# --- did:web --------------------------------------------------------------------------------


def did_web() -> str:
    """``did:web`` of this installation, from ``QADAM_BASE_URL`` (host, port as ``%3A``,
    then the path segments): the document is served at ``/.well-known/did.json``."""
    parts = urlsplit(settings.QADAM_BASE_URL)
    host = quote(parts.netloc, safe="")
    path = [quote(p, safe="") for p in parts.path.strip("/").split("/") if p]
    return ":".join(["did:web", host, *path])


def did_web_document() -> dict[str, Any]:
    """The DID document of ``did_web()``: every key of ours, active and retired, as a
    Multikey, each also known as its ``did:key`` (the issuer id our credentials carry)."""
    from ..models import IssuerKey

    did = did_web()
    methods = []
    also = []
    for key in IssuerKey.objects.order_by("created_at"):
        public = bytes(key.public_key)
        methods.append(
            {
                "id": f"{did}#{key_slug(public)}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey(public),
            }
        )
        also.append(key.did)
    ids = [m["id"] for m in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "alsoKnownAs": also,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


# --- Key files and rows ----------------------------------------------------------------------


def _key_path(did: str) -> Path:
    digest = hashlib.sha256(did.encode()).hexdigest()[:24]
    return Path(settings.CREDENTIAL_KEY_DIR) / f"issuer-{digest}.pem"


def public_raw(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def private_key_write(private: Ed25519PrivateKey) -> str:
    """Write a private key file (0600) and return its DID."""
    did = did_key_from_public(public_raw(private))
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

    @property
    def public(self) -> bytes:
        return public_raw(self.private)


def issuer_key_create(*, retire_current: bool) -> str:
    """Generate a new Ed25519 key, store the private half as a file and the public half
    in ``IssuerKey``; optionally retire the active key (rotation). Returns the new DID."""
    from ..models import IssuerKey

    private = Ed25519PrivateKey.generate()
    did = private_key_write(private)
    with transaction.atomic():
        if retire_current:
            IssuerKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        IssuerKey.objects.create(did=did, public_key=public_raw(private))
    return did


def issuer_key_row_active():
    """The active ``IssuerKey`` row; generated on first use if there is none (two
    processes racing: the unique constraint keeps one, the other reads it)."""
    from ..models import IssuerKey

    key = IssuerKey.objects.filter(retired_at__isnull=True).first()
    if key is None:
        with contextlib.suppress(IntegrityError):
            issuer_key_create(retire_current=False)
        key = IssuerKey.objects.get(retired_at__isnull=True)
    return key


def issuer_key_active() -> Signer:
    """The installation's active signing key (see ``issuer_key_row_active``)."""
    return signer_for(issuer_key_row_active().did)


def signer_for(did: str) -> Signer:
    """The signer of one of our keys, active or retired (a retired key still signs the
    status list of what it issued)."""
    return Signer(did=did, private=private_key_read(did))


def our_issuer_dids() -> set[str]:
    from ..models import IssuerKey

    return set(IssuerKey.objects.values_list("did", flat=True))


def public_key_object(did: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(public_from_did_key(did))

"""VC-JWT (JWS compact, ``alg: EdDSA``) in the Open Badges 3.0 JWT profile: the payload
is the credential plus the registered claims ``iss``, ``jti``, ``nbf``, ``sub`` and
``exp`` taken from it; the header is ``alg``, ``kid`` and ``typ: JWT``, nothing else."""

from __future__ import annotations

import json
from typing import Any

import jwt

from .keys import CredentialError, Signer, public_key_object
from .timestamps import parse_iso

JWT_TYPE = "JWT"
REGISTERED_CLAIMS = ("iss", "jti", "nbf", "sub", "exp")


def _id(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.get("id") if isinstance(value, dict) else value


def registered_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT claims an OB 3.0 VC-JWT carries, derived from the credential itself."""
    claims: dict[str, Any] = {"iss": _id(credential.get("issuer"))}
    if credential.get("id"):
        claims["jti"] = credential["id"]
    if credential.get("validFrom"):
        claims["nbf"] = int(parse_iso(credential["validFrom"]).timestamp())
    subject = _id(credential.get("credentialSubject"))
    if subject:
        claims["sub"] = subject
    if credential.get("validUntil"):
        claims["exp"] = int(parse_iso(credential["validUntil"]).timestamp())
    return claims


def jwt_sign(credential: dict[str, Any], signer: Signer) -> str:
    """The VC-JWT of ``credential`` (its registered claims added) signed by ``signer``."""
    payload = {**credential, **registered_claims(credential)}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return jwt.PyJWS().encode(
        body, signer.private, algorithm="EdDSA", headers={"kid": signer.kid, "typ": JWT_TYPE}
    )


def jwt_verify(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, credential) of a VC-JWT whose EdDSA signature checks against the did:key
    in its ``kid``, whose issuer is that DID and whose registered claims match the
    credential. The credential is returned without the JWT claims. Raises
    ``CredentialError``."""
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise CredentialError(f"not a JWT: {error}") from error
    if header.get("alg") != "EdDSA":
        raise CredentialError(f"unexpected signature algorithm {header.get('alg')!r}")
    if header.get("typ", JWT_TYPE) != JWT_TYPE or set(header) - {"alg", "kid", "typ"}:
        raise CredentialError("the JOSE header is not the OB 3.0 profile's")
    did = str(header.get("kid", "")).split("#", 1)[0]
    try:
        body = jwt.PyJWS().decode(token, public_key_object(did), algorithms=["EdDSA"])
    except jwt.InvalidSignatureError as error:
        raise CredentialError("the signature does not match: the content was changed") from error
    except jwt.InvalidTokenError as error:
        raise CredentialError(f"the token is malformed: {error}") from error
    payload = json.loads(body)
    credential = {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}
    if _id(credential.get("issuer")) != did:
        raise CredentialError("the issuer named in the credential did not sign it")
    expected = registered_claims(credential)
    claims = {k: payload.get(k) for k in REGISTERED_CLAIMS if k in payload or k in expected}
    if claims != expected:
        raise CredentialError(
            "the JWT claims (iss, jti, nbf, sub, exp) do not match the credential"
        )
    return header, credential

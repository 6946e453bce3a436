"""Embedded Data Integrity proofs: ``DataIntegrityProof`` with cryptosuite
``eddsa-rdfc-2022`` (W3C vc-di-eddsa), Ed25519 over RDFC-1.0 canonical N-Quads.

Canonicalisation is pyld's (URDNA2015, which the W3C renamed RDFC-1.0 with the same
output). Its document loader serves only the contexts bundled in
``certificates/contexts/``: any other URL is an error, so neither signing nor verifying
can reach the network, whatever a document names.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from pyld import jsonld

from .keys import CredentialError, Signer, b58decode, b58encode, public_key_object
from .timestamps import iso

CONTEXT_DIR = Path(__file__).resolve().parent.parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
BUNDLED_CONTEXTS = {
    CREDENTIALS_V2: CONTEXT_DIR / "credentials-v2.jsonld",
    OB_V3: CONTEXT_DIR / "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"


@lru_cache(maxsize=len(BUNDLED_CONTEXTS))
def _context(url: str) -> dict[str, Any]:
    return json.loads(BUNDLED_CONTEXTS[url].read_text())


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader, offline: our bundled contexts and nothing else."""
    if url not in BUNDLED_CONTEXTS:
        raise CredentialError(f"the JSON-LD context {url[:120]!r} is not one we bundle")
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonical_nquads(document: dict[str, Any]) -> str:
    try:
        return jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
            },
        )
    except jsonld.JsonLdError as error:
        raise CredentialError(f"the document cannot be canonicalised: {error}") from error


def _hash_data(unsecured: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    config = hashlib.sha256(canonical_nquads(proof_config).encode()).digest()
    return config + hashlib.sha256(canonical_nquads(unsecured).encode()).digest()


def proof_add(
    document: dict[str, Any],
    signer: Signer,
    *,
    created: datetime,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """``document`` with an ``eddsa-rdfc-2022`` proof by ``signer`` (a new dict)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": iso(created),
        "verificationMethod": signer.kid,
        "proofPurpose": purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    config = {"@context": unsecured["@context"], **proof}
    signature = signer.private.sign(_hash_data(unsecured, config))
    return {
        **copy.deepcopy(unsecured),
        "proof": {**proof, "proofValue": "z" + b58encode(signature)},
    }


def proof_verify(document: dict[str, Any], *, purpose: str = "assertionMethod") -> str:
    """Check the single ``eddsa-rdfc-2022`` proof of ``document`` against the
    ``did:key`` it names; returns that DID. Raises ``CredentialError``."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise CredentialError("the document carries no single Data Integrity proof")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise CredentialError(f"the proof is not a {CRYPTOSUITE} Data Integrity proof")
    if proof.get("proofPurpose") != purpose:
        raise CredentialError(f"the proof's purpose is not {purpose}")
    method = str(proof.get("verificationMethod", ""))
    did = method.split("#", 1)[0]
    value = str(proof.get("proofValue", ""))
    if not value.startswith("z"):
        raise CredentialError("the proof value is not multibase base58btc")
    signature = b58decode(value[1:])
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured.get("@context")
    try:
        public_key_object(did).verify(signature, _hash_data(unsecured, config))
    except InvalidSignature as error:
        raise CredentialError("the signature does not match: the content was changed") from error
    return did

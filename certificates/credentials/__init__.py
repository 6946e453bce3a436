"""Open Badges 3.0 credentials: W3C Verifiable Credentials (data model 2.0), issued in
two forms with the same content and key (docs/decisions/0030):

- VC-JWT (``keys``, ``jose``): JWS compact, ``alg: EdDSA``, the OB 3.0 JWT profile's
  registered claims; checked with nothing but the token and the issuer's ``did:key``;
- JSON-LD with an embedded Data Integrity proof (``integrity``): ``eddsa-rdfc-2022``,
  RDFC-1.0 canonicalisation by pyld with the contexts bundled in
  ``certificates/contexts/`` and an offline document loader.

Revocation is a Bitstring Status List per signing key (``status``); a person's
credentials travel together as a Verifiable Presentation signed by the installation
(``presentation``); ``verification`` checks any of them offline. This package holds no
rule about who may see what: the services and views decide that.
"""

from ..models import key_fingerprint, key_slug
from .badge import CredentialFacts, identity_hash, iso, name_key, open_badge, parse_iso
from .integrity import (
    BUNDLED_CONTEXTS,
    CONTEXT_DIR,
    CREDENTIALS_V2,
    CRYPTOSUITE,
    OB_V3,
    canonical_nquads,
    document_loader,
    proof_add,
    proof_verify,
)
from .jose import JWT_TYPE, jwt_sign, jwt_verify, registered_claims
from .keys import (
    CredentialError,
    Ed25519PrivateKey,
    Signer,
    _key_path,
    did_key_from_public,
    did_web,
    did_web_document,
    issuer_key_active,
    issuer_key_create,
    issuer_key_row_active,
    multikey,
    our_issuer_dids,
    private_key_read,
    public_from_did_key,
    signer_for,
    verification_method,
)
from .presentation import presentation_sign
from .records import (
    certificate_facts,
    certificate_sign,
    certificates_presentation,
    status_list_documents,
    status_list_url,
    verify_url,
)
from .status import (
    bitstring_bit,
    bitstring_encode,
    status_index_new,
    status_list_credential,
    status_list_forms,
)
from .verification import VerificationResult, credential_check, secured_open

__all__ = [
    "BUNDLED_CONTEXTS",
    "CONTEXT_DIR",
    "CREDENTIALS_V2",
    "CRYPTOSUITE",
    "OB_V3",
    "JWT_TYPE",
    "CredentialError",
    "CredentialFacts",
    "Ed25519PrivateKey",
    "Signer",
    "VerificationResult",
    "_key_path",
    "bitstring_bit",
    "bitstring_encode",
    "canonical_nquads",
    "credential_check",
    "did_key_from_public",
    "did_web",
    "did_web_document",
    "document_loader",
    "identity_hash",
    "iso",
    "issuer_key_active",
    "issuer_key_create",
    "issuer_key_row_active",
    "jwt_sign",
    "jwt_verify",
    "key_fingerprint",
    "key_slug",
    "multikey",
    "name_key",
    "open_badge",
    "our_issuer_dids",
    "parse_iso",
    "presentation_sign",
    "private_key_read",
    "proof_add",
    "proof_verify",
    "public_from_did_key",
    "registered_claims",
    "secured_open",
    "signer_for",
    "status_index_new",
    "status_list_credential",
    "status_list_forms",
    "verification_method",
    "certificate_facts",
    "certificate_sign",
    "certificates_presentation",
    "status_list_documents",
    "status_list_url",
    "verify_url",
]

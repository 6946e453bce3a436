"""A Verifiable Presentation of a person's credentials, signed by the installation.

What a wallet imports (VCDM 2.0 ``VerifiablePresentation``): the holder is the
installation's key, which vouches that these credentials were handed out together; each
credential inside keeps its own ``eddsa-rdfc-2022`` proof. The presentation's proof has
the purpose ``authentication`` with a random ``challenge`` and the installation's host as
``domain``, as presentation verifiers expect.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from .integrity import CREDENTIALS_V2, proof_add
from .keys import Signer


def presentation_sign(
    credentials: list[dict[str, Any]], signer: Signer, *, now: datetime
) -> dict[str, Any]:
    presentation = {
        "@context": [CREDENTIALS_V2],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "holder": signer.did,
        "verifiableCredential": credentials,
    }
    return proof_add(
        presentation,
        signer,
        created=now,
        purpose="authentication",
        challenge=secrets.token_urlsafe(16),
        domain=urlsplit(settings.QADAM_BASE_URL).netloc,
    )

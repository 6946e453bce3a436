"""The Open Badges 3.0 credential of a certificate, and the holder's salted name hash.

No facility, no prisoner number: the holder appears only as a salted hash of their name
(an OB 3.0 ``IdentityObject``) and an opaque subject id of this one credential. The
human texts it carries are in the certificate's language.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from .integrity import CREDENTIALS_V2, OB_V3
from .timestamps import iso, parse_iso

__all__ = ["CredentialFacts", "identity_hash", "iso", "name_key", "open_badge", "parse_iso"]

# A stable namespace for the opaque subject ids (uuid5 of the credential id and salt).
SUBJECT_NAMESPACE = uuid.UUID("6f0c5a8e-2b1d-4c7e-9a53-0d3e1f4b7a21")


def identity_hash(name: str, salt: str) -> str:
    """OB 3.0 ``IdentityObject.identityHash``: sha256 of the identifier and the salt."""
    return "sha256$" + hashlib.sha256((name + salt).encode()).hexdigest()


# Letters that look alike on Kazakh, Russian and Latin keyboards, folded to one form
# (after NFKC and casefold) so that a name typed on the "wrong" layout still matches.
_LOOKALIKES = str.maketrans(
    {
        "і": "i",
        "ı": "i",
        "ј": "j",
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "к": "k",
        "м": "m",
        "т": "t",
        "н": "h",
        "в": "b",
        "ѕ": "s",
        "һ": "h",
        "ё": "е",
        "ү": "y",
        "ұ": "y",
        "ә": "a",
        "ө": "o",
        "қ": "k",
        "ң": "h",
        "ғ": "g",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
        "’": "'",
        "ʼ": "'",
    }
)


def name_key(name: str) -> str:
    """A typed name in a form that forgives what keyboards do: Unicode NFKC, case,
    runs of spaces, and Cyrillic/Latin look-alike letters (Latin I for Kazakh І). Only
    for comparing a typed name with the stored one; the hash covers the exact name."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = folded.translate(_LOOKALIKES).translate(_LOOKALIKES)
    return " ".join(folded.split())


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
    # What the completion rule measured, in ``language`` (``Certificate.rule_sentences``)
    rule: tuple[str, ...] = ()

    @property
    def subject_id(self) -> str:
        return f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, self.credential_id + self.holder_salt)}"


def open_badge(facts: CredentialFacts, issuer_did: str) -> dict[str, Any]:
    """An OpenBadgeCredential (VCDM 2.0) for ``facts``, unsigned."""
    with translation.override(facts.language):
        description = gettext("%(course)s (%(hours)s h)") % {
            "course": facts.course_title,
            "hours": facts.hours,
        }
        narrative = " ".join(
            [gettext("Completed on %(date)s") % {"date": facts.completed_on} + ".", *facts.rule]
        )
        evidence_name = gettext("Verification")
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": facts.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": facts.provider},
        "validFrom": iso(facts.valid_from),
        "name": facts.course_title,
        "credentialSubject": {
            "id": facts.subject_id,
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
                "description": description,
                "criteria": {"narrative": narrative},
                "inLanguage": facts.language,
            },
        },
        "evidence": [{"id": facts.verify_url, "type": ["Evidence"], "name": evidence_name}],
        "credentialStatus": {
            "id": f"{facts.status_list_url}#{facts.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(facts.status_index),
            "statusListCredential": facts.status_list_url,
        },
    }
    if facts.valid_until is not None:
        credential["validUntil"] = iso(facts.valid_until)
    return credential

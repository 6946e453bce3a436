"""Verifiers written by others, run offline on what Qadam issues and serves.

- openbadgeslib (PyPI): the VC-JWT (``OB3Verifier``) and the JSON-LD form with its
  ``eddsa-rdfc-2022`` proof (``OB3LdpVerifier``), status checked and the status list's
  own signature and issuer checked;
- Digital Bazaar's stack (npm: @digitalbazaar/vc, data-integrity,
  eddsa-rdfc-2022-cryptosuite, vc-bitstring-status-list), driven by
  ``outside_verifier.mjs`` with a document loader that knows only bundled contexts.

Status lists are fetched through the Django test client from the URL the credential
names, as a verifier would fetch them over the network.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_SCRIPT = Path(__file__).with_name("outside_verifier.mjs")


def require_outside_verifiers() -> None:
    """``make test`` installs both (requirements/dev.txt, package-lock.json): missing
    is a broken install, not a reason to skip."""
    if shutil.which("node") is None or not (ROOT / "node_modules/@digitalbazaar/vc").is_dir():
        pytest.fail("the npm verifiers are not installed: run `make assets` (npm ci)")


def fetcher(client, accept: str = "application/vc+jwt"):
    def download(url: str) -> bytes:
        response = client.get(urlsplit(url).path, HTTP_ACCEPT=accept)
        if response.status_code != 200:
            raise OSError(f"{url}: HTTP {response.status_code}")
        return response.content

    return download


def openbadgeslib_jwt(token: str, client) -> str:
    from openbadgeslib.ob3 import OB3Verifier

    try:
        did = json.loads(_b64(token.split(".")[1]))["iss"]
        OB3Verifier.for_issuer_did(did).verify(token, check_status=True, download=fetcher(client))
    except Exception as error:  # the verifier's own message is the verdict
        return f"{type(error).__name__}: {error}"
    return "VALID"


def openbadgeslib_ldp(document: str, client) -> str:
    from openbadgeslib.ob3.ldp import OB3LdpVerifier

    try:
        did = json.loads(document)["issuer"]["id"]
        OB3LdpVerifier.for_issuer_did(did).verify(
            document, check_status=True, download=fetcher(client)
        )
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return "VALID"


def digital_bazaar(document: dict, client, *, presentation: bool = False) -> str:
    require_outside_verifiers()
    credentials = document.get("verifiableCredential", []) if presentation else [document]
    documents = {}
    for credential in credentials:
        url = credential.get("credentialStatus", {}).get("statusListCredential")
        if url:
            documents[url] = json.loads(fetcher(client, "application/vc+ld+json, */*")(url))
    key = "presentation" if presentation else "credential"
    out = subprocess.run(
        ["node", str(NODE_SCRIPT)],
        input=json.dumps({key: document, "documents": documents}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0:
        return f"crashed: {out.stderr[-500:]}"
    result = json.loads(out.stdout)
    return "VALID" if result["verified"] else "; ".join(result["errors"]) or "not verified"


def all_verdicts(certificate, client) -> dict[str, str]:
    """What each outside verifier says of ``certificate``'s two forms."""
    return {
        "openbadgeslib VC-JWT": openbadgeslib_jwt(certificate.credential, client),
        "openbadgeslib Data Integrity": openbadgeslib_ldp(certificate.credential_ld, client),
        "Digital Bazaar Data Integrity": digital_bazaar(
            json.loads(certificate.credential_ld), client
        ),
    }


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

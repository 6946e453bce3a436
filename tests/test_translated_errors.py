"""Every message raised to a user is translatable.

Views show a domain error's message as it is (``messages.error(request, str(error))``), so a
plain English literal in ``raise SomeError("...")`` reaches Kazakh and Russian users in
English. The source check reads every module of our own apps (found from INSTALLED_APPS,
so a new app is covered without editing this file) and fails on such a raise; the runtime
checks show a refusal reaching a user in Kazakh.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from certificates.models import Certificate
from certificates.services.errors import CertificateError
from certificates.services.officer_actions import certificate_revoke
from certificates.services.privacy import certificate_privacy_set
from employability.services import RecordError, record_preference_set

from .certificates.helpers import complete

ROOT = Path(settings.BASE_DIR).resolve()

# The calls that mark a message for translation.
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}

# Our own error classes whose messages never reach a person using the site, with why.
NOT_SHOWN_TO_USERS = {
    "BackupError": "the operator's backup/restore command line (lms/ops)",
    "CredentialError": "reasons printed by the verify_credential command, never on a page",
    "LRSError": "a failed xAPI forward: logged and retried by a Celery task",
    "EnrolmentTransitionError": "a programming-error guard on the model, not a refusal",
}


def our_modules() -> list[Path]:
    """Every Python module of the project's own apps (not third-party, not migrations)."""
    roots = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            # The top-level package: lms.core and lms.ops are scanned as part of lms.
            roots.add(ROOT / path.relative_to(ROOT).parts[0])
    return sorted(
        module
        for root in roots
        for module in root.rglob("*.py")
        if "migrations" not in module.parts
    )


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # services.CourseError
        return node.attr
    return ""


def domain_errors(trees: dict[Path, ast.Module]) -> set[str]:
    """Our exception classes: named *Error and deriving from Exception, and every class
    deriving from one of those (``NotAllowed(CourseError)``), found to a fixed point."""
    classes = [
        (node.name, {_name(base) for base in node.bases})
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]
    found = {name for name, bases in classes if name.endswith("Error") and "Exception" in bases}
    while True:
        more = {name for name, bases in classes if bases & found} - found
        if not more:
            return found - set(NOT_SHOWN_TO_USERS)
        found |= more


def _plain_text(node: ast.expr) -> bool:
    """A message built from a bare literal: "..." , f"...", "..." % x, "...".format(x),
    "..." + x. A gettext call (alone, or with % applied to it) is translated."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _plain_text(node.left) or (isinstance(node.op, ast.Add) and _plain_text(node.right))
    if isinstance(node, ast.Call):
        if _name(node.func) in GETTEXT:
            return False
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _plain_text(node.func.value)
    return False


def untranslated_raises() -> set[tuple[str, str, str]]:
    """(path, error class, start of the message) of every plain-text raise."""
    trees = {path: ast.parse(path.read_text(), str(path)) for path in our_modules()}
    errors = domain_errors(trees)
    found = set()
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = _name(node.exc.func)
            messages = [*node.exc.args, *(k.value for k in node.exc.keywords)]
            if name in errors and any(_plain_text(message) for message in messages):
                text = ast.unparse(node.exc.args[0] if node.exc.args else node.exc)
                found.add((str(path.relative_to(ROOT)), name, text.strip("\"'f")[:40]))
    return found


def test_the_check_reads_every_app_and_knows_their_errors():
    trees = {path: ast.parse(path.read_text()) for path in our_modules()}
    scanned = {path.relative_to(ROOT).parts[0] for path in trees}
    assert {"lms", "courses", "certificates", "employability", "kiosk", "consent"} <= scanned
    assert {"guidelines", "h5p"} <= scanned
    errors = domain_errors(trees)
    assert {"CertificateError", "RecordError", "CourseError", "KioskError", "H5PError"} <= errors
    assert "NotAllowed" in errors  # a subclass of CourseError and of KioskError
    assert "BackupError" not in errors


def test_the_check_tells_a_plain_message_from_a_translated_one():
    plain = ['E("Refused.")', 'E(f"Refused {x}.")', 'E("No %s" % x)', 'E("{}".format(x))']
    translated = ['E(_("Refused."))', 'E(gettext("No %(x)s") % {"x": x})', "E(str(error))"]
    for source in plain:
        assert _plain_text(ast.parse(source, mode="eval").body.args[0]), source
    for source in translated:
        assert not _plain_text(ast.parse(source, mode="eval").body.args[0]), source


def test_no_message_raised_to_a_user_is_plain_untranslated_text():
    found = sorted(untranslated_raises())
    assert not found, "wrap these messages in gettext and translate them (kk, ru):\n" + "\n".join(
        f"{path}: raise {name}({text}...)" for path, name, text in found
    )


@pytest.mark.django_db
def test_a_certificate_refusal_reads_in_kazakh_and_russian(officer, prisoner):
    certificate = Certificate(learner=prisoner)
    for language, text in (
        ("kk", "Бұл таңдауды тек сертификат иесі жасай алады."),
        ("ru", "Этот выбор может сделать только владелец сертификата."),
    ):
        with translation.override(language), pytest.raises(CertificateError) as refused:
            certificate_privacy_set(actor=officer, certificate=certificate, verify_name="full")
        assert str(refused.value) == text


@pytest.mark.django_db
def test_an_employability_refusal_reads_in_kazakh(officer, prisoner):
    with translation.override("kk"), pytest.raises(RecordError) as refused:
        record_preference_set(actor=officer, person=prisoner, include_faith_based=True)
    assert str(refused.value) == "Бұл таңдауды тек адамның өзі жасай алады."


@pytest.mark.django_db
def test_a_kazakh_officer_sees_the_refusal_in_kazakh(
    client, officer, prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate_revoke(actor=officer, certificate=certificate, reason="Issued in error")
    client.force_login(officer)
    with translation.override("kk"):
        url = reverse("certificates:manage_certificate", args=[certificate.public_id])
    response = client.post(
        url,
        {"action": "revoke", "revoke-reason": "Again", "revoke-confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="kk",
        follow=True,
    )
    html = response.content.decode()
    assert "Бұл сертификат бұрын кері қайтарылған." in html
    assert "This certificate is already revoked." not in html

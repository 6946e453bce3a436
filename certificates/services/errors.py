"""The error certificate services raise when a rule refuses an action."""

from __future__ import annotations


class CertificateError(Exception):
    """A certificate action refused by a rule; the message is for the person acting."""

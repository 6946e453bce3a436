"""Domain errors of the kiosk services: ``KioskError`` subclasses whose message is for
the person in front of the screen."""

from __future__ import annotations


class KioskError(Exception):
    """A kiosk action the rules refuse; the message is shown to the person."""


class NotAllowed(KioskError):
    pass


class LockedOut(KioskError):
    def __init__(self, message: str, *, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


class WrongCredentials(KioskError):
    pass


class WrongFacility(KioskError):
    pass


class NotAKiosk(KioskError):
    """The cookie is no kiosk's any more (rebound after a sign-out, or revoked): checked
    against the database, whatever a process kept (``lms.core.access_memo``)."""

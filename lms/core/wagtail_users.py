"""Wagtail's people screens, fitted to who a person is.

A prisoner signs in only with a PIN on a kiosk (ADR 0020, 0045): their account never has a
usable password and no e-mail. Wagtail's own edit form asks for both (a password an
administrator could type and believe set, an e-mail it requires), so for a prisoner the edit
form asks for neither.
"""

from __future__ import annotations

from typing import Any

from wagtail.users.forms import UserEditForm
from wagtail.users.views.users import UserViewSet


class PersonEditForm(UserEditForm):
    """Wagtail's edit form; for a prisoner without password or e-mail fields."""

    @property
    def password_enabled(self) -> bool:
        if getattr(self.instance, "is_prisoner", False):
            return False
        return bool(super().password_enabled)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.is_prisoner:
            del self.fields["email"]


class PersonViewSet(UserViewSet):
    def get_form_class(self, for_update: bool = False) -> type:
        if for_update:
            return PersonEditForm
        return super().get_form_class(for_update)


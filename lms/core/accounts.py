"""Staff sign-in on the web (/accounts/login/): the form and the views. Prisoners never
sign in here; they sign in on a kiosk of their unit (``kiosk``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    """The staff sign-in (/accounts/login/): prisoners sign in only on kiosks."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.is_prisoner:
            raise forms.ValidationError(
                _("Learners in custody sign in on a kiosk in their unit."), code="kiosk_only"
            )


staff_login = auth_views.LoginView.as_view(
    redirect_authenticated_user=True, authentication_form=StaffAuthenticationForm
)
staff_logout = auth_views.LogoutView.as_view()

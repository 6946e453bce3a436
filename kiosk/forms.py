from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.models import Facility, Unit


class RegisterForm(forms.Form):
    code = forms.CharField(label=_("Registration code"), max_length=40)


class SignInForm(forms.Form):
    prisoner_number = forms.CharField(label=_("Your number"), max_length=32)
    pin = forms.CharField(label=_("Your PIN"), max_length=16, strip=False)


class PinChangeForm(forms.Form):
    pin = forms.CharField(label=_("New PIN"), max_length=16, strip=False)
    pin_again = forms.CharField(label=_("The same PIN again"), max_length=16, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin") != data.get("pin_again"):
            raise forms.ValidationError(_("The two PINs are not the same."))
        return data


class PinSetForm(PinChangeForm):
    must_change = forms.BooleanField(
        label=_("Ask the learner to choose their own PIN at the next sign-in"),
        required=False,
        initial=True,
    )


class RegistrationCodeForm(forms.Form):
    device_name = forms.CharField(label=_("Kiosk name"), max_length=100)
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, facilities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["unit"].queryset = Unit.objects.filter(facility__in=facilities)

    def clean(self):
        data = super().clean()
        unit, facility = data.get("unit"), data.get("facility")
        if unit and facility and unit.facility_id != facility.pk:
            self.add_error("unit", _("This unit belongs to another facility."))
        return data


class DeviceForm(RegistrationCodeForm):
    pass

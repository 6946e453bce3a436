from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_LENGTH, normalise_code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The code printed on the certificate, for example 7K2M-9QXD-4T8B-HN3C."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("A verification code has 16 letters and digits."))
        return code

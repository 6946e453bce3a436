from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentReadReasonForm(forms.Form):
    """Why a staff member needs to see a person's consent history (need-to-know). The
    purpose is kept as its code in the audit trail, so it reads the same in any language;
    "other" needs a few words."""

    PURPOSES = [
        ("plan_review", _("Reviewing the person's individual plan")),
        ("person_request", _("The person asked about their own records")),
        ("transfer_release", _("Transfer or release")),
        ("complaint", _("A complaint, an inquiry or a legal request")),
        ("other", _("Another reason")),
    ]

    purpose = forms.ChoiceField(
        label=_("Why do you need to see it?"), choices=PURPOSES, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=180,
        help_text=_(
            "Required for another reason. Do not write anything about the person's beliefs."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        data["details"] = (data.get("details") or "").strip()
        if data.get("purpose") == "other" and not data["details"]:
            self.add_error("details", _("Write why you need to see it."))
        return data

    @property
    def reason(self) -> str:
        """What goes into the audit trail: ``purpose`` or ``purpose: details``."""
        purpose, details = self.cleaned_data["purpose"], self.cleaned_data["details"]
        return f"{purpose}: {details}" if details else purpose

from django import forms
from django.utils.translation import gettext_lazy as _


class ReportPeoplePurposeForm(forms.Form):
    """Why a staff member needs the people behind a report's figure. The purpose is kept
    as its code in the audit trail, so it reads the same in any language; "other" needs a
    few words."""

    PURPOSES = [
        ("follow_up", _("Following up learners' progress")),
        ("planning", _("Planning places, classes or staff")),
        ("data_check", _("Checking that the figure is right")),
        ("complaint", _("A complaint, an inquiry or a legal request")),
        ("other", _("Another reason")),
    ]

    purpose = forms.ChoiceField(
        label=_("Why do you need to see them?"), choices=PURPOSES, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=180,
        help_text=_("Required for another reason."),
    )

    def clean(self) -> dict:
        data = super().clean()
        data["details"] = (data.get("details") or "").strip()
        if data.get("purpose") == "other" and not data["details"]:
            self.add_error("details", _("Write why you need to see them."))
        return data

    @property
    def reason(self) -> str:
        """What goes into the audit trail: ``purpose`` or ``purpose: details``."""
        purpose, details = self.cleaned_data["purpose"], self.cleaned_data["details"]
        return f"{purpose}: {details}" if details else purpose

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.date_input import LocalDateInput

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


class HolderNameForm(forms.Form):
    name = forms.CharField(
        label=_("Holder's name"),
        max_length=300,
        help_text=_("As the holder gave it to you; capitals and keyboard layout do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Kept in the audit trail."),
    )


class RevokeForm(ReasonForm):
    confirm = forms.BooleanField(
        label=_(
            "I understand: anyone who checks this certificate will see it is revoked, "
            "and this cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm that you want to revoke it.")},
    )


class ReissueForm(ReasonForm):
    holder_name = forms.CharField(label=_("Name as printed"), max_length=300, required=False)
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=None, required=False, empty_label=_("Keep the same")
    )

    def __init__(self, *args, **kwargs):
        from .models import CertificateTemplate

        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = CertificateTemplate.objects.all()


class ManualIssueForm(ReasonForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None)
    completed_on = forms.DateField(label=_("Completed on"), widget=LocalDateInput())

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.order_fields(["course", "completed_on", "reason"])


class BulkIssueForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None, required=False)
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from courses.models import CoursePage
        from lms.core.models import Facility

        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.filter(issues_certificate=True)
        self.fields["facility"].queryset = Facility.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("course") and not data.get("facility"):
            raise forms.ValidationError(_("Choose a course or a facility."))
        return data


class CertificateFilterForm(forms.Form):
    """The officer's certificate list filters: holder, serial or number; course; status;
    facility (among those the officer manages); completed between two dates."""

    q = forms.CharField(label=_("Holder, number or serial"), required=False, max_length=100)
    course = forms.TypedChoiceField(
        label=_("Course"), required=False, coerce=uuid.UUID, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    facility = forms.ModelChoiceField(
        label=_("Facility"), queryset=None, required=False, empty_label=_("All facilities")
    )
    completed_from = forms.DateField(
        label=_("Completed from"), required=False, widget=LocalDateInput()
    )
    completed_to = forms.DateField(
        label=_("Completed until"), required=False, widget=LocalDateInput()
    )

    def __init__(self, *args, facilities, courses: list[tuple[uuid.UUID, str]], **kwargs):
        from .models import Certificate

        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities.order_by("name")
        self.fields["course"].choices = [("", _("All courses"))] + [
            (str(key), title) for key, title in courses
        ]
        statuses = dict(Certificate.Status.choices)
        # "pending" and "rendering" read the same: one choice stands for both.
        statuses.pop(Certificate.Status.RENDERING)
        self.fields["status"].choices = [("", _("Any status")), *statuses.items()]

    def clean(self):
        data = super().clean()
        start, end = data.get("completed_from"), data.get("completed_to")
        if start and end and end < start:
            self.add_error("completed_to", _("The end date is before the start date."))
        return data

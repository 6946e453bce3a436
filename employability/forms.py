from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.date_input import LocalDateInput

from .models import Goal, Placement


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = ["kind", "role", "description", "started_on", "ended_on", "hours_per_week"]
        widgets = {
            "started_on": LocalDateInput(),
            "ended_on": LocalDateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("ended_on")
            and data.get("started_on")
            and data["ended_on"] < data["started_on"]
        ):
            self.add_error("ended_on", _("The end date is before the start date."))
        return data


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["text", "target_date"]
        widgets = {"target_date": LocalDateInput()}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=[("cv", "cv"), ("credentials", "credentials")])
    language = forms.ChoiceField(
        label=_("Language"), choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
    )

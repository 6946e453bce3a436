import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.models import Unit, User

from .models import CoursePage, Enrolment


def target_date_field() -> forms.DateField:
    return forms.DateField(
        label=_("Target date"),
        required=False,
        help_text=_("Optional. Time that does not count (a lockdown, a transfer...) moves it."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EnrolLearnerForm(forms.Form):
    """An education officer enrols one of their learners on a course, chosen among
    ``courses`` (``selectors.courses_staff_may_assign``: never a voluntary programme),
    with an optional target date."""

    course = forms.ModelChoiceField(queryset=CoursePage.objects.none(), label=_("Course"))
    target_on = target_date_field()

    def __init__(self, *args, learner: User, courses: list[CoursePage], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.filter(
            pk__in=[course.pk for course in courses]
        ).order_by("title")


class LearnerFilterForm(forms.Form):
    """The officer's learner list filters: name or number, unit, course and status. Units
    are those of the facilities the officer manages; courses never voluntary ones."""

    q = forms.CharField(label=_("Name or number"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Unit"), required=False, empty_label=_("All units")
    )
    course = forms.TypedChoiceField(
        label=_("Course"), required=False, coerce=uuid.UUID, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, units, courses: list[CoursePage], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.select_related("facility").order_by(
            "facility__name", "name"
        )
        self.fields["course"].choices = [("", _("All courses"))] + [
            (str(course.translation_key), course.title) for course in courses
        ]
        self.fields["status"].choices = [("", _("Any status")), *Enrolment.Status.choices]

    def filters(self):
        from .selectors import LearnerListFilters

        data = self.cleaned_data
        return LearnerListFilters(
            query=data.get("q") or "",
            unit_id=data["unit"].pk if data.get("unit") else None,
            course_key=data.get("course"),
            status=data.get("status") or "",
        )


class BulkEnrolForm(forms.Form):
    """An officer enrols many learners on one course: a unit of their facilities, a list
    of prisoner numbers or usernames, or the group they found on the learner list
    (``group``: that list's filters, as its query string)."""

    course = forms.TypedChoiceField(label=_("Course"), coerce=uuid.UUID)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Everyone in a unit"),
        required=False,
        empty_label=_("No unit"),
    )
    numbers = forms.CharField(
        label=_("Prisoner numbers or usernames"),
        help_text=_("One a line, or separated by commas."),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )
    target_on = target_date_field()
    group = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, units, courses: list[CoursePage], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.courses = {course.translation_key: course for course in courses}
        self.fields["unit"].queryset = units.select_related("facility").order_by(
            "facility__name", "name"
        )
        self.fields["course"].choices = [("", "—")] + [
            (str(course.translation_key), course.title) for course in courses
        ]

    def clean(self):
        data = super().clean()
        if not (data.get("unit") or data.get("numbers", "").strip() or data.get("group")):
            raise forms.ValidationError(
                _("Choose a unit, type some numbers, or start from the learner list.")
            )
        return data

    def chosen_course(self) -> CoursePage:
        return self.courses[self.cleaned_data["course"]]


class TargetDateForm(forms.Form):
    """An officer sets or clears the target date of one enrolment."""

    target_on = target_date_field()

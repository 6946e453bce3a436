from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.models import User

from .models import CoursePage


class EnrolLearnerForm(forms.Form):
    """An education officer enrols one of their learners on a course, chosen among
    ``courses`` (``selectors.courses_staff_may_assign``: never a voluntary programme)."""

    course = forms.ModelChoiceField(queryset=CoursePage.objects.none(), label=_("Course"))

    def __init__(self, *args, learner: User, courses: list[CoursePage], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.filter(
            pk__in=[course.pk for course in courses]
        ).order_by("title")

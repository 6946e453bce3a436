from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # review connects the programme areas' review rule; selectors registers what each
        # page shows (courses.models.pages.ReadsContext).
        from . import review, selectors  # noqa: F401

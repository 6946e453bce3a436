from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from guidelines.models import GuidelineIndexPage

        from . import review

        post_save.connect(
            review._guideline_index_saved,
            sender=GuidelineIndexPage,
            dispatch_uid="courses.review_guideline_index",
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    name = "guidelines"
    verbose_name = _("Guidelines")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from courses.review import review_setup
        from courses.search import search_source_register

        from .models import GuidelineIndexPage
        from .selectors import guideline_search

        # courses, a floor below, imports nothing of guidelines: guidelines join the site
        # search and get the staff review workflow from here.
        search_source_register(guideline_search)

        def guideline_index_saved(
            instance: GuidelineIndexPage, created: bool, raw: bool, **kwargs: object
        ) -> None:
            if created and not raw:
                review_setup(instance)

        post_save.connect(
            guideline_index_saved,
            sender=GuidelineIndexPage,
            weak=False,
            dispatch_uid="guidelines.review_guideline_index",
        )

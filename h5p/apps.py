from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "h5p"
    label = "h5p"
    verbose_name = _("H5P activities")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from courses.blocks import lesson_activity_register
        from lms.core.serving import content_version_bump

        from . import permissions
        from .blocks import H5PActivityBlock
        from .models import H5PContent, H5PLibrary

        # courses, a floor below, imports nothing of h5p: the lesson body gets the block here.
        lesson_activity_register("h5p", H5PActivityBlock())
        post_migrate.connect(permissions.trainer_permissions_ensure_after_migrate, sender=self)

        # Lesson pages remember the libraries' revision (their files' URLs) and the
        # activities in their blocks: installing a library or changing an activity is a
        # change of published content.
        def h5p_changed(**kwargs: object) -> None:
            content_version_bump()

        for signal in (post_save, post_delete):
            for model in (H5PLibrary, H5PContent):
                signal.connect(h5p_changed, sender=model, weak=False)

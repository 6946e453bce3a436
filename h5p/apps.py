from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "h5p"
    label = "h5p"
    verbose_name = _("H5P activities")

    def ready(self) -> None:
        from . import permissions

        post_migrate.connect(permissions.trainer_permissions_ensure_after_migrate, sender=self)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lms.core"
    label = "core"
    verbose_name = _("Qadam core")

    def ready(self) -> None:
        from django.core.checks import Tags, register
        from django.db.models.signals import post_migrate

        from . import checks, roles, serving, signals, signin  # noqa: F401 - receivers, checks

        register(checks.existing_names_check, Tags.database)

        post_migrate.connect(roles.role_groups_ensure_after_migrate, sender=self)
        signals.content_version_receivers_connect()
        signals.access_version_receivers_connect()


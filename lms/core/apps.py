from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


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


class QadamUsersConfig(WagtailUsersAppConfig):
    """``wagtail.users`` with our edit form for people (``lms.core.wagtail_users``)."""

    user_viewset = "lms.core.wagtail_users.PersonViewSet"

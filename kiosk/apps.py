from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KioskConfig(AppConfig):
    name = "kiosk"
    verbose_name = _("Kiosks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401 - settings checks; receivers
        from .permissions import officers_may_open_admin

        post_migrate.connect(officers_may_open_admin, dispatch_uid="kiosk-officers-admin")

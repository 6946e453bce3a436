from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KioskConfig(AppConfig):
    name = "kiosk"
    verbose_name = _("Kiosks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lms.core.signals import access_receivers_connect

        from . import checks, receivers  # noqa: F401 - settings checks; receivers
        from .models import Device, KioskCredential
        from .permissions import officers_may_open_admin

        post_migrate.connect(officers_may_open_admin, dispatch_uid="kiosk-officers-admin")
        # Kiosk rows are kept per process under the access version (lms.core.access_memo):
        # moving, revoking or rebinding a kiosk, and setting a PIN, replace it. Stamps of
        # when a kiosk was last used and its one-minute rebind link do not.
        access_receivers_connect(
            Device, harmless_fields=frozenset({"last_seen_at", "rebind_hash", "rebind_expires_at"})
        )
        access_receivers_connect(KioskCredential, harmless_fields=frozenset({"last_sign_in_at"}))

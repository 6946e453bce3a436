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
        # registering, moving, renaming or revoking a kiosk, lifting its lockout, and
        # setting a PIN, replace it. Stamps of when a kiosk was last used, its one-minute
        # rebind link, and the rebind itself (a new cookie at every sign-out: ``token_hash``)
        # do not: the old cookie is refused by the database where it matters
        # (``kiosk.services.devices.device_rebind``; docs/decisions/0046).
        access_receivers_connect(
            Device,
            harmless_fields=frozenset(
                {"last_seen_at", "rebind_hash", "rebind_expires_at", "token_hash"}
            ),
        )
        access_receivers_connect(KioskCredential, harmless_fields=frozenset({"last_sign_in_at"}))

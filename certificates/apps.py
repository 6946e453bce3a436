from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # The tasks register by name here, in every process: the services enqueue them by
        # name and never import the tasks module.
        from . import receivers, tasks  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Mandatory training")

    def ready(self) -> None:
        from . import receivers  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from courses.participation import consent_reader_register

        from .rules import consent_is_current

        # courses sits a floor below and never imports consent: it asks through this.
        consent_reader_register(consent_is_current)

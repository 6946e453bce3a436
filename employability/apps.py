from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployabilityConfig(AppConfig):
    name = "employability"
    verbose_name = _("Employability record")

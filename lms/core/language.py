"""The language switcher: Django's ``set_language``, which also remembers a signed-in
staff member's choice as the language of their e-mails (``User.language``). A prisoner's
choice stays with the kiosk session (shared devices; prisoners get no e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .models import User


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    code = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and not user.is_prisoner and code in dict(settings.LANGUAGES):
        # A plain UPDATE (``request.user`` may be a per-process copy, so no comparison with
        # it): a language is nothing the access caches or training depend on.
        User.objects.filter(pk=user.pk).update(language=code)
    return response

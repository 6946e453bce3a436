from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"qadam_site_name": settings.QADAM_SITE_NAME}

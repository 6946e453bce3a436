from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import User


@receiver(post_save, sender=User, dispatch_uid="core.user_role_groups")
def user_role_groups(sender: type[User], instance: User, raw: bool, **kwargs: Any) -> None:
    if raw:
        return
    from .roles import role_groups_sync

    role_groups_sync(instance)


# --- Content version (lms.core.serving): every change to published content replaces it --


def _content_models() -> tuple[type, ...]:
    """What rendered pages are made of: pages and where they are served, and the images
    and documents their blocks link (a replaced file changes the page's HTML)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    return (Page, Site, Locale, PageViewRestriction, get_image_model(), get_document_model())


@receiver(post_save, dispatch_uid="core.content_version_saved")
@receiver(post_delete, dispatch_uid="core.content_version_deleted")
def content_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, _content_models()):
        from .serving import content_version_bump

        content_version_bump()


@receiver(post_page_move, dispatch_uid="core.content_version_moved")
def content_moved(sender: type, **kwargs: Any) -> None:
    from .serving import content_version_bump

    content_version_bump()

"""Who may receive a document, an image or a media file.

Documents and images carry no audience of their own: they take it from the pages that
use them. A file goes to a signed-in person who may see at least one live page that
references it (Wagtail's reference index records StreamField and rich-text references),
or to people who author content (Wagtail admin access). Nobody else, whatever id or path
they guess, and the answer is a 404 either way, so guessing reveals nothing.
"""

from __future__ import annotations

from django.db import models
from wagtail.models import Page, ReferenceIndex

from lms.core.models import User
from lms.core.policy import audience_allows


def is_author(user: User) -> bool:
    """Whether ``user`` writes content: may add or change pages, images or documents.
    Opening the Wagtail admin is not enough (education officers open it to manage
    kiosks, and get files only as the pages that use them allow)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permission_policies.pages import PagePermissionPolicy
    from wagtail.permissions import policy_registry

    documents = policy_registry.get_by_type(get_document_model())
    images = policy_registry.get_by_type(get_image_model())

    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    actions = ["add", "change"]
    return (
        PagePermissionPolicy().user_has_any_permission(user, [*actions, "publish"])
        or images.user_has_any_permission(user, actions)
        or documents.user_has_any_permission(user, actions)
    )


def pages_using(obj: models.Model) -> models.QuerySet[Page]:
    page_type = ReferenceIndex._get_base_content_type(Page)
    page_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids])


def page_allows(user: User, page: Page) -> bool:
    audience = getattr(page, "audience", None)
    return audience is None or audience_allows(user, audience)


def user_may_receive(user: User, obj: models.Model) -> bool:
    """Whether ``user`` may be sent the file of ``obj`` (a document or an image)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_author(user):
        return True
    return any(page_allows(user, page) for page in pages_using(obj).specific())

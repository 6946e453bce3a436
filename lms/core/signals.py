from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User


@receiver(post_save, sender=User, dispatch_uid="core.user_role_groups")
def user_role_groups(sender: type[User], instance: User, raw: bool, **kwargs: Any) -> None:
    if raw:
        return
    from .roles import role_groups_sync

    role_groups_sync(instance)

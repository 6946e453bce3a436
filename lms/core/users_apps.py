"""Wagtail's users app, with our edit form for people (``lms.core.wagtail_users``).

Its own module: a second ``AppConfig`` in ``lms.core.apps`` would leave Django unable to
pick ``CoreConfig`` for ``"lms.core"``, and the core's signals and checks would never load.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class QadamUsersConfig(WagtailUsersAppConfig):
    user_viewset = "lms.core.wagtail_users.PersonViewSet"

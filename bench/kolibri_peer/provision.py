"""Provision the peer's content and learners with Kolibri's own models (run inside
`kolibri manage shell` by bench/peers.py, after `kolibri manage provisiondevice` has made
the facility and its administrator).

Made locally, no network: a channel of one topic and RESOURCES HTML5 resources (each a
real zip in Kolibri's content storage, made available by Kolibri's own annotation, as an
import from a drive would), LEARNERS learners of the facility and a signed-in session for
each (Kolibri's session store, as its sign-in writes it). Prints one JSON line
(``BENCH-PROVISION {...}``) with the ids and cookies the bench needs.
"""

import hashlib
import io
import json
import os
import uuid
import zipfile

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import connection
from kolibri.core.auth.backends import SessionStore
from kolibri.core.auth.constants.demographics import DEFERRED
from kolibri.core.auth.models import Facility, FacilityUser
from kolibri.core.content.models import ChannelMetadata, ContentNode, File, LocalFile
from kolibri.core.content.utils.annotation import set_content_visibility_from_disk
from kolibri.core.content.utils.paths import get_content_storage_file_path

LEARNERS = int(os.environ.get("KOLIBRI_BENCH_LEARNERS", "100"))
RESOURCES = int(os.environ.get("KOLIBRI_BENCH_RESOURCES", "20"))
SESSION_SECONDS = 4 * 3600  # Kolibri sets 20 minutes; a slow seeding must not expire them
BACKEND = "kolibri.core.auth.backends.FacilityUserBackend"


def html5_zip(title: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "index.html",
            f"<!doctype html><title>{title}</title><h1>{title}</h1>"
            + "<p>A short reading, as a lesson's text would be.</p>" * 20,
        )
    return buffer.getvalue()


def channel() -> tuple[str, list[dict]]:
    channel_id = uuid.uuid4().hex
    root = ContentNode.objects.create(
        id=uuid.uuid4().hex,
        title="Bench channel",
        kind="topic",
        channel_id=channel_id,
        content_id=uuid.uuid4().hex,
    )
    ChannelMetadata.objects.create(
        id=channel_id,
        name="Bench channel",
        description="Made locally by make bench-peers",
        root=root,
        version=1,
        min_schema_version="1",
    )
    topic = ContentNode.objects.create(
        id=uuid.uuid4().hex,
        parent=root,
        title="Lessons",
        kind="topic",
        channel_id=channel_id,
        content_id=uuid.uuid4().hex,
    )
    resources = []
    for number in range(RESOURCES):
        title = f"Lesson {number + 1}"
        node = ContentNode.objects.create(
            id=uuid.uuid4().hex,
            parent=topic,
            title=title,
            kind="html5",
            channel_id=channel_id,
            content_id=uuid.uuid4().hex,
            sort_order=number,
            license_name="CC BY",
            learning_activities="reading",
        )
        data = html5_zip(title)
        checksum = hashlib.md5(data).hexdigest()  # noqa: S324 - Kolibri names files by md5
        local = LocalFile.objects.create(id=checksum, extension="zip", file_size=len(data))
        path = get_content_storage_file_path(f"{checksum}.zip")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as stored:
            stored.write(data)
        File.objects.create(
            id=uuid.uuid4().hex, local_file=local, contentnode=node, preset="html5_zip", priority=1
        )
        resources.append({"id": node.id, "content_id": node.content_id})
    # Kolibri's own annotation: files on disk -> available nodes, counts up the tree.
    set_content_visibility_from_disk(channel_id)
    return channel_id, resources


def learners() -> list[FacilityUser]:
    facility = Facility.get_default_facility()
    password = make_password("bench-learner")  # one hash for all: sign-in is not measured
    users = []
    for number in range(LEARNERS):
        user = FacilityUser(
            username=f"learner{number}",
            full_name=f"Learner {number}",
            facility=facility,
            gender=DEFERRED,
            birth_year=DEFERRED,
            password=password,
        )
        user.save()
        users.append(user)
    return users


def session_cookie(user: FacilityUser) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(SESSION_SECONDS)
    store.create()
    return f"kolibri={store.session_key}"


def main() -> None:
    channel_id, resources = channel()
    users = learners()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_hit (id bigserial PRIMARY KEY, learner_id bigint NOT NULL,"
            " lesson_key uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )
    result = {
        "channel_id": channel_id,
        "resources": resources,
        "user_id": users[0].pk,
        "cookies": [session_cookie(user) for user in users],
    }
    print("BENCH-PROVISION " + json.dumps(result), flush=True)


main()

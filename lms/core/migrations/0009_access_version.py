import uuid

from django.db import migrations


def create_row(apps, schema_editor):
    # Row 2 of the version tokens: the access version (lms.core.access_memo).
    apps.get_model("core", "ContentVersion").objects.get_or_create(
        pk=2, defaults={"token": uuid.uuid4()}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0008_facility_language")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]

"""Strip bidirectional control characters from the names already stored (the model
strips them from every name saved from now on: ``lms.core.names``)."""

from django.db import migrations

from lms.core.names import NAME_FIELDS, names_with_bidi_controls_q, without_bidi_controls


def strip_existing(apps, schema_editor):
    User = apps.get_model("core", "User")
    for person in User.objects.filter(names_with_bidi_controls_q()).iterator():
        for field in NAME_FIELDS:
            setattr(person, field, without_bidi_controls(getattr(person, field)))
        person.save(update_fields=list(NAME_FIELDS))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_content_version")]

    operations = [migrations.RunPython(strip_existing, migrations.RunPython.noop)]

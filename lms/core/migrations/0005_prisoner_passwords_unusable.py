"""Prisoner accounts sign in with a PIN on a kiosk only: make every stored password of a
prisoner unusable (the same value Django's ``set_unusable_password`` writes)."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def prisoner_passwords_unusable(apps, schema_editor):
    User = apps.get_model("core", "User")
    for user in User.objects.filter(role="prisoner_learner").exclude(password__startswith="!"):
        user.password = make_password(None)
        user.save(update_fields=["password"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_facility_time_zone")]

    operations = [migrations.RunPython(prisoner_passwords_unusable, migrations.RunPython.noop)]

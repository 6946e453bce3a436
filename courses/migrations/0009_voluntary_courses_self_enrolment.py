"""Voluntary programmes are joined only by the person (decision record 0021): open every
existing one to self-enrolment, as ``CoursePage.save`` now does for new ones."""

from django.db import migrations
from django.db.models import Q


def open_voluntary_courses(apps, schema_editor):
    CoursePage = apps.get_model("courses", "CoursePage")
    CoursePage.objects.filter(
        Q(requires_consent=True) | Q(programme_type="faith_based"), self_enrolment=False
    ).update(self_enrolment=True)


class Migration(migrations.Migration):
    dependencies = [("courses", "0008_lesson_time_reports_once")]

    operations = [migrations.RunPython(open_voluntary_courses, migrations.RunPython.noop)]

"""Saved state becomes per lesson and activity, not only per content.

Rows saved before are placed in the lesson and activity of the learner's latest statement
in that content; a row with no statement to place it by is dropped (it held answers so
far, never a result: results are ``ActivityResult`` rows and statements, both kept).
"""

from django.db import migrations, models


def place_saved_state(apps, schema_editor):
    ContentUserData = apps.get_model("h5p", "ContentUserData")
    XAPIStatement = apps.get_model("h5p", "XAPIStatement")
    for row in ContentUserData.objects.filter(lesson_key__isnull=True).iterator():
        latest = (
            XAPIStatement.objects.filter(learner_id=row.learner_id, content_id=row.content_id)
            .order_by("-stored_at")
            .values("lesson_key", "activity_key")
            .first()
        )
        if latest is None:
            row.delete()
        else:
            ContentUserData.objects.filter(pk=row.pk).update(**latest)


class Migration(migrations.Migration):
    dependencies = [("h5p", "0001_h5p_libraries_content_statements")]

    operations = [
        migrations.RemoveConstraint(model_name="contentuserdata", name="h5p_user_data_unique"),
        migrations.AddField(
            model_name="contentuserdata",
            name="lesson_key",
            field=models.UUIDField(null=True),
        ),
        migrations.AddField(
            model_name="contentuserdata",
            name="activity_key",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(place_saved_state, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contentuserdata",
            name="lesson_key",
            field=models.UUIDField(),
        ),
        migrations.AddConstraint(
            model_name="contentuserdata",
            constraint=models.UniqueConstraint(
                fields=(
                    "learner",
                    "content",
                    "lesson_key",
                    "activity_key",
                    "data_type",
                    "sub_content_id",
                ),
                name="h5p_user_data_unique_per_lesson",
            ),
        ),
    ]

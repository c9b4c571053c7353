"""Room in each page of the sittings table, so that saving answers (many updates of a row
while it is open, no indexed column changed) stays a heap-only update on PostgreSQL: the new
row version goes in the same page and none of the table's six indexes is touched."""

from django.db import migrations


def set_fillfactor(apps, schema_editor, percent=70):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE quizzes_sitting SET (fillfactor = {int(percent)})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE quizzes_sitting RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]

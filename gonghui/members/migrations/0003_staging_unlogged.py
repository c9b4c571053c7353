"""On PostgreSQL the import staging table is UNLOGGED (no write-ahead log: it holds rows
only between an import's check and its commit, and a crash just means checking again) and
left alone by autovacuum (its rows live minutes). Both keep a million-row check fast."""

from django.db import migrations


def tune_staging(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE members_workerimportrow SET UNLOGGED, "
        "SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)"
    )


def untune_staging(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_workerimportrow SET LOGGED, RESET (autovacuum_enabled)")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_worker_groups")]
    operations = [migrations.RunPython(tune_staging, untune_staging)]

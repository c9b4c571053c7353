"""Database triggers that refuse to change or delete audit events, whatever code runs.

UPDATE is refused on every backend. DELETE is refused on PostgreSQL; there TRUNCATE (used
only by test teardown and restore) is a separate statement the row trigger does not see. On
SQLite a DELETE trigger would also stop the test runner's flush, so the model and its
queryset refuse deletes there.
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER core_auditevent_no_{op.lower()} BEFORE {op} ON core_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();"
            )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for op in ("update", "delete"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS core_auditevent_no_{op} ON core_auditevent;"
            )
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_append_only();")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update;")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

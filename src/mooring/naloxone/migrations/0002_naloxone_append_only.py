"""PostgreSQL refuses UPDATE and DELETE on naloxone kits and offer records."""

from django.db import migrations

TABLES = [
    "naloxone_naloxonekit",
    "naloxone_naloxoneofferrecord",
]
FORWARD = """
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION mooring_ledger_refuse_change();
"""
BACKWARD = "DROP TRIGGER IF EXISTS {table}_append_only ON {table};"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(FORWARD.format(table=table))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(BACKWARD.format(table=table))


class Migration(migrations.Migration):
    dependencies = [("naloxone", "0001_initial"), ("inventory", "0002_ledger_append_only")]
    operations = [migrations.RunPython(forward, backward)]

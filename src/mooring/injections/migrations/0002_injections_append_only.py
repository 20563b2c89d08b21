"""PostgreSQL refuses UPDATE and DELETE on injections (a given injection stays given)."""

from django.db import migrations

FORWARD = """
CREATE TRIGGER injections_append_only
    BEFORE UPDATE OR DELETE ON injections_injectionadministration
    FOR EACH ROW EXECUTE FUNCTION mooring_ledger_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS injections_append_only ON injections_injectionadministration;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("injections", "0001_initial"), ("inventory", "0002_ledger_append_only")]
    operations = [migrations.RunPython(forward, backward)]

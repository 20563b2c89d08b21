"""PostgreSQL refuses UPDATE and DELETE on dose administrations (a given dose stays given)."""

from django.db import migrations

FORWARD = """
CREATE TRIGGER medications_dose_append_only
    BEFORE UPDATE OR DELETE ON medications_doseadministration
    FOR EACH ROW EXECUTE FUNCTION mooring_ledger_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS medications_dose_append_only ON medications_doseadministration;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("medications", "0001_initial"), ("inventory", "0002_ledger_append_only")]
    operations = [migrations.RunPython(forward, backward)]

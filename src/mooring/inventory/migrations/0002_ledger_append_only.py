"""PostgreSQL refuses UPDATE and DELETE on the inventory ledger (corrections are reversals).

On SQLite the model refuses both; the test suite's flush of transactional tests would need
the triggers dropped there, so SQLite relies on the model guard (see docs/architecture-medications.md).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION mooring_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_ledger_append_only
    BEFORE UPDATE OR DELETE ON inventory_inventoryledgerentry
    FOR EACH ROW EXECUTE FUNCTION mooring_ledger_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS inventory_ledger_append_only ON inventory_inventoryledgerentry;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD.replace("%", "%%"))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]

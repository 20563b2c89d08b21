"""PostgreSQL refuses DELETE on guest dosing arrangements: cancelling is a recorded state.

UPDATE stays allowed (cancelling fills the cancel columns once; the service refuses a
second time and a check constraint keeps the four columns together).
"""

from django.db import migrations

FORWARD = """
CREATE TRIGGER medications_guest_never_deleted
    BEFORE DELETE ON medications_guestdosingarrangement
    FOR EACH ROW EXECUTE FUNCTION mooring_ledger_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS medications_guest_never_deleted ON medications_guestdosingarrangement;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("medications", "0003_guest_dosing")]
    operations = [migrations.RunPython(forward, backward)]

"""PostgreSQL refuses UPDATE and DELETE on take-home criteria assessments (history is kept).

Uses the inventory ledger's refusal function. On SQLite the model refuses both.
"""

from django.db import migrations

FORWARD = """
CREATE TRIGGER takehomes_assessment_append_only
    BEFORE UPDATE OR DELETE ON takehomes_takehomecriteriaassessment
    FOR EACH ROW EXECUTE FUNCTION mooring_ledger_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS takehomes_assessment_append_only
    ON takehomes_takehomecriteriaassessment;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("takehomes", "0001_initial"), ("inventory", "0002_ledger_append_only")]
    operations = [migrations.RunPython(forward, backward)]

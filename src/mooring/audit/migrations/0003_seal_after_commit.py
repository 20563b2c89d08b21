"""Seal the audit chain after commit (ADR 0004): seals and a pending queue replace the hashes.

For an existing database: the chain kept on ``audit_auditevent`` is checked link by link and
copied into ``audit_auditseal`` in id order (position = rank), re-hashed in the new form
(which adds the event id); a chain that is already broken is not re-sealed, since that
would hide the break. Then the two hash columns go, and the triggers come: append-only on
the seals, and the one that queues every new event for sealing. Reversible, with the same
check the other way.

The hash forms are frozen copies here: a later change to ``mooring.audit.chain`` must not
change what this migration did.
"""

import hashlib
import json

from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models.deletion import PROTECT
from django.utils import timezone

GENESIS = "0" * 64
BATCH = 5000
# The form of ADR 0001 (0001_initial to 0002) and the form of ADR 0004 (the id added).
OLD_FIELDS = (
    "uuid", "occurred_at", "actor_id", "actor_username", "role", "clinic_id", "patient_id",
    "action", "object_type", "object_id", "data_category", "source_address", "user_agent",
    "channel", "outcome", "detail",
)
NEW_FIELDS = ("id", *OLD_FIELDS)


def _canonical(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "hex") and not isinstance(value, bytes | str | int | float):
        return str(value)
    return value


def _hash(previous, row, names):
    payload = {name: _canonical(row.get(name)) for name in names}
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}|{body}".encode()).hexdigest()


def _refuse(event_id, problem):
    raise CommandError(
        f"The audit chain is broken at event {event_id} ({problem}). This migration does "
        "not re-seal a broken chain, which would hide the break: investigate it with "
        "`mooring audit verify` on the version you are migrating from (a demo database can "
        "be rebuilt with `mooring demo --reset`)."
    )


def seal_existing_chain(apps, schema_editor):
    """Check the old chain in id order and write one seal per event, in that order."""
    event_model = apps.get_model("audit", "AuditEvent")
    seal_model = apps.get_model("audit", "AuditSeal")
    rows = (
        event_model.objects.order_by("id")
        .values("previous_hash", "hash", *NEW_FIELDS)
        .iterator(chunk_size=BATCH)
    )
    old, new, seals, now = GENESIS, GENESIS, [], timezone.now()
    for position, row in enumerate(rows, start=1):
        if row["previous_hash"] != old:
            _refuse(row["id"], "the previous-hash link does not match")
        if _hash(old, row, OLD_FIELDS) != row["hash"]:
            _refuse(row["id"], "its content does not match its hash")
        old, digest = row["hash"], _hash(new, row, NEW_FIELDS)
        seals.append(seal_model(position=position, event_id=row["id"], previous_hash=new,
                                hash=digest, sealed_at=now))
        new = digest
        if len(seals) == BATCH:
            seal_model.objects.bulk_create(seals)
            seals = []
    seal_model.objects.bulk_create(seals)


def _sealed_pairs(event_model, seal_model):
    """(seal, its event's row or None), in chain order, a batch at a time."""
    after = 0
    while True:
        seals = list(seal_model.objects.filter(position__gt=after).order_by("position")
                     .values("position", "event_id", "previous_hash", "hash")[:BATCH])
        if not seals:
            return
        last = seals[-1]["position"]
        events = event_model.objects.filter(seal__position__gt=after, seal__position__lte=last)
        rows = {row["id"]: row for row in events.values(*NEW_FIELDS)}
        for seal in seals:
            yield seal, rows.get(seal["event_id"])
        after = last


def restore_old_chain(apps, schema_editor):
    """Backwards: check the seals, then chain every event on its own row again, in id order."""
    event_model = apps.get_model("audit", "AuditEvent")
    seal_model = apps.get_model("audit", "AuditSeal")
    previous = GENESIS
    for position, (seal, event) in enumerate(_sealed_pairs(event_model, seal_model), start=1):
        if seal["position"] != position or seal["previous_hash"] != previous or event is None \
                or _hash(previous, event, NEW_FIELDS) != seal["hash"]:
            _refuse(seal["event_id"], "its seal does not match")
        previous = seal["hash"]
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # the append-only trigger would refuse the UPDATE (SQLite's is dropped)
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER "
                              "audit_auditevent_append_only")
    previous, after = GENESIS, 0
    while rows := list(event_model.objects.filter(id__gt=after).order_by("id")
                       .values(*NEW_FIELDS)[:BATCH]):
        changed = []
        for row in rows:
            digest = _hash(previous, row, OLD_FIELDS)
            changed.append(event_model(id=row["id"], previous_hash=previous, hash=digest))
            previous = digest
        event_model.objects.bulk_update(changed, ["previous_hash", "hash"])
        after = rows[-1]["id"]
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER "
                              "audit_auditevent_append_only")


# The triggers -----------------------------------------------------------------------------

PG_REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION mooring_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only: %% refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_REFUSE_CHANGE_0002 = """
CREATE OR REPLACE FUNCTION mooring_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_FORWARD = PG_REFUSE_CHANGE + """
CREATE TRIGGER audit_auditseal_append_only
    BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION mooring_audit_refuse_change();
CREATE TRIGGER audit_auditseal_no_truncate
    BEFORE TRUNCATE ON audit_auditseal
    FOR EACH STATEMENT EXECUTE FUNCTION mooring_audit_refuse_change();
CREATE OR REPLACE FUNCTION mooring_audit_queue_for_seal() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_auditpending (event_id) SELECT id FROM inserted;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- Once per statement, so a bulk insert queues all its rows in one go.
CREATE TRIGGER audit_auditevent_queue_for_seal
    AFTER INSERT ON audit_auditevent REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION mooring_audit_queue_for_seal();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditevent_queue_for_seal ON audit_auditevent;
DROP FUNCTION IF EXISTS mooring_audit_queue_for_seal();
DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;
DROP TRIGGER IF EXISTS audit_auditseal_append_only ON audit_auditseal;
""" + PG_REFUSE_CHANGE_0002

# Removing the hash columns rebuilt audit_auditevent on SQLite, which dropped its triggers:
# they are made again here with the new ones.
SQLITE_EVENT_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END;""",
]
SQLITE_FORWARD = [
    *SQLITE_EVENT_TRIGGERS,
    """CREATE TRIGGER audit_auditseal_no_update BEFORE UPDATE ON audit_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit_auditseal is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_auditseal_no_delete BEFORE DELETE ON audit_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit_auditseal is append-only: DELETE refused'); END;""",
    """CREATE TRIGGER audit_auditevent_queue_for_seal AFTER INSERT ON audit_auditevent
       BEGIN INSERT INTO audit_auditpending (event_id) VALUES (NEW.id); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditevent_queue_for_seal;",
    "DROP TRIGGER IF EXISTS audit_auditseal_no_delete;",
    "DROP TRIGGER IF EXISTS audit_auditseal_no_update;",
    # Going back rebuilds the table again (and writes the old hashes into it); the first
    # operation's reverse makes these two again at the end.
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
]


def _run(schema_editor, postgres, sqlite):
    statements = [postgres] if schema_editor.connection.vendor == "postgresql" else sqlite
    for statement in statements:
        schema_editor.execute(statement)


def install_triggers(apps, schema_editor):
    _run(schema_editor, PG_FORWARD, SQLITE_FORWARD)


def remove_triggers(apps, schema_editor):
    _run(schema_editor, PG_BACKWARD, SQLITE_BACKWARD)


def restore_sqlite_event_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _run(schema_editor, "", SQLITE_EVENT_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        # Backwards only, and last: 0002's triggers on SQLite, after the table's rebuilds.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_event_triggers),
        migrations.CreateModel(
            name="AuditPending",
            fields=[("event_id", models.BigIntegerField(primary_key=True, serialize=False))],
            options={"ordering": ["event_id"]},
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("position", models.BigIntegerField(primary_key=True, serialize=False)),
                ("previous_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
                ("sealed_at", models.DateTimeField()),
                ("event", models.OneToOneField(db_constraint=False, on_delete=PROTECT,
                                               related_name="seal", to="audit.auditevent")),
            ],
            options={"ordering": ["position"]},
        ),
        migrations.RunPython(seal_existing_chain, migrations.RunPython.noop),
        # Nullable and not unique first, so that going back can add the columns to a full
        # table and fill them before they are made required and unique again.
        migrations.AlterField(
            model_name="auditevent", name="previous_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent", name="hash", field=models.CharField(max_length=64, null=True)
        ),
        migrations.RunPython(migrations.RunPython.noop, restore_old_chain),
        migrations.RemoveField(model_name="auditevent", name="previous_hash"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RunPython(install_triggers, remove_triggers),
    ]

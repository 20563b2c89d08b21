"""Migration 0003 moves an existing chain into seals, and refuses to re-seal a broken one."""

import importlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from mooring.audit.models import Action, AuditEvent, AuditPending, AuditSeal
from mooring.audit.services import record, verify_chain
from mooring.core.context import system_actor

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("no_sealing_after_commit")]

BEFORE = [("audit", "0002_append_only_trigger")]
AFTER = [("audit", "0003_seal_after_commit")]
# The hash forms, frozen in the migration (the old one is what 0002's record() wrote).
FORMS = importlib.import_module("mooring.audit.migrations.0003_seal_after_commit")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def at_0002():
    """The audit app as it was before sealing; back to the latest schema afterwards."""
    apps = _migrate(BEFORE)
    yield apps
    _remove_events()
    _migrate(AFTER)


def _remove_events():
    # Past 0002's append-only triggers, which are in force at either end of the test.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute(FORMS.SQLITE_EVENT_TRIGGERS[1])


def _old_chain(apps, count, *, broken_at=None):
    """Events as 0002's record() wrote them: each hashed onto the one before, in id order."""
    event_model = apps.get_model("audit", "AuditEvent")
    previous = FORMS.GENESIS
    when = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    for n in range(count):
        event = event_model(uuid=uuid.uuid4(), occurred_at=when + timedelta(seconds=n),
                            actor_username="ada", action="read", object_type="patient",
                            object_id=str(n), detail={"n": n, "amount": "12.5"},
                            previous_hash=previous, hash=uuid.uuid4().hex)  # hashed below
        event.save()
        stored = event_model.objects.filter(pk=event.pk).values(*FORMS.NEW_FIELDS).get()
        digest = FORMS._hash(previous, stored, FORMS.OLD_FIELDS)
        if n == broken_at:
            digest = "f" * 64
        _set_hash(event.pk, digest)
        previous = digest


def _set_hash(event_id, digest):
    # 0002's triggers refuse UPDATE: a test stands in for the old record(), which knew the
    # hash before its INSERT.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE id = %s",
                           [digest, event_id])
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE id = %s",
                           [digest, event_id])
            cursor.execute(FORMS.SQLITE_EVENT_TRIGGERS[0])


def _old_chain_verifies(apps):
    previous = FORMS.GENESIS
    event_model = apps.get_model("audit", "AuditEvent")
    for row in event_model.objects.order_by("id").values("previous_hash", "hash",
                                                         *FORMS.NEW_FIELDS):
        if row["previous_hash"] != previous or \
                FORMS._hash(previous, row, FORMS.OLD_FIELDS) != row["hash"]:
            return False
        previous = row["hash"]
    return True


def test_an_existing_chain_becomes_seals_in_id_order_and_verifies(at_0002):
    _old_chain(at_0002, 5)
    assert _old_chain_verifies(at_0002)
    _migrate(AFTER)
    assert verify_chain() is None
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert list(AuditSeal.objects.order_by("position").values_list("event_id", flat=True)) == ids
    assert not AuditPending.objects.exists()
    # The triggers: a new event is queued; events and seals stay append-only.
    event = record(actor=system_actor(), action=Action.CREATE, object_type="after")
    assert AuditPending.objects.filter(event_id=event.pk).exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ids[0]).update(role="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(event_id=ids[0]).delete()


def test_going_back_chains_the_events_on_their_rows_again(at_0002):
    _old_chain(at_0002, 3)
    _migrate(AFTER)
    record(actor=system_actor(), action=Action.CREATE, object_type="after")  # still waiting
    apps = _migrate(BEFORE)
    assert _old_chain_verifies(apps)
    assert apps.get_model("audit", "AuditEvent").objects.count() == 4
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE object_type = 'after'")


def test_a_broken_chain_is_not_resealed(at_0002):
    _old_chain(at_0002, 4, broken_at=2)
    with pytest.raises(CommandError, match=r"broken at event \d+ .*would hide the break"):
        _migrate(AFTER)
    applied = MigrationRecorder(connection).applied_migrations()
    assert BEFORE[0] in applied
    assert AFTER[0] not in applied

"""The audit log is append-only and hash-chained; verification finds tampering."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from mooring.audit.models import Action, AuditEvent
from mooring.audit.services import record, verify_chain
from mooring.core.context import system_actor

DB_REFUSALS = DatabaseError


def _events(n):
    actor = system_actor()
    return [record(actor=actor, action=Action.CREATE, object_type="thing", object_id=i,
                   detail={"n": i, "amount": "12.5"}) for i in range(n)]


def _raw(sql, params=()):
    # Tampering on purpose, as someone with direct database access would: switch off the
    # append-only trigger. The test's transaction is rolled back afterwards (SQLite's DDL is
    # transactional too), so the trigger is back for the next test.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_an_untouched_chain_verifies():
    _events(5)
    assert verify_chain() is None


@pytest.mark.django_db
def test_each_event_links_to_the_previous_hash():
    first, second = _events(2)
    assert second.previous_hash == first.hash
    assert first.hash != second.hash


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete():
    event = _events(1)[0]
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_type="changed")
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).object_type == "thing"


@pytest.mark.django_db
def test_the_model_refuses_a_second_save_and_delete():
    event = _events(1)[0]
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.django_db
def test_verify_reports_the_first_changed_event():
    events = _events(4)
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", events[2].pk])
    broken = verify_chain()
    assert broken.event_id == events[2].pk
    assert "changed" in broken.problem


@pytest.mark.django_db
def test_verify_reports_a_removed_event():
    events = _events(4)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    broken = verify_chain()
    assert broken.event_id == events[2].pk
    assert "removed" in broken.problem


@pytest.mark.django_db
def test_the_command_exits_non_zero_on_a_tampered_row(capsys):
    events = _events(3)
    call_command("audit_verify")
    assert "intact: 3 events" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"n": 42}', events[0].pk])
    with pytest.raises(CommandError, match=f"broken at event {events[0].pk}"):
        call_command("audit_verify")

"""The audit log is append-only; sealed after commit into a hash chain; verify finds tampering."""

import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from mooring.audit.models import Action, AuditEvent, AuditPending, AuditSeal
from mooring.audit.services import record, seal_pending, verify_chain
from mooring.core.context import system_actor
from tests.audit.conftest import make_events, tamper

pytestmark = pytest.mark.django_db


def _positions():
    return list(AuditSeal.objects.order_by("position").values_list("event_id", flat=True))


def test_recording_is_one_insert_with_no_lock_and_no_read():
    make_events(1)  # a chain to extend, had it still been read under a lock
    with CaptureQueriesContext(connection) as captured:
        record(actor=system_actor(), action=Action.READ, object_type="thing")
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) == 1, statements
    assert statements[0].startswith("INSERT INTO")
    assert "advisory" not in statements[0]


def test_the_database_queues_every_event_inserted_even_by_plain_sql():
    event = make_events(1)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (uuid, occurred_at, actor_username, role, action, "
            "object_type, object_id, data_category, source_address, user_agent, channel, "
            "outcome, detail) VALUES (%s, %s, '', '', 'read', 'raw', '', 'none', '', '', '', "
            "'success', '{}')",
            [uuid.uuid4().hex, event.occurred_at],
        )
    raw = AuditEvent.objects.get(object_type="raw")
    assert set(AuditPending.objects.values_list("event_id", flat=True)) == {event.pk, raw.pk}


def test_events_are_sealed_in_order_each_linked_to_the_one_before():
    events = make_events(3)
    assert seal_pending(wait=True) == 3
    seals = list(AuditSeal.objects.order_by("position"))
    assert [s.position for s in seals] == [1, 2, 3]
    assert [s.event_id for s in seals] == [e.pk for e in events]
    assert seals[0].previous_hash == "0" * 64
    assert seals[1].previous_hash == seals[0].hash
    assert seals[2].previous_hash == seals[1].hash
    assert not AuditPending.objects.exists()
    assert seal_pending(wait=True) == 0


def test_an_untouched_chain_verifies_sealed_or_still_waiting():
    make_events(5, sealed=True)
    make_events(2)  # waiting for the sealer: not a break
    assert verify_chain() is None
    seal_pending(wait=True)
    assert verify_chain() is None


def test_a_late_committing_lower_id_is_sealed_later_and_the_chain_verifies():
    early, late = make_events(2)
    # The transaction holding `early` has not committed yet: its queue entry is not visible.
    held = AuditPending.objects.filter(event_id=early.pk)
    held.delete()
    assert seal_pending(wait=True) == 1
    AuditPending.objects.create(event_id=early.pk)  # ... and now it has
    assert seal_pending(wait=True) == 1
    assert _positions() == [late.pk, early.pk]
    assert verify_chain() is None


def test_a_large_backlog_is_sealed_in_several_batches(monkeypatch):
    from mooring.audit import services

    monkeypatch.setattr(services, "SEAL_BATCH", 4)
    events = make_events(10)
    assert seal_pending(wait=True, batches=1) == 4
    assert seal_pending(wait=True) == 6
    assert _positions() == [e.pk for e in events]
    assert verify_chain() is None


def test_an_event_queued_twice_is_sealed_once():
    event = make_events(1, sealed=True)[0]
    AuditPending.objects.create(event_id=event.pk)
    assert seal_pending(wait=True) == 0
    assert AuditSeal.objects.filter(event=event).count() == 1
    assert verify_chain() is None


def test_the_database_refuses_to_change_or_remove_events_and_seals():
    event = make_events(1, sealed=True)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_type="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(event=event).update(hash="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(event=event).delete()
    assert AuditEvent.objects.get(pk=event.pk).object_type == "thing"
    assert AuditSeal.objects.filter(event=event).exists()


def test_the_models_refuse_a_second_save_and_delete():
    event = make_events(1, sealed=True)[0]
    seal = AuditSeal.objects.get(event=event)
    for row in (event, seal):
        with pytest.raises(RuntimeError):
            row.save()
        with pytest.raises(RuntimeError):
            row.delete()


def test_verify_reports_a_changed_event():
    events = make_events(4, sealed=True)
    tamper("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", events[2].pk])
    broken = verify_chain()
    assert broken.event_id == events[2].pk
    assert "changed" in broken.problem


def test_verify_reports_a_changed_seal():
    events = make_events(3, sealed=True)
    tamper("UPDATE audit_auditseal SET hash = %s WHERE event_id = %s", ["f" * 64, events[1].pk])
    broken = verify_chain()
    assert broken.event_id == events[1].pk


def test_verify_reports_two_events_whose_seals_were_swapped():
    first, second, _ = make_events(3, sealed=True)
    tamper("UPDATE audit_auditseal SET event_id = -event_id WHERE event_id IN (%s, %s)",
           [first.pk, second.pk])
    tamper("UPDATE audit_auditseal SET event_id = %s WHERE event_id = %s", [second.pk, -first.pk])
    tamper("UPDATE audit_auditseal SET event_id = %s WHERE event_id = %s", [first.pk, -second.pk])
    broken = verify_chain()
    assert broken.event_id == second.pk  # now at position 1
    assert "changed" in broken.problem


def test_verify_reports_a_removed_event():
    events = make_events(4, sealed=True)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    broken = verify_chain()
    assert broken.event_id == events[1].pk
    assert "removed" in broken.problem


def test_verify_reports_a_removed_seal_at_the_next_link():
    events = make_events(4, sealed=True)
    tamper("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
    broken = verify_chain()
    assert broken.event_id == events[2].pk
    assert "removed" in broken.problem


def test_verify_reports_the_newest_seal_removed_as_an_event_never_sealed():
    events = make_events(3, sealed=True)
    tamper("DELETE FROM audit_auditseal WHERE event_id = %s", [events[2].pk])
    broken = verify_chain()
    assert broken.event_id == events[2].pk
    assert "never sealed" in broken.problem


def test_verify_reports_an_event_whose_queue_entry_was_removed():
    events = make_events(3)
    AuditPending.objects.filter(event_id=events[1].pk).delete()  # the app role may do this
    seal_pending(wait=True)
    broken = verify_chain()
    assert broken.event_id == events[1].pk
    assert "queue entry was removed" in broken.problem


def test_an_event_removed_before_it_was_sealed_stays_reported_and_is_never_sealed():
    events = make_events(3)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert seal_pending(wait=True) == 2
    assert AuditPending.objects.filter(event_id=events[1].pk).exists()  # kept as evidence
    broken = verify_chain()
    assert broken.event_id == events[1].pk
    assert "removed before it was sealed" in broken.problem


def test_verify_walks_the_chain_a_batch_at_a_time():
    events = make_events(7, sealed=True)
    assert verify_chain(batch_size=3) is None
    tamper("UPDATE audit_auditevent SET role = %s WHERE id = %s", ["x", events[5].pk])
    assert verify_chain(batch_size=3).event_id == events[5].pk


def test_the_verify_command_seals_first_then_reports(capsys):
    make_events(3)
    call_command("audit_verify", "--no-seal")
    assert "intact: 0 events verified, 3 waiting to be sealed" in capsys.readouterr().out
    call_command("audit_verify")
    assert "intact: 3 events verified, 0 waiting to be sealed" in capsys.readouterr().out


def test_the_verify_command_exits_non_zero_on_a_tampered_row():
    events = make_events(3, sealed=True)
    tamper("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"n": 42}', events[0].pk])
    with pytest.raises(CommandError, match=f"broken at event {events[0].pk}: its content"):
        call_command("audit_verify")

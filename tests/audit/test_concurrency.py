"""Writers and sealers at once on real PostgreSQL connections: no wait, no fork, no loss."""

import threading

import psycopg
import pytest
from django.db import connection, transaction

from mooring.audit import services
from mooring.audit.models import Action, AuditPending, AuditSeal
from mooring.audit.services import record, seal_pending, verify_chain
from mooring.core.context import system_actor
from tests.audit.conftest import make_events
from tests.concurrency import at_once
from tests.inventory.conftest import postgres_only

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]


def _positions():
    return list(AuditSeal.objects.order_by("position").values_list("position", flat=True))


def test_a_transaction_that_commits_late_is_sealed_after_those_before_it(no_sealing_after_commit):
    recorded, release = threading.Event(), threading.Event()
    early = {}

    def slow_transaction():
        try:
            with transaction.atomic():
                early["event"] = record(actor=system_actor(), action=Action.CREATE,
                                        object_type="slow")
                recorded.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    assert recorded.wait(timeout=10)
    late = make_events(1)[0]  # committed at once, without waiting for the slow one
    assert seal_pending(wait=True) == 1  # the uncommitted event is not visible yet
    release.set()
    thread.join(timeout=10)
    assert early["event"].pk < late.pk
    assert seal_pending(wait=True) == 1
    sealed = list(AuditSeal.objects.order_by("position").values_list("event_id", flat=True))
    assert sealed == [late.pk, early["event"].pk]
    assert verify_chain() is None


def test_a_sealer_that_does_not_wait_gives_way_to_one_at_work(no_sealing_after_commit):
    make_events(2)
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [services._CHAIN_LOCK_KEY])
        assert seal_pending(wait=False) == 0
        other.execute("SELECT pg_advisory_unlock(%s)", [services._CHAIN_LOCK_KEY])
    assert AuditPending.objects.count() == 2
    assert seal_pending(wait=False) == 2


def test_sealers_and_writers_at_once_never_fork_or_lose_the_chain(
    no_sealing_after_commit, monkeypatch
):
    monkeypatch.setattr(services, "SEAL_BATCH", 7)  # many small batches, so sealers interleave
    make_events(40)
    writing = threading.Event()
    writing.set()

    def writer():
        for n in range(30):
            record(actor=system_actor(), action=Action.READ, object_type="race", object_id=n)
        writing.clear()
        return "wrote"

    def sealer(wait):
        def run():
            total = 0
            while writing.is_set():
                total += seal_pending(wait=wait)
            return total + seal_pending(wait=wait)

        return run

    results = at_once(writer, writer, sealer(True), sealer(True), sealer(False), sealer(False))
    assert len(results) == 6, "a writer or a sealer failed"
    assert results.count("wrote") == 2
    by_sealers = sum(r for r in results if isinstance(r, int))
    assert by_sealers + seal_pending(wait=True) == 100  # each event sealed once
    assert AuditSeal.objects.count() == 100
    assert _positions() == list(range(1, 101))
    assert not AuditPending.objects.exists()
    assert verify_chain() is None

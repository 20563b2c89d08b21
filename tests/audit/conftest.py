"""Helpers for the audit chain's tests: events, sealing, and tampering as an intruder would."""

import time

import pytest
from django.db import connection

from mooring.audit import services
from mooring.audit.models import Action
from mooring.audit.services import record, seal_pending
from mooring.core.context import system_actor


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each test starts as a process that has not tried to seal yet."""
    services._LastAttempt.at = float("-inf")
    yield
    services._LastAttempt.at = float("-inf")


@pytest.fixture
def no_sealing_after_commit(settings):
    """Only the test seals: the after-commit sealer has just tried and waits a day."""
    settings.MOORING_AUDIT_SEAL_INTERVAL = 86400
    services._LastAttempt.at = time.monotonic()


def make_events(n, *, sealed=False):
    actor = system_actor()
    events = [record(actor=actor, action=Action.CREATE, object_type="thing", object_id=i,
                     detail={"n": i, "amount": "12.5"}) for i in range(n)]
    if sealed:
        seal_pending(wait=True)
    return events


def tamper(sql, params=()):
    """Run SQL past the append-only triggers, as someone with direct database access would.

    The test's transaction is rolled back afterwards (SQLite's DDL is transactional too), so
    the triggers are back for the next test.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            for table in ("audit_auditevent", "audit_auditseal"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            cursor.execute(sql, params)

"""Write audit events. Call :func:`record` inside the same transaction as the change."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from mooring.audit.chain import CHAINED_FIELDS, GENESIS, ChainBreak, event_hash, verify_rows
from mooring.audit.models import Action, AuditEvent, DataCategory, Outcome

if TYPE_CHECKING:
    from mooring.core.context import Actor
    from mooring.patients.models import Patient

# Any constant would do; it names the lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_403_911


def _lock_chain() -> None:
    # Two transactions appending at once must not both link to the same previous event.
    # PostgreSQL: a transaction-scoped advisory lock. SQLite: BEGIN IMMEDIATE already
    # serialises writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def record(
    *,
    actor: Actor,
    action: Action | str,
    object_type: str = "",
    object_id: object = "",
    patient: Patient | None = None,
    data_category: DataCategory | str = DataCategory.NONE,
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    clinic: Any = None,
) -> AuditEvent:
    """Append one event. Best called last in the service so the chain lock is held briefly.

    Everything that does not depend on the previous event is prepared before the lock is
    taken; under it there are two statements (read the last hash, insert) and the hash. The
    lock is released when the caller's transaction commits, so nothing slow should follow
    this call. No savepoint of its own: if the event cannot be written, the change it
    describes is rolled back with it.
    """
    user = actor.user if actor.user is not None and actor.user.pk else None
    event = AuditEvent(
        actor=user,
        actor_username=user.get_username() if user else "",
        role=actor.role_label,
        clinic=clinic if clinic is not None else actor.clinic,
        patient=patient,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id)[:64],
        data_category=str(data_category),
        source_address=actor.source_address,
        user_agent=actor.user_agent[:300],
        channel=actor.channel,
        outcome=str(outcome),
        # Round-trip through JSON so the hash covers exactly what the database stores.
        detail=json.loads(json.dumps(detail or {}, default=str)),
    )
    with transaction.atomic(savepoint=False):
        _lock_chain()
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        # Stamped under the lock, so the times follow the chain's order.
        event.occurred_at = timezone.now()
        event.previous_hash = previous or GENESIS
        fields = {name: getattr(event, name) for name in CHAINED_FIELDS}
        event.hash = event_hash(event.previous_hash, fields)
        event.save(force_insert=True)
        return event


def verify_chain(batch_size: int = 5000) -> ChainBreak | None:
    """Return the first event that was changed, removed or inserted, or None if intact."""
    columns = ("id", "previous_hash", "hash", *CHAINED_FIELDS)
    rows = AuditEvent.objects.order_by("id").values(*columns).iterator(chunk_size=batch_size)
    return verify_rows(rows)

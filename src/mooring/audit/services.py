"""Write audit events and seal them into the hash chain.

Call :func:`record` inside the same transaction as the change it describes: it is one
INSERT, with no lock and no read, so audited writes never wait for each other. A database
trigger queues the new event (``AuditPending``); :func:`seal_pending` chains what is queued,
after the commit. See docs/adr/0004-seal-the-audit-chain-after-commit.md.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from mooring.audit.chain import CHAINED_FIELDS, GENESIS, ChainBreak, event_hash, verify_seals
from mooring.audit.models import Action, AuditEvent, AuditPending, AuditSeal, DataCategory, Outcome
from mooring.core.statements import insert_row

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mooring.core.context import Actor
    from mooring.patients.models import Patient

logger = logging.getLogger(__name__)

# Any constant would do; it names the lock that lets one sealer at a time extend the chain.
_CHAIN_LOCK_KEY = 7_403_911
# Events sealed per transaction: a large backlog is sealed in several short transactions.
SEAL_BATCH = 5000

# Take a batch off the queue. Only entries whose event is there: an entry whose event was
# removed before it was sealed is left in the queue for verify to report.
_TAKE_PENDING = """
DELETE FROM audit_auditpending WHERE event_id IN (
    SELECT p.event_id FROM audit_auditpending p
    WHERE EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.id = p.event_id)
    ORDER BY p.event_id LIMIT %s
) RETURNING event_id
"""


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
    """Append one event: a single INSERT in the caller's transaction.

    No savepoint of its own: if the event cannot be written, the change it describes is
    rolled back with it. The event is sealed into the chain after the commit (see
    :func:`seal_pending`); the database queues it for that by itself.
    """
    user = actor.user if actor.user is not None and actor.user.pk else None
    event = AuditEvent(
        occurred_at=timezone.now(),
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
        # What the database stores is what a reader gets back (dates, decimals as text).
        detail=json.loads(json.dumps(detail or {}, default=str)),
    )
    # The compiled INSERT (not save()): audited writes are the busiest statement there is.
    insert_row(event)
    transaction.on_commit(_seal_after_commit)
    return event


# Sealing ---------------------------------------------------------------------------------


class _LastAttempt:
    """When this process last tried to seal (monotonic seconds), shared by its threads."""

    at = float("-inf")
    lock = threading.Lock()


def _seal_after_commit() -> None:
    """Seal what is waiting, at most once per MOORING_AUDIT_SEAL_INTERVAL in this process.

    Runs after the user's transaction committed: whatever happens here, their change stands,
    so a failure is logged and never raised. If another process holds the chain lock, it (or
    the next attempt) seals: nobody waits for it.
    """
    with _LastAttempt.lock:
        now = time.monotonic()
        if now - _LastAttempt.at < settings.MOORING_AUDIT_SEAL_INTERVAL:
            return
        _LastAttempt.at = now
    try:
        seal_pending(wait=False, batches=1)
    except Exception:
        logger.exception("Sealing the audit chain failed; the events stay queued for the next try")


def seal_pending(*, wait: bool, batches: int | None = None) -> int:
    """Seal queued events into the chain; return how many were sealed.

    Each batch of up to SEAL_BATCH events is its own short transaction under the chain lock.
    ``wait=False`` gives up at once if another sealer holds the lock. ``batches`` bounds the
    work (the after-commit sealer does one); ``None`` seals until the queue is empty.
    """
    sealed = 0
    while batches is None or batches > 0:
        outcome = _seal_batch(wait=wait)
        if outcome is None:  # another sealer is at work
            break
        taken, count = outcome
        sealed += count
        if taken < SEAL_BATCH:
            break
        batches = None if batches is None else batches - 1
    return sealed


def _seal_batch(*, wait: bool) -> tuple[int, int] | None:
    """Take one batch off the queue and chain it; None if the lock is busy."""
    with transaction.atomic(), connection.cursor() as cursor:
        if not _lock_chain(cursor, wait=wait):
            return None
        cursor.execute(_TAKE_PENDING, [SEAL_BATCH])
        taken = [row[0] for row in cursor.fetchall()]
        if not taken:
            return 0, 0
        last = AuditSeal.objects.order_by("-position").values_list("position", "hash").first()
        position, previous = last or (0, GENESIS)
        # Read back from the database, so the hash covers exactly what is stored. An entry
        # for an event that already has a seal (queued twice) is dropped, not sealed again.
        events = (
            AuditEvent.objects.filter(id__in=taken, seal__isnull=True)
            .order_by("id")
            .values(*CHAINED_FIELDS)
        )
        now = timezone.now()
        seals = []
        for event in events:
            position += 1
            digest = event_hash(previous, event)
            seals.append(AuditSeal(position=position, event_id=event["id"], previous_hash=previous,
                                   hash=digest, sealed_at=now))
            previous = digest
        AuditSeal.objects.bulk_create(seals)
        return len(taken), len(seals)


def _lock_chain(cursor: Any, *, wait: bool) -> bool:
    # PostgreSQL: a transaction-scoped advisory lock, so two sealers never extend the chain
    # from the same last seal (the unique position and hash would refuse the second anyway).
    # SQLite: the transaction began IMMEDIATE, holding the database's one write lock.
    if connection.vendor != "postgresql":
        return True
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    return bool(cursor.fetchone()[0])


# Verifying -------------------------------------------------------------------------------


def verify_chain(batch_size: int = 5000) -> ChainBreak | None:
    """Return the first event that was changed, removed, inserted or never sealed, or None.

    Walks the seals in chain order, a batch at a time (memory stays flat at millions of
    events), recomputing each hash from the event as stored; then checks that every event
    is either sealed or still waiting in the queue.
    """
    return verify_seals(_sealed_events(batch_size)) or _unsealed_break()


def _sealed_events(batch_size: int) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(seal, its event or None if it is gone), in chain order."""
    after = 0
    while True:
        seals = list(
            AuditSeal.objects.filter(position__gt=after)
            .order_by("position")
            .values("position", "event_id", "previous_hash", "hash")[:batch_size]
        )
        if not seals:
            return
        last = seals[-1]["position"]
        events = {
            row["id"]: row
            for row in AuditEvent.objects.filter(
                seal__position__gt=after, seal__position__lte=last
            ).values(*CHAINED_FIELDS)
        }
        for seal in seals:
            yield seal, events.get(seal["event_id"])
        after = last


def _unsealed_break() -> ChainBreak | None:
    queued = AuditPending.objects.filter(event_id=OuterRef("id"))
    lost = (
        AuditEvent.objects.filter(seal__isnull=True)
        .exclude(Exists(queued))
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if lost is not None:
        return ChainBreak(lost, "it was never sealed and is no longer waiting to be: its "
                                "queue entry was removed")
    orphan = (
        AuditPending.objects.exclude(Exists(AuditEvent.objects.filter(id=OuterRef("event_id"))))
        .values_list("event_id", flat=True)
        .first()
    )
    if orphan is not None:
        return ChainBreak(orphan, "it was removed before it was sealed (its queue entry is "
                                  "still waiting)")
    return None


def chain_counts() -> tuple[int, int]:
    """How many events are sealed, and how many are waiting to be."""
    return AuditSeal.objects.count(), AuditPending.objects.count()

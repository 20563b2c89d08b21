"""End-of-day counts: expected (book) against counted (physical), with four-eyes closing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, Conflict, ValidationFailed
from mooring.core.time import now
from mooring.inventory.models import CountStatus, ReconciliationCount, StockBottle
from mooring.inventory.services.stock import stock_adjust


def reconciliation_count(
    *,
    actor: Actor,
    bottle: StockBottle,
    counted_ml: Decimal | None = None,
    counted_mg: Decimal | None = None,
    comment: str = "",
    counted_at: datetime | None = None,
) -> ReconciliationCount:
    """Record a physical count of a bottle against its book balance at this moment.

    Liquids are counted in mL (``counted_ml``), solid forms in mg. A count that differs from
    the book needs a comment and stays open until a second person closes it.
    """
    access.require(actor.user, Capability.MANAGE_INVENTORY, bottle.clinic_id)
    counted_at = counted_at or now()
    with transaction.atomic():
        # Lock so no dose lands between reading the book balance and saving the count.
        locked = (
            StockBottle.objects.select_for_update()
            .select_related("product", "clinic")
            .get(pk=bottle.pk)
        )
        product = locked.product
        if product.concentration_mg_per_ml is not None:
            if counted_ml is None or counted_ml < 0:
                raise ValidationFailed(
                    "Enter the volume counted, in mL (0 or more).",
                    code="counted_ml_required",
                    field="counted_ml",
                )
            counted_mg = product.mg_for(counted_ml)
        elif counted_mg is None or counted_mg < 0:
            raise ValidationFailed(
                "Enter the amount counted, in mg (0 or more).",
                code="counted_mg_required",
                field="counted_mg",
            )
        balanced = counted_mg == locked.balance_mg
        if not balanced and not comment.strip():
            raise ValidationFailed(
                f"The count differs from the book ({locked.balance_mg} mg expected); explain "
                "the difference.",
                code="comment_required",
                field="comment",
            )
        count = ReconciliationCount.objects.create(
            bottle=locked,
            clinic=locked.clinic,
            service_date=counted_at.astimezone(locked.clinic.tz).date(),
            expected_mg=locked.balance_mg,
            counted_mg=counted_mg,
            expected_ml=locked.balance_ml,
            counted_ml=counted_ml,
            comment=comment.strip(),
            counted_by=actor.user,
            counted_at=counted_at,
            status=CountStatus.BALANCED if balanced else CountStatus.OPEN,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="reconciliation_count",
            object_id=count.uuid,
            clinic=locked.clinic,
            detail={
                "bottle": str(locked.uuid),
                "expected_mg": str(count.expected_mg),
                "counted_mg": str(count.counted_mg),
                "status": count.status,
            },
        )
    return count


def reconciliation_close(
    *, actor: Actor, count: ReconciliationCount, note: str, adjust: bool = True
) -> ReconciliationCount:
    """Close an open discrepancy: a second, different person with CLOSE_RECONCILIATION.

    With ``adjust`` the book is brought to the count by an adjustment entry of the
    difference (the ledger keeps both the original movements and the correction).
    """
    access.require(actor.user, Capability.CLOSE_RECONCILIATION, count.clinic_id)
    if not note.strip():
        raise ValidationFailed("Say what was found and done.", code="required", field="note")
    with transaction.atomic():
        locked = ReconciliationCount.objects.select_for_update().get(pk=count.pk)
        if locked.status != CountStatus.OPEN:
            raise Conflict("This count has no open discrepancy.", code="not_open")
        if actor.user is None or locked.counted_by_id == actor.user.pk:
            raise CapabilityDenied(
                "A discrepancy is closed by someone other than the counter.", code="same_person"
            )
        if adjust:
            locked.adjustment = stock_adjust(
                actor=actor,
                bottle=locked.bottle,
                delta_mg=locked.discrepancy_mg,
                reason=f"Reconciliation {locked.service_date}: {note.strip()}",
                reference=locked.uuid,
            )
        locked.status = CountStatus.CLOSED
        locked.closed_by = actor.user
        locked.closed_at = now()
        locked.close_note = note.strip()
        locked.save(update_fields=["status", "closed_by", "closed_at", "close_note", "adjustment"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="reconciliation_count",
            object_id=locked.uuid,
            clinic=locked.clinic,
            detail={
                "status": "closed",
                "discrepancy_mg": str(locked.discrepancy_mg),
                "adjusted": adjust,
                "note": locked.close_note,
            },
        )
    return locked

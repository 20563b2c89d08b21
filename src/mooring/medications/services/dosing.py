"""Observed dosing: the nurse gives today's dose and the stock moves in the same breath.

``dose_dispense`` is one transaction: lock the order, check everything that could make the
dose unsafe or a duplicate, write the administration, draw the stock through the inventory
ledger, audit. Either all of it is committed or none of it. The unique constraint on
(order, service_date, administration_index) backs the Python check in the database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ValidationFailed
from mooring.core.time import now
from mooring.inventory.models import StockBottle
from mooring.inventory.services import stock_dispense
from mooring.medications import rules_bridge
from mooring.medications.models import DoseAdministration, DoseKind, MedicationOrder
from mooring.medications.selectors import day_facts, dose_blocker
from mooring.medications.services._access import require_patient_here

# A clock a few minutes fast on a tablet is not a dose "in the future"; more than this is.
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)


def dose_dispense(
    *,
    actor: Actor,
    order: MedicationOrder,
    amount_mg: Decimal,
    stock_bottle: StockBottle,
    idempotency_key: str,
    administered_at: datetime | None = None,
    administration_index: int = 1,
    back_entered: bool = False,
) -> DoseAdministration:
    """Give one observed administration of ``order`` from ``stock_bottle``.

    The service date is the local calendar day at the nurse's clinic. A retry with the same
    ``idempotency_key`` returns the first administration and moves no stock. Refusals carry
    stable codes: ``order_not_signed``, ``order_not_started``, ``order_ended``,
    ``on_hold``, ``appears_sedated``, ``missed_doses_hold_for_review``,
    ``missed_doses_reinduce``, ``wrong_amount``, ``invalid_administration_index``,
    ``wrong_product``, ``insufficient_stock``, ``bottle_expired`` (ValidationFailed) and
    ``already_dosed_today``, ``idempotency_key_reused`` (Conflict).
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise ValidationFailed(
            "A request key (1 to 80 characters) is required.",
            code="idempotency_key_required",
            field="idempotency_key",
        )
    if (
        isinstance(amount_mg, bool)
        or not isinstance(amount_mg, Decimal)
        or not amount_mg.is_finite()
        or amount_mg <= 0
    ):
        raise ValidationFailed(
            "Enter an amount of more than 0 mg.", code="not_positive", field="amount_mg"
        )
    entered_at = now()
    administered_at = administered_at or entered_at
    if administered_at.tzinfo is None:
        raise ValidationFailed(
            "The time given needs a time zone.", code="naive_datetime", field="administered_at"
        )
    if administered_at > entered_at + CLOCK_SKEW_ALLOWANCE:
        raise ValidationFailed(
            "A dose cannot be recorded in the future.",
            code="administered_in_future",
            field="administered_at",
        )
    # Checked before anything else, so a stranger to this patient learns nothing, not even
    # whether a request key was used.
    require_patient_here(actor, order.patient, Capability.DISPENSE)
    with transaction.atomic():
        replay = _replay(key, order)
        if replay is not None:
            return replay
        # The order row lock serialises every dose of this order: a second nurse's request
        # waits here, then sees the first dose and is refused.
        order = (
            MedicationOrder.objects.select_for_update(of=("self",))
            .select_related("patient", "patient__home_clinic", "clinic")
            .get(pk=order.pk)
        )
        replay = _replay(key, order)
        if replay is not None:
            return replay
        clinic = require_patient_here(actor, order.patient, Capability.DISPENSE)
        service_date = administered_at.astimezone(clinic.tz).date()
        _check_dose(order, service_date, amount_mg, administration_index, stock_bottle)
        try:
            with transaction.atomic():
                dose = DoseAdministration.objects.create(
                    order=order,
                    patient=order.patient,
                    clinic=clinic,
                    service_date=service_date,
                    administered_at=administered_at,
                    amount_mg=amount_mg,
                    administration_index=administration_index,
                    kind=DoseKind.OBSERVED,
                    nurse=actor.user,
                    stock_bottle=stock_bottle,
                    back_entered=back_entered,
                    entered_at=entered_at,
                    idempotency_key=key,
                )
        except IntegrityError:
            # Only reachable if two writers slipped past the lock (e.g. a caller that
            # bypassed it); the database constraint still gives exactly one dose.
            raise Conflict(
                "This dose has already been given today.", code="already_dosed_today"
            ) from None
        entry = stock_dispense(
            actor=actor,
            bottle=stock_bottle,
            amount_mg=amount_mg,
            occurred_at=administered_at,
            reference=dose.uuid,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="dose_administration",
            object_id=dose.uuid,
            patient=order.patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "order": str(order.uuid),
                "medication": order.medication,
                "amount_mg": str(amount_mg),
                "service_date": service_date,
                "administration_index": administration_index,
                "bottle": str(stock_bottle.uuid),
                "ledger_entry": str(entry.uuid),
                "back_entered": back_entered,
            },
        )
    return dose


def _replay(key: str, order: MedicationOrder) -> DoseAdministration | None:
    first = DoseAdministration.objects.filter(idempotency_key=key).first()
    if first is None:
        return None
    if first.order_id != order.pk:
        raise Conflict(
            "This request key was already used for another dose.",
            code="idempotency_key_reused",
            field="idempotency_key",
        )
    return first


def _check_dose(
    order: MedicationOrder, service_date: date, amount_mg: Decimal, index: int, bottle: StockBottle
) -> None:
    profile = rules_bridge.profile_for(order.clinic)
    blocker, _advice = dose_blocker(order, service_date, day_facts(order, service_date), profile)
    if blocker is not None:
        raise ValidationFailed(blocker.message, code=blocker.code)
    if isinstance(index, bool) or not isinstance(index, int) or not 1 <= index <= order.split:
        raise ValidationFailed(
            f"This order is given {order.split} time(s) a day.",
            code="invalid_administration_index",
            field="administration_index",
        )
    if DoseAdministration.objects.filter(
        order=order, service_date=service_date, administration_index=index, kind=DoseKind.OBSERVED
    ).exists():
        raise Conflict("This dose has already been given today.", code="already_dosed_today")
    if amount_mg != order.per_administration_mg:
        raise ValidationFailed(
            f"The order is {order.per_administration_mg} mg per "
            f"administration, not {amount_mg} mg.",
            code="wrong_amount",
            field="amount_mg",
        )
    if bottle.product.medication != order.medication:
        raise ValidationFailed(
            f"Bottle {bottle.label} holds {bottle.product}, not the ordered medication.",
            code="wrong_product",
            field="stock_bottle",
        )

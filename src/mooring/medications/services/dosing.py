"""Observed dosing: the nurse gives today's dose and the stock moves in the same breath.

``dose_dispense`` is one transaction: lock the order, check everything that could make the
dose unsafe or a duplicate, write the administration, draw the stock through the inventory
ledger, audit. Either all of it is committed or none of it. The unique constraint on
(order, service_date, administration_index) backs the Python check in the database.

Guest dosing: during a :class:`~mooring.medications.models.GuestDosingArrangement` the host
clinic doses from the home clinic's order (the dose records the host as its clinic, the
service date is the host's local day) and every other clinic is refused
(``guest_dosing_elsewhere``); a clinic is refused a dose on a day another clinic already
dosed the person (``dosed_elsewhere_today``).

Downtime: a dose given while the system was down is entered afterwards with
``back_entered=True`` and the real ``administered_at``; the service date comes from that
time in the giving clinic's zone, ``entered_at`` from the clock, and the policy's
``back_entry_limit`` bounds how far back it may go.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Subquery

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, NotFoundOrForbidden, ValidationFailed
from mooring.core.statements import insert_row
from mooring.core.time import now
from mooring.inventory.models import StockBottle
from mooring.inventory.services import stock_dispense
from mooring.medications import policy, rules_bridge
from mooring.medications.compiled import CompiledQuery
from mooring.medications.models import (
    DoseAdministration,
    DoseKind,
    GuestDosingArrangement,
    MedicationOrder,
)
from mooring.medications.selectors import active_guest_arrangement, day_facts, dose_blocker
from mooring.patients.selectors import require_patient_here

# Refused as a conflict with what was already given, like a second clinic's dose.
TAKE_HOME_TODAY = "take_home_issued_for_today"

# Kept for callers that imported it; the policy object is the one source.
CLOCK_SKEW_ALLOWANCE = policy.DOSING_POLICY.clock_skew_allowance


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
    ``wrong_product``, ``insufficient_stock``, ``bottle_expired``,
    ``guest_dosing_elsewhere``, ``not_guest_that_day``, ``administered_in_future``,
    ``administered_too_long_ago``, ``administered_at_required`` (ValidationFailed) and
    ``already_dosed_today``, ``dosed_elsewhere_today``, ``take_home_issued_for_today``
    (a take-home dose of the medication is out for that day), ``idempotency_key_reused``
    (Conflict).

    ``back_entered`` doses need the real ``administered_at``, no older than the site
    policy's ``back_entry_limit``; their service date is that time's local day here.
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
    rules = policy.DOSING_POLICY
    if back_entered and administered_at is None:
        raise ValidationFailed(
            "A back-entered dose needs the time it was actually given.",
            code="administered_at_required",
            field="administered_at",
        )
    administered_at = administered_at or entered_at
    if administered_at.tzinfo is None:
        raise ValidationFailed(
            "The time given needs a time zone.", code="naive_datetime", field="administered_at"
        )
    if administered_at > entered_at + rules.clock_skew_allowance:
        raise ValidationFailed(
            "A dose cannot be recorded in the future.",
            code="administered_in_future",
            field="administered_at",
        )
    if administered_at < entered_at - rules.back_entry_limit:
        hours = int(rules.back_entry_limit.total_seconds() // 3600)
        raise ValidationFailed(
            f"A dose can be entered up to {hours} hours after it was given; report an older "
            "one as an incident.",
            code="administered_too_long_ago",
            field="administered_at",
        )
    with transaction.atomic():
        # The order row lock serialises every dose of this order: a second nurse's request
        # waits here, then sees the first dose and is refused (every read below is a new
        # statement, so it sees what the first nurse committed). The patient, their home
        # clinic and the order's clinic come with it, and the order a request key was used
        # for: nothing below reads them again.
        order, key_used_for = _lock_order(order.pk, key)
        # Checked before anything else, so a stranger to this patient learns nothing, not
        # even whether a request key was used.
        clinic, service_date, guest = _dosing_clinic(actor, order, administered_at)
        if key_used_for is not None and (replay := _replay(key, order)) is not None:
            return replay
        try:
            _check_dose(order, service_date, amount_mg, administration_index, stock_bottle, clinic)
        except Conflict as refused:
            # A retry racing its own first request waits at the lock, but the lock statement
            # read the request keys before that first dose committed: look again.
            if refused.code != "already_dosed_today" or (replay := _replay(key, order)) is None:
                raise
            return replay
        try:
            # No savepoint: a duplicate aborts the whole dose, and the Conflict below takes
            # the transaction down with it.
            dose = insert_row(
                DoseAdministration(
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
            )
        except IntegrityError:
            # Only reachable if two writers slipped past the lock (e.g. a caller that
            # bypassed it) or a request key was reused at the same instant; the database
            # constraints still give exactly one dose.
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
                "administered_at": administered_at,
                "entered_at": entered_at,
                "guest_arrangement": str(guest.uuid) if guest is not None else None,
            },
        )
    return dose


def _dosing_clinic(
    actor: Actor, order: MedicationOrder, administered_at: datetime
) -> tuple[Clinic, date, GuestDosingArrangement | None]:
    """The clinic giving the dose, the local day it counts for, and the guest arrangement.

    At the patient's home clinic nothing changes. Anywhere else the actor's clinic must be
    the host of an arrangement in force on that day (the host's local day of
    ``administered_at``, so a downtime dose entered the morning after the last guest day
    still counts), dosing the home clinic's order. A clinic that cannot see the patient at
    all gets the same 404 as ever.
    """
    clinic = actor.clinic
    if clinic is None:
        raise ValidationFailed("Choose the clinic you are working at.", code="clinic_required")
    patient = order.patient
    service_date = administered_at.astimezone(clinic.tz).date()
    if clinic.pk == patient.home_clinic_id:
        # require_patient_here for the home clinic, which always sees its own patients:
        # the same 404 and 403, without asking the access providers who else may.
        if not access.can(actor.user, Capability.VIEW_DEMOGRAPHICS, clinic.pk):
            raise NotFoundOrForbidden()
        access.require(actor.user, Capability.DISPENSE, clinic.pk)
        return clinic, service_date, None
    guest = active_guest_arrangement(patient, service_date)
    if guest is None or guest.host_clinic_id != clinic.pk:
        require_patient_here(actor, patient, Capability.DISPENSE)  # 404 for strangers
        raise ValidationFailed(
            "This person is not a guest at this clinic on that day.",
            code="not_guest_that_day",
            field="administered_at",
        )
    if not access.can(actor.user, Capability.VIEW_DEMOGRAPHICS, clinic.pk):
        raise NotFoundOrForbidden()
    access.require(actor.user, Capability.DISPENSE, clinic.pk)
    if order.clinic_id != guest.home_clinic_id:
        raise ValidationFailed(
            "A guest is dosed from the home clinic's order.", code="not_home_order", field="order"
        )
    return clinic, service_date, guest


# The order with its patient, the patient's home clinic and the order's clinic, locked (only
# the order's row: FOR UPDATE over the join would queue every nurse behind the clinic row),
# and the order a request key was already used for (None: a new key). Compiled once.
_ORDER_FOR_DOSE = CompiledQuery(
    MedicationOrder,
    lambda pk, key: (
        MedicationOrder.objects.select_for_update(of=("self",))
        .select_related("patient", "patient__home_clinic", "clinic")
        .filter(pk=pk)
        .annotate(
            key_used_for=Subquery(
                DoseAdministration.objects.filter(idempotency_key=key).values("order_id")[:1]
            )
        )
    ),
    pk=-917_204_001,
    key="stand-in request key \u2063",
)


def _lock_order(pk: int, key: str) -> tuple[MedicationOrder, int | None]:
    found = _ORDER_FOR_DOSE.one(pk=pk, key=key)
    if found is None:
        raise MedicationOrder.DoesNotExist(f"No order {pk}.")
    order, annotations = found
    return order, annotations["key_used_for"]


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
    order: MedicationOrder,
    service_date: date,
    amount_mg: Decimal,
    index: int,
    bottle: StockBottle,
    clinic: Clinic | None = None,
) -> None:
    valid_index = not isinstance(index, bool) and isinstance(index, int)
    valid_index = valid_index and 1 <= index <= order.split
    profile = rules_bridge.profile_for(order.clinic)
    # One query for the day's facts, whether this administration was given included.
    facts = day_facts(order, service_date, clinic=clinic, index=index if valid_index else None)
    blocker, _advice = dose_blocker(order, service_date, facts, profile)
    if blocker is not None and blocker.code in ("dosed_elsewhere_today", TAKE_HOME_TODAY):
        raise Conflict(blocker.message, code=blocker.code)
    if blocker is not None:
        raise ValidationFailed(blocker.message, code=blocker.code)
    if not valid_index:
        raise ValidationFailed(
            f"This order is given {order.split} time(s) a day.",
            code="invalid_administration_index",
            field="administration_index",
        )
    if facts.index_given:
        raise Conflict("This dose has already been given today.", code="already_dosed_today")
    if amount_mg != order.per_administration_mg:
        raise ValidationFailed(
            f"The order is {order.per_administration_mg} mg per "
            f"administration, not {amount_mg} mg.",
            code="wrong_amount",
            field="amount_mg",
        )
    # The caller's bottle, with its product when the caller loaded it (the window does): a
    # bottle's product never changes. The balance, the expiry and a quarantine are judged by
    # stock_dispense's UPDATE, on the row as it is in the database.
    if bottle.product.medication != order.medication:
        raise ValidationFailed(
            f"Bottle {bottle.label} holds {bottle.product}, not the ordered medication.",
            code="wrong_product",
            field="stock_bottle",
        )

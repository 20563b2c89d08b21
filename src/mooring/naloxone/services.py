"""Hand out naloxone kits and record offers that were declined; both audited.

The offer rule (every person with opioid use disorder and their household, at intake and at
each start, renewal or injection) is :func:`mooring.rules.naloxone.naloxone_offer`; the
products, and which need a prescription, are :data:`mooring.rules.naloxone.NALOXONE_PRODUCTS`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import ProblemSet, ValidationFailed
from mooring.core.time import now
from mooring.medications.access import require_giver
from mooring.medications.models import Medication
from mooring.medications.selectors import active_order
from mooring.naloxone.models import (
    PRODUCTS,
    NaloxoneKit,
    NaloxoneOfferRecord,
    OfferOutcome,
    Recipient,
)
from mooring.patients.models import Patient
from mooring.rules.naloxone import Availability, OfferEvent

CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)
# A slip-of-the-keyboard guard, not a clinical limit: kits are handed out a few at a time.
MOST_KITS_AT_ONCE = 10


def naloxone_kit_give(
    *,
    actor: Actor,
    patient: Patient,
    product: str,
    quantity: int,
    lot: str,
    expiry: date,
    given_at: datetime | None = None,
    recipient: str = Recipient.PATIENT,
    recipient_name: str = "",
    recipient_relationship: str = "",
    training_recorded: bool = False,
    training_note: str = "",
    note: str = "",
) -> NaloxoneKit:
    """Record naloxone handed to the patient or a household member.

    Refusals (``ValidationFailed``): ``invalid_choice`` (product, recipient),
    ``product_discontinued``, ``prescription_required`` (a prescription-only product without
    a signed naloxone order), ``kit_expired``, ``recipient_required``, ``invalid_quantity``,
    ``required`` (lot), ``given_in_future``.
    """
    clinic = require_giver(actor, patient)
    entered_at = now()
    given_at = given_at or entered_at
    name, relationship = recipient_name.strip(), recipient_relationship.strip()
    _check_input(
        product,
        quantity,
        lot,
        expiry,
        given_at,
        entered_at,
        recipient,
        name,
        relationship,
        clinic.tz,
    )
    with transaction.atomic():
        service_date = given_at.astimezone(clinic.tz).date()
        order = None
        if PRODUCTS[product].availability is Availability.PRESCRIPTION:
            order = active_order(patient, Medication.NALOXONE_KIT, service_date)
            if order is None:
                raise ValidationFailed(
                    f"{PRODUCTS[product].name} needs a prescription: a prescriber signs a "
                    "naloxone order first, or give an over-the-counter product.",
                    code="prescription_required",
                    field="product",
                )
        kit = NaloxoneKit.objects.create(
            patient=patient,
            clinic=clinic,
            recipient=recipient,
            recipient_name=name if recipient == Recipient.HOUSEHOLD else "",
            recipient_relationship=relationship if recipient == Recipient.HOUSEHOLD else "",
            product=product,
            quantity=quantity,
            lot=lot.strip(),
            expiry=expiry,
            order=order,
            given_at=given_at,
            given_by=actor.user,
            training_recorded=bool(training_recorded),
            training_note=training_note.strip(),
            note=note.strip(),
            entered_at=entered_at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="naloxone_kit",
            object_id=kit.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "product": product,
                "quantity": quantity,
                "lot": kit.lot,
                "expiry": expiry,
                "recipient": recipient,
                "relationship": kit.recipient_relationship,
                "training_recorded": kit.training_recorded,
                "order": str(order.uuid) if order else None,
            },
        )
    return kit


def naloxone_offer_record(
    *, actor: Actor, patient: Patient, event: str, outcome: str, note: str = ""
) -> NaloxoneOfferRecord:
    """Record that naloxone was offered and declined (or the person already has some)."""
    clinic = require_giver(actor, patient)
    problems = ProblemSet()
    if event not in {e.value for e in OfferEvent}:
        problems.add("event", "invalid_choice", "Choose when the offer was made.")
    if outcome not in OfferOutcome.values:
        problems.add("outcome", "invalid_choice", "Choose what the person said.")
    problems.raise_if_any()
    with transaction.atomic():
        row = NaloxoneOfferRecord.objects.create(
            patient=patient,
            clinic=clinic,
            event=event,
            outcome=outcome,
            note=note.strip(),
            offered_at=now(),
            offered_by=actor.user,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="naloxone_offer",
            object_id=row.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"event": event, "outcome": outcome},
        )
    return row


def _check_input(
    product: str,
    quantity: int,
    lot: str,
    expiry: date,
    given_at: datetime,
    entered_at: datetime,
    recipient: str,
    name: str,
    relationship: str,
    tz: object,
) -> None:
    problems = ProblemSet()
    chosen = PRODUCTS.get(product)
    if chosen is None:
        problems.add("product", "invalid_choice", "Choose a naloxone product from the list.")
    elif chosen.availability is Availability.DISCONTINUED:
        problems.add("product", "product_discontinued", f"{chosen.name} is discontinued.")
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not (1 <= quantity <= MOST_KITS_AT_ONCE)
    ):
        problems.add(
            "quantity", "invalid_quantity", f"Enter how many kits, from 1 to {MOST_KITS_AT_ONCE}."
        )
    if not (lot or "").strip():
        problems.add("lot", "required", "Enter the lot number from the package.")
    if recipient not in Recipient.values:
        problems.add("recipient", "invalid_choice", "Say who received the kit.")
    elif recipient == Recipient.HOUSEHOLD and not (name and relationship):
        problems.add(
            "recipient_name",
            "recipient_required",
            "Enter the household member's name and relationship.",
        )
    if given_at.tzinfo is None:
        problems.add("given_at", "naive_datetime", "The time given needs a time zone.")
    elif given_at > entered_at + CLOCK_SKEW_ALLOWANCE:
        problems.add("given_at", "given_in_future", "A kit cannot be recorded in the future.")
    elif expiry < given_at.astimezone(tz).date():  # type: ignore[arg-type]
        problems.add("expiry", "kit_expired", f"This kit expired on {expiry}.")
    problems.raise_if_any()

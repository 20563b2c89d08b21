"""The chart's naloxone panel: the last kit, a warning when none is on record, offers due.

An offer is due when the newest offer event (intake, a medication start or renewal, a
long-acting injection) came after the last kit given or offer recorded. Whether that event
calls for an offer, and to whom, is :func:`mooring.rules.naloxone.naloxone_offer`'s answer.
The patient comes from :func:`mooring.patients.selectors.patient_for`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max

from mooring.core.time import today_at
from mooring.injections.models import InjectionAdministration
from mooring.medications import rules_bridge
from mooring.medications.models import Medication, MedicationOrder, OrderStatus
from mooring.naloxone.models import NaloxoneKit, NaloxoneOfferRecord
from mooring.patients.models import Patient
from mooring.rules.naloxone import NaloxoneOffer, OfferEvent, OverdoseRisk, naloxone_offer


@dataclass(frozen=True)
class NaloxoneStatus:
    last_kit: NaloxoneKit | None
    kits_given: int
    last_offer: date | None  # the last day a kit was given or an offer recorded
    event: OfferEvent | None  # the newest offer event, if any
    event_date: date | None
    offer: NaloxoneOffer | None  # the rules' answer for that event, when one is due

    @property
    def no_kit_on_record(self) -> bool:
        """The chart warns: no naloxone has ever been given to this person or household."""
        return self.kits_given == 0

    @property
    def offer_due(self) -> bool:
        return self.offer is not None and self.offer.offer


def _latest_event(patient: Patient, as_of: date) -> tuple[OfferEvent | None, date | None]:
    tz = patient.home_clinic.tz
    events: list[tuple[date, OfferEvent]] = []
    admitted = patient.episodes.filter(admitted_on__lte=as_of).aggregate(last=Max("admitted_on"))
    if admitted["last"] is not None:
        events.append((admitted["last"], OfferEvent.INTAKE))
    order = (
        MedicationOrder.objects.filter(
            patient=patient,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
            start_date__lte=as_of,
        )
        .exclude(medication=Medication.NALOXONE_KIT)
        .order_by("-signed_at", "-id")
        .values("signed_at", "supersedes_id")
        .first()
    )
    if order is not None:
        kind = (
            OfferEvent.MEDICATION_RENEWAL if order["supersedes_id"] else OfferEvent.MEDICATION_START
        )
        events.append((order["signed_at"].astimezone(tz).date(), kind))
    injected = InjectionAdministration.objects.filter(
        patient=patient, service_date__lte=as_of
    ).aggregate(last=Max("service_date"))
    if injected["last"] is not None:
        events.append((injected["last"], OfferEvent.INJECTION))
    if not events:
        return None, None
    day, event = max(events, key=lambda item: item[0])
    return event, day


def naloxone_status(patient: Patient, as_of: date | None = None) -> NaloxoneStatus:
    """The naloxone panel for one patient (a handful of queries, none per kit)."""
    clinic = patient.home_clinic
    tz = clinic.tz
    as_of = as_of or today_at(tz)
    kits = NaloxoneKit.objects.filter(patient=patient)
    last_kit = kits.select_related("given_by").order_by("-given_at", "-id").first()
    totals = kits.aggregate(count=Count("id"))
    last_declined = NaloxoneOfferRecord.objects.filter(patient=patient).aggregate(
        last=Max("offered_at")
    )["last"]
    moments = [m for m in (last_kit.given_at if last_kit else None, last_declined) if m]
    last_offer = max(moments).astimezone(tz).date() if moments else None
    event, event_day = _latest_event(patient, as_of)
    offer = None
    if event is not None and (last_offer is None or last_offer < event_day):
        offer = naloxone_offer(
            event=event,
            risks=frozenset({OverdoseRisk.OPIOID_USE_DISORDER}),
            profile=rules_bridge.profile_for(clinic),
        )
    return NaloxoneStatus(last_kit, totals["count"], last_offer, event, event_day, offer)

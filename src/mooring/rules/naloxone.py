"""Naloxone: who should be offered it, and the products a clinic can hand out or prescribe.

Offer rule: every person with opioid use disorder, and their household, at intake and at
each medication start or renewal (and at each long-acting injection). CDC 2022
recommendation 8 backs offering naloxone whenever overdose risk factors are present; the
"every patient, every start or renewal" rule is Mooring's practice, consistent with the
Brixadi and Vivitrol labels but not itself a regulation ([U] as a requirement).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.evidence import cite
from mooring.rules.profiles import ProtocolProfile


class OfferEvent(StrEnum):
    INTAKE = "intake"
    MEDICATION_START = "medication_start"
    MEDICATION_RENEWAL = "medication_renewal"
    INJECTION = "injection"
    OTHER_VISIT = "other_visit"


class OverdoseRisk(StrEnum):
    OPIOID_USE_DISORDER = "opioid_use_disorder"
    HIGHER_OPIOID_DOSE = "higher_opioid_dose"
    CONCURRENT_BENZODIAZEPINE = "concurrent_benzodiazepine"


class Availability(StrEnum):
    OVER_THE_COUNTER = "over_the_counter"
    PRESCRIPTION = "prescription"
    DISCONTINUED = "discontinued"


@dataclass(frozen=True, slots=True)
class ReversalProduct:
    name: str
    drug: str
    route_and_dose: str
    availability: Availability
    evidence: tuple[str, ...]


# Nalmefene (Opvee 2.7 mg nasal, Zurnai auto-injector) is [U] in the reference: not listed.
NALOXONE_PRODUCTS: tuple[ReversalProduct, ...] = (
    ReversalProduct(
        "Narcan nasal spray",
        "naloxone",
        "4 mg per spray (0.1 mL), nasal",
        Availability.OVER_THE_COUNTER,
        cite("S-DRUGSCOM-NALOXONE"),
    ),
    ReversalProduct(
        "Generic naloxone nasal spray",
        "naloxone",
        "4 mg, nasal",
        Availability.OVER_THE_COUNTER,
        cite("S-PA-DOH-NALOXONE"),
    ),
    ReversalProduct(
        "RiVive",
        "naloxone",
        "3 mg, nasal",
        Availability.OVER_THE_COUNTER,
        cite("S-PA-DOH-NALOXONE"),
    ),
    ReversalProduct(
        "Kloxxado",
        "naloxone",
        "8 mg, nasal",
        Availability.PRESCRIPTION,
        cite("S-DRUGSCOM-NALOXONE"),
    ),
    ReversalProduct(
        "Rezenopy",
        "naloxone",
        "10 mg, nasal",
        Availability.PRESCRIPTION,
        cite("S-DRUGSCOM-NALOXONE"),
    ),
    ReversalProduct(
        "Zimhi",
        "naloxone",
        "5 mg/0.5 mL IM/SC, thigh; repeat every 2-3 min",
        Availability.PRESCRIPTION,
        cite("S-MEDSCAPE-ZIMHI"),
    ),
    ReversalProduct(
        "Generic naloxone injection",
        "naloxone",
        "0.4 mg/mL (also 1 mg/mL): 0.4-2 mg IV/IM/SC, repeat every 2-3 min; "
        "consider other causes after 10 mg",
        Availability.PRESCRIPTION,
        cite("S-MEDSCAPE-ZIMHI"),
    ),
    ReversalProduct(
        "Evzio auto-injector",
        "naloxone",
        "0.4 mg, later 2 mg, IM/SC",
        Availability.DISCONTINUED,
        cite("S-MASS-NALOXONE", "S-MEDILIB-NALOXONE-PEDS"),
    ),
)

_OFFER_EVENTS = frozenset(
    {
        OfferEvent.INTAKE,
        OfferEvent.MEDICATION_START,
        OfferEvent.MEDICATION_RENEWAL,
        OfferEvent.INJECTION,
    }
)


@dataclass(frozen=True, slots=True)
class NaloxoneOffer:
    offer: bool
    offer_to_household: bool
    products: tuple[ReversalProduct, ...]  # those that can be handed out or prescribed now
    findings: tuple[Finding, ...]


def available_products() -> tuple[ReversalProduct, ...]:
    return tuple(p for p in NALOXONE_PRODUCTS if p.availability is not Availability.DISCONTINUED)


def naloxone_offer(
    *,
    event: OfferEvent,
    risks: frozenset[OverdoseRisk],
    profile: ProtocolProfile,
    has_household: bool = True,
) -> NaloxoneOffer:
    """Whether to offer naloxone at this visit, and to the person's household."""
    if not isinstance(event, OfferEvent):
        raise InvalidInputError("event", f"unknown {event!r}", list(OfferEvent))
    for risk in risks:
        if not isinstance(risk, OverdoseRisk):
            raise InvalidInputError("risks", f"unknown {risk!r}", list(OverdoseRisk))
    oud = OverdoseRisk.OPIOID_USE_DISORDER in risks
    offer = bool(risks) and (event in _OFFER_EVENTS or not oud)
    if not offer:
        return NaloxoneOffer(False, False, (), ())
    evidence = cite("S-CDC-REC8-FHIR", "S-DAILYMED-BRIXADI", "S-PRESCRIBERPOINT-VIVITROL")
    household = oud and has_household
    whom = "the person and their household" if household else "the person"
    finding = Finding(
        "naloxone.offer",
        Severity.CAUTION,
        f"Offer naloxone to {whom} at this {event.value.replace('_', ' ')} and show how to use "
        "it: lie the person on their back, one spray in one nostril, call emergency services, "
        "repeat every 2-3 minutes if there is no response.",
        evidence + cite("S-MAYO-NALOXONE"),
        profile.ref,
    )
    return NaloxoneOffer(True, household, available_products(), (finding,))

"""Naltrexone readiness, naloxone offers and products, and pregnancy findings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from mooring.rules.common import InvalidInputError, Severity
from mooring.rules.evidence import REGISTRY
from mooring.rules.naloxone import (
    NALOXONE_PRODUCTS,
    Availability,
    OfferEvent,
    OverdoseRisk,
    naloxone_offer,
)
from mooring.rules.naltrexone import (
    NALOXONE_CHALLENGE_IV,
    NALOXONE_CHALLENGE_SC,
    ChallengeResult,
    LiverStatus,
    NaltrexoneStartRequest,
    naltrexone_readiness,
)
from mooring.rules.pregnancy import TreatmentOption, pregnancy_findings
from mooring.rules.profiles import get_profile
from mooring.rules.withdrawal import LastOpioid

FED = get_profile("US-FED-2024")
TODAY = date(2025, 7, 20)
L = LastOpioid


def request(
    opioid: LastOpioid = L.SHORT_ACTING,
    days: int = 10,
    liver: LiverStatus = LiverStatus.NORMAL,
    **kwargs: object,
) -> NaltrexoneStartRequest:
    return NaltrexoneStartRequest(opioid, TODAY - timedelta(days=days), liver, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("req", "codes", "allowed"),
    [
        (request(days=10), (), True),
        (request(days=8), ("naltrexone.consider_challenge",), True),
        (request(days=5), ("naltrexone.opioid_free_interval_not_met",), False),
        (
            request(days=5, challenge=ChallengeResult.NEGATIVE),
            ("naltrexone.short_interval_challenge_negative",),
            True,
        ),
        (
            request(days=5, challenge=ChallengeResult.POSITIVE),
            ("naltrexone.challenge_positive",),
            False,
        ),
        (request(L.METHADONE, days=10), ("naltrexone.consider_challenge",), True),
        (request(L.BUPRENORPHINE, days=9), ("naltrexone.opioid_free_interval_not_met",), False),
        (request(L.EXTENDED_RELEASE, days=14), (), True),
        (request(days=12, in_withdrawal=True), ("naltrexone.in_withdrawal",), False),
        (request(days=12, opioid_urine_positive=True), ("naltrexone.opioid_positive",), False),
        (
            request(days=12, liver=LiverStatus.ACUTE_HEPATITIS),
            ("naltrexone.liver_contraindication",),
            False,
        ),
        (
            request(days=12, liver=LiverStatus.LIVER_FAILURE),
            ("naltrexone.liver_contraindication",),
            False,
        ),
        (request(days=12, liver=LiverStatus.NOT_TESTED), ("naltrexone.liver_tests",), True),
        (request(days=12, liver=LiverStatus.ABNORMAL_TESTS), ("naltrexone.liver_tests",), True),
    ],
)
def test_naltrexone_readiness(
    req: NaltrexoneStartRequest, codes: tuple[str, ...], allowed: bool
) -> None:
    result = naltrexone_readiness(req, FED, as_of=TODAY)
    assert result.codes == codes
    assert result.allowed is allowed
    assert not result.overridable  # naltrexone refusals are never overridden
    assert result.oral_start_mg == Decimal("25")
    assert result.oral_maintenance_mg == Decimal("50")
    for finding in result.findings:
        assert finding.profile == "US-FED-2024"
        assert all(e in REGISTRY for e in finding.evidence)


def test_naloxone_challenge_protocol() -> None:
    assert [s.dose_mg for s in NALOXONE_CHALLENGE_IV] == [Decimal("0.2"), Decimal("0.6")]
    assert NALOXONE_CHALLENGE_SC[0].dose_mg == Decimal("0.8")


@pytest.mark.parametrize(
    ("req", "field"),
    [
        (request(days=-1), "request.last_opioid_use"),
        (request(liver="fine"), "request.liver"),  # type: ignore[arg-type]
        (request(opioid="kratom"), "request.last_opioid"),  # type: ignore[arg-type]
        (
            NaltrexoneStartRequest(L.SHORT_ACTING, "2025-01-01", LiverStatus.NORMAL),
            "request.last_opioid_use",
        ),  # type: ignore[arg-type]
    ],
)
def test_naltrexone_invalid_input(req: NaltrexoneStartRequest, field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        naltrexone_readiness(req, FED, as_of=TODAY)
    assert error.value.field == field


OUD = frozenset({OverdoseRisk.OPIOID_USE_DISORDER})


@pytest.mark.parametrize(
    ("event", "risks", "household", "offer", "to_household"),
    [
        (OfferEvent.INTAKE, OUD, True, True, True),
        (OfferEvent.MEDICATION_START, OUD, True, True, True),
        (OfferEvent.MEDICATION_RENEWAL, OUD, False, True, False),
        (OfferEvent.INJECTION, OUD, True, True, True),
        (OfferEvent.OTHER_VISIT, OUD, True, False, False),
        (
            OfferEvent.OTHER_VISIT,
            frozenset({OverdoseRisk.CONCURRENT_BENZODIAZEPINE}),
            True,
            True,
            False,
        ),
        (OfferEvent.INTAKE, frozenset(), True, False, False),
    ],
)
def test_naloxone_offer(
    event: OfferEvent,
    risks: frozenset[OverdoseRisk],
    household: bool,
    offer: bool,
    to_household: bool,
) -> None:
    result = naloxone_offer(event=event, risks=risks, profile=FED, has_household=household)
    assert result.offer is offer
    assert result.offer_to_household is to_household
    assert bool(result.findings) is offer
    assert bool(result.products) is offer
    if offer:
        assert result.findings[0].code == "naloxone.offer"
        assert result.findings[0].profile == "US-FED-2024"
        assert all(p.availability is not Availability.DISCONTINUED for p in result.products)


def test_naloxone_product_table() -> None:
    by_name = {p.name: p for p in NALOXONE_PRODUCTS}
    assert by_name["Narcan nasal spray"].availability is Availability.OVER_THE_COUNTER
    assert by_name["Kloxxado"].availability is Availability.PRESCRIPTION
    assert by_name["Evzio auto-injector"].availability is Availability.DISCONTINUED
    for product in NALOXONE_PRODUCTS:
        assert all(e in REGISTRY for e in product.evidence)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"event": "party"}, "event"),
        ({"risks": frozenset({"smoking"})}, "risks"),
    ],
)
def test_naloxone_invalid_input(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"event": OfferEvent.INTAKE, "risks": OUD, "profile": FED}
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as error:
        naloxone_offer(**args)  # type: ignore[arg-type]
    assert error.value.field == field


@pytest.mark.parametrize(
    ("option", "codes", "severity"),
    [
        (TreatmentOption.METHADONE, ("pregnancy.agonist_recommended",), Severity.INFO),
        (
            TreatmentOption.BUPRENORPHINE,
            ("pregnancy.agonist_recommended", "pregnancy.buprenorphine_product_choice"),
            Severity.INFO,
        ),
        (
            TreatmentOption.BUPRENORPHINE_NALOXONE,
            ("pregnancy.agonist_recommended", "pregnancy.buprenorphine_product_choice"),
            Severity.INFO,
        ),
        (TreatmentOption.NALTREXONE, ("pregnancy.naltrexone_start",), Severity.CAUTION),
        (
            TreatmentOption.SUPERVISED_WITHDRAWAL,
            ("pregnancy.supervised_withdrawal",),
            Severity.CAUTION,
        ),
    ],
)
def test_pregnancy_findings(
    option: TreatmentOption, codes: tuple[str, ...], severity: Severity
) -> None:
    findings = pregnancy_findings(option, pregnant=True, profile=FED)
    assert tuple(f.code for f in findings) == codes
    assert all(f.severity is severity for f in findings)
    assert not any(f.severity is Severity.REFUSAL for f in findings)
    assert pregnancy_findings(option, pregnant=False, profile=FED) == ()


def test_pregnancy_rejects_unknown_options() -> None:
    with pytest.raises(InvalidInputError) as error:
        pregnancy_findings("heroin", pregnant=True, profile=FED)  # type: ignore[arg-type]
    assert error.value.field == "option"

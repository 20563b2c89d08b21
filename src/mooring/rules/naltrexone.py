"""Naltrexone: whether a person is ready to start, the naloxone challenge, and the oral start.

Naltrexone blocks opioids, so starting it while opioids are still on board brings on
withdrawal. The opioid-free interval depends on the last opioid (longer after methadone or
buprenorphine); when in doubt, a naloxone challenge decides. The monthly 380 mg injection is
scheduled by :mod:`mooring.rules.injectables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from mooring.rules._medication_common import OrderCheck, check_date
from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.evidence import cite
from mooring.rules.profile_settings import Cited
from mooring.rules.profiles import ProtocolProfile
from mooring.rules.withdrawal import LastOpioid


class ChallengeResult(StrEnum):
    NEGATIVE = "negative"  # no withdrawal signs: may start
    POSITIVE = "positive"  # any withdrawal sign: do not start; may repeat in 24 h


class LiverStatus(StrEnum):
    NORMAL = "normal"
    NOT_TESTED = "not_tested"
    ABNORMAL_TESTS = "abnormal_tests"
    ACUTE_HEPATITIS = "acute_hepatitis"
    LIVER_FAILURE = "liver_failure"


@dataclass(frozen=True, slots=True)
class NaloxoneChallengeStep:
    route: str
    dose_mg: Decimal
    observe: str


# The label's challenge: IV in two steps, or one subcutaneous dose.
NALOXONE_CHALLENGE_IV = (
    NaloxoneChallengeStep("intravenous", Decimal("0.2"), "30 seconds"),
    NaloxoneChallengeStep("intravenous", Decimal("0.6"), "20 minutes"),
)
NALOXONE_CHALLENGE_SC = (NaloxoneChallengeStep("subcutaneous", Decimal("0.8"), "20 minutes"),)
NALOXONE_CHALLENGE_EVIDENCE = cite("S-DROR-NALTREXONE")


@dataclass(frozen=True, slots=True)
class NaltrexoneStartCheck(OrderCheck):
    opioid_free_days: int = 0
    oral_start_mg: Decimal = Decimal(0)
    oral_maintenance_mg: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class NaltrexoneStartRequest:
    last_opioid: LastOpioid
    last_opioid_use: date
    liver: LiverStatus
    in_withdrawal: bool = False
    opioid_urine_positive: bool = False
    challenge: ChallengeResult | None = None


def naltrexone_readiness(
    request: NaltrexoneStartRequest, profile: ProtocolProfile, *, as_of: date
) -> NaltrexoneStartCheck:
    check_date("as_of", as_of)
    check_date("request.last_opioid_use", request.last_opioid_use)
    if request.last_opioid_use > as_of:
        raise InvalidInputError("request.last_opioid_use", f"must not be after {as_of}")
    if not isinstance(request.liver, LiverStatus):
        raise InvalidInputError("request.liver", "unknown", list(LiverStatus))
    s = profile.naltrexone
    interval = _interval_for(request.last_opioid, profile)
    days = (as_of - request.last_opioid_use).days
    findings = _blocking_findings(request, profile)
    findings.extend(_interval_findings(days, interval, request.challenge, profile))
    findings.extend(_liver_caution(request.liver, profile))
    return NaltrexoneStartCheck(
        tuple(findings), profile.ref, days, s.oral_start_mg.value, s.oral_maintenance_mg.value
    )


def _interval_for(last_opioid: LastOpioid, profile: ProtocolProfile) -> Cited[tuple[int, int]]:
    s = profile.naltrexone
    if last_opioid is LastOpioid.SHORT_ACTING:
        return s.opioid_free_days_short_acting
    if last_opioid in (LastOpioid.METHADONE, LastOpioid.BUPRENORPHINE):
        return s.opioid_free_days_long_acting
    if last_opioid is LastOpioid.EXTENDED_RELEASE:
        # No separate number is sourced: the longer interval is the safer reading.
        return s.opioid_free_days_long_acting
    raise InvalidInputError("request.last_opioid", "unknown", list(LastOpioid))


def _blocking_findings(request: NaltrexoneStartRequest, profile: ProtocolProfile) -> list[Finding]:
    label = cite("S-RUN-NALTREXONE")
    checks = (
        (request.in_withdrawal, "naltrexone.in_withdrawal", "The person is in acute withdrawal."),
        (
            request.opioid_urine_positive,
            "naltrexone.opioid_positive",
            "The urine test is positive for opioids.",
        ),
        (
            request.challenge is ChallengeResult.POSITIVE,
            "naltrexone.challenge_positive",
            "The naloxone challenge was positive; it may be repeated in 24 hours.",
        ),
        (
            request.liver in (LiverStatus.ACUTE_HEPATITIS, LiverStatus.LIVER_FAILURE),
            "naltrexone.liver_contraindication",
            "Acute hepatitis or liver failure contraindicates naltrexone.",
        ),
    )
    return [
        Finding(code, Severity.REFUSAL, f"Do not start naltrexone: {why}", label, profile.ref)
        for applies, code, why in checks
        if applies
    ]


def _interval_findings(
    days: int,
    interval: Cited[tuple[int, int]],
    challenge: ChallengeResult | None,
    profile: ProtocolProfile,
) -> list[Finding]:
    minimum, recommended = interval.value
    if days >= recommended or challenge is ChallengeResult.POSITIVE:
        return []
    if challenge is ChallengeResult.NEGATIVE:
        return [
            Finding(
                "naltrexone.short_interval_challenge_negative",
                Severity.CAUTION,
                f"{days} opioid-free days (recommended {recommended}); the naloxone challenge "
                "was negative.",
                interval.evidence + NALOXONE_CHALLENGE_EVIDENCE,
                profile.ref,
            )
        ]
    if days < minimum:
        return [
            Finding(
                "naltrexone.opioid_free_interval_not_met",
                Severity.REFUSAL,
                f"{days} opioid-free days; at least {minimum} are needed, or a negative "
                "naloxone challenge.",
                interval.evidence,
                profile.ref,
            )
        ]
    return [
        Finding(
            "naltrexone.consider_challenge",
            Severity.CAUTION,
            f"{days} opioid-free days (recommended {recommended}): if in doubt, do a naloxone "
            "challenge first.",
            interval.evidence + NALOXONE_CHALLENGE_EVIDENCE,
            profile.ref,
        )
    ]


def _liver_caution(liver: LiverStatus, profile: ProtocolProfile) -> list[Finding]:
    if liver not in (LiverStatus.NOT_TESTED, LiverStatus.ABNORMAL_TESTS):
        return []
    return [
        Finding(
            "naltrexone.liver_tests",
            Severity.CAUTION,
            "Check liver tests at baseline and periodically (hepatotoxicity warning).",
            cite("S-RUN-NALTREXONE", "S-MEDITARY-VIVITROL"),
            profile.ref,
        )
    ]

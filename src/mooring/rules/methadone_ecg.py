"""QTc and ECG-timing findings for methadone orders (Krantz et al. 2009 panel).

A QTc above the profile's refusal threshold refuses any *increase* (or induction) unless a
prescriber documents a reason, and cautions on an unchanged or lower dose. Missing routine
ECGs are cautions, never refusals: universal ECG screening is contested (AATOD prefers
risk-based screening), which is why the policy is a profile setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from mooring.rules.common import Finding, Severity
from mooring.rules.profile_settings import EcgPolicy
from mooring.rules.profiles import ProtocolProfile


@dataclass(frozen=True, slots=True)
class EcgResult:
    recorded_on: date
    qtc_ms: int


def ecg_findings(
    dose_date: date,
    total_mg: Decimal,
    prior_total_mg: Decimal | None,
    *,
    raises_dose: bool,
    first_dose_date: date,
    ecgs: tuple[EcgResult, ...],
    profile: ProtocolProfile,
) -> list[Finding]:
    on_file = sorted((e for e in ecgs if e.recorded_on <= dose_date), key=lambda e: e.recorded_on)
    latest = on_file[-1] if on_file else None
    findings = _qtc_findings(latest, raises_dose=raises_dose, profile=profile)
    if profile.qtc.ecg_policy.value is EcgPolicy.UNIVERSAL:
        timing = _timing_finding(dose_date, first_dose_date, on_file, profile)
        if timing is not None:
            findings.append(timing)
    threshold = profile.qtc.extra_ecg_above_mg
    crosses = total_mg > threshold.value and (
        prior_total_mg is None or prior_total_mg <= threshold.value
    )
    if crosses:
        findings.append(
            _caution(
                "methadone.ecg_dose_threshold",
                f"The daily dose passes {threshold.value} mg: an extra ECG is advised.",
                threshold.evidence,
                profile,
            )
        )
    return findings


def _qtc_findings(
    latest: EcgResult | None, *, raises_dose: bool, profile: ProtocolProfile
) -> list[Finding]:
    if latest is None:
        return []
    refusal_limit = profile.qtc.refusal_above_ms
    caution_limit = profile.qtc.caution_above_ms
    if latest.qtc_ms > refusal_limit.value:
        message = (
            f"QTc {latest.qtc_ms} ms on {latest.recorded_on} is above {refusal_limit.value} ms: "
            "consider reducing or stopping methadone, correct contributors such as low "
            "potassium, or switch treatment."
        )
        severity = Severity.REFUSAL if raises_dose else Severity.CAUTION
        return [
            Finding(
                "methadone.qtc_over_refusal_limit",
                severity,
                message,
                refusal_limit.evidence,
                profile.ref,
                overridable=raises_dose,
            )
        ]
    if latest.qtc_ms > caution_limit.value:
        return [
            _caution(
                "methadone.qtc_caution",
                f"QTc {latest.qtc_ms} ms on {latest.recorded_on} is above "
                f"{caution_limit.value} ms: discuss risks and benefits and monitor more often.",
                caution_limit.evidence,
                profile,
            )
        ]
    return []


def _timing_finding(
    dose_date: date, first_dose_date: date, on_file: list[EcgResult], profile: ProtocolProfile
) -> Finding | None:
    qtc = profile.qtc
    days_in = (dose_date - first_dose_date).days
    since_start = [e for e in on_file if e.recorded_on >= first_dose_date]
    if days_in >= qtc.followup_within_days.value and not since_start:
        return _caution(
            "methadone.ecg_followup_due",
            f"No ECG since methadone started {days_in} days ago; a follow-up ECG is advised "
            f"within {qtc.followup_within_days.value} days of the start.",
            qtc.followup_within_days.evidence,
            profile,
        )
    if not on_file:
        return _caution(
            "methadone.ecg_pretreatment_missing",
            "No ECG on file: a pre-treatment ECG is advised under this profile.",
            qtc.ecg_policy.evidence,
            profile,
        )
    age = (dose_date - on_file[-1].recorded_on).days
    if age > qtc.repeat_every_days.value:
        return _caution(
            "methadone.ecg_annual_due",
            f"The last ECG is {age} days old: a yearly ECG is advised.",
            qtc.repeat_every_days.evidence,
            profile,
        )
    return None


def _caution(
    code: str, message: str, evidence: tuple[str, ...], profile: ProtocolProfile
) -> Finding:
    return Finding(code, Severity.CAUTION, message, evidence, profile.ref)

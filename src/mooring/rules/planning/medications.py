"""Rank the five medication options for one person, each with its reasons and cautions.

Each rule looks at one fact of the profile and returns a score change plus the plain-English
lines that explain it, so that every point of a score can be traced to a cited reason. Two
rules are not weights but hard orderings: a medication the sources rule out (naltrexone in
acute hepatitis or liver failure) is listed last, and in pregnancy naltrexone is listed after
every agonist, whatever the scores, because agonist treatment is the recommended therapy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mooring.rules.common import Finding, Severity
from mooring.rules.planning.model import MedicationOption
from mooring.rules.planning.preset import PlanPreset
from mooring.rules.planning.profile import (
    AGONISTS,
    BUPRENORPHINE_PRODUCTS,
    LiverDisease,
    Medication,
    PatientProfile,
    TrialOutcome,
)

# Ordering tiers: lower tiers are always listed first.
_TIER_OPEN, _TIER_AFTER_AGONISTS, _TIER_RULED_OUT = 0, 1, 2

_NAMES = {
    Medication.METHADONE: "Methadone",
    Medication.BUPRENORPHINE_NALOXONE: "Buprenorphine/naloxone",
    Medication.BUPRENORPHINE_SUBLINGUAL: "Buprenorphine (sublingual)",
    Medication.BUPRENORPHINE_EXTENDED_RELEASE: "Extended-release injectable buprenorphine",
    Medication.NALTREXONE_EXTENDED_RELEASE: "Extended-release injectable naltrexone",
}


def medication_name(medication: Medication) -> str:
    return _NAMES[medication]


@dataclass(frozen=True, slots=True)
class _Effect:
    delta: int = 0
    reasons: tuple[Finding, ...] = ()
    cautions: tuple[Finding, ...] = ()
    tier: int = _TIER_OPEN


_Rule = Callable[[PatientProfile, Medication, PlanPreset], _Effect]


def _line(preset: PlanPreset, code: str, severity: Severity, message: str, key: str) -> Finding:
    return Finding(code, severity, message, preset.evidence[key], preset.id)


def _pregnancy(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    if not profile.pregnant:
        return _Effect()
    delta = preset.pregnancy_adjustment[med]
    if med is Medication.NALTREXONE_EXTENDED_RELEASE:
        caution = _line(
            preset,
            "medication.pregnancy.naltrexone",
            Severity.CAUTION,
            "In pregnancy, methadone or buprenorphine is the recommended treatment; "
            "naltrexone is listed after them.",
            "pregnancy_naltrexone",
        )
        return _Effect(delta, cautions=(caution,), tier=_TIER_AFTER_AGONISTS)
    reasons = [
        _line(
            preset,
            "medication.pregnancy.agonist",
            Severity.INFO,
            "Agonist treatment is recommended in pregnancy.",
            "pregnancy",
        )
    ]
    if med is Medication.BUPRENORPHINE_NALOXONE:
        reasons.append(
            _line(
                preset,
                "medication.pregnancy.combination",
                Severity.INFO,
                "The combination product is acceptable in pregnancy; some "
                "clinicians prefer buprenorphine alone. The prescriber chooses.",
                "pregnancy_combination",
            )
        )
    return _Effect(delta, reasons=tuple(reasons))


def _no_daily_visits(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    if not profile.prefers_no_daily_visits:
        return _Effect()
    delta = preset.no_daily_visits_adjustment[med]
    if med is Medication.METHADONE:
        caution = _line(
            preset,
            "medication.preference.daily_visits",
            Severity.CAUTION,
            "Methadone usually starts with daily observed doses at a treatment "
            "programme; the person prefers no daily visits.",
            "no_daily_visits",
        )
        return _Effect(delta, cautions=(caution,))
    reason = _line(
        preset,
        "medication.preference.fewer_visits",
        Severity.INFO,
        "Fits the person's preference for no daily visits.",
        "no_daily_visits",
    )
    return _Effect(delta, reasons=(reason,))


def _no_agonist(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    if not profile.prefers_no_agonist:
        return _Effect()
    delta = preset.no_agonist_adjustment[med]
    if med in AGONISTS:
        caution = _line(
            preset,
            "medication.preference.no_agonist",
            Severity.CAUTION,
            "The person's goal is treatment without an opioid agonist; discuss "
            "this option only if they wish.",
            "no_agonist",
        )
        return _Effect(delta, cautions=(caution,))
    reason = _line(
        preset,
        "medication.preference.antagonist",
        Severity.INFO,
        "Fits the person's goal of treatment without an opioid agonist.",
        "no_agonist",
    )
    return _Effect(delta, reasons=(reason,))


_TRIAL_TEXT = {
    TrialOutcome.WORKED: "worked for the person before",
    TrialOutcome.PARTLY_WORKED: "partly worked for the person before",
    TrialOutcome.DID_NOT_WORK: "did not help the person before, so it is ranked lower",
    TrialOutcome.SIDE_EFFECTS: "caused side effects for the person before",
}


def _history(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    delta = 0
    reasons: list[Finding] = []
    cautions: list[Finding] = []
    for trial in profile.medication_history:
        if trial.medication is med:
            change, subject = preset.same_product_trial[trial.outcome], "This medication"
        elif med in BUPRENORPHINE_PRODUCTS and trial.medication in BUPRENORPHINE_PRODUCTS:
            change = preset.related_product_trial[trial.outcome]
            subject = f"A related buprenorphine product ({medication_name(trial.medication)})"
        else:
            continue
        delta += change
        line = _line(
            preset,
            f"medication.history.{trial.outcome.value}",
            Severity.CAUTION if trial.outcome is TrialOutcome.SIDE_EFFECTS else Severity.INFO,
            f"{subject} {_TRIAL_TEXT[trial.outcome]}.",
            "trials",
        )
        (cautions if line.severity is Severity.CAUTION else reasons).append(line)
    return _Effect(delta, tuple(reasons), tuple(cautions))


def _qtc(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    if med is not Medication.METHADONE:
        return _Effect()
    qtc = profile.qtc_ms
    if qtc is None:
        reason = _line(
            preset,
            "medication.qtc.no_ecg",
            Severity.INFO,
            "No ECG on record: consider a baseline ECG before methadone (expert "
            "panels differ on whether everyone needs one).",
            "ecg_baseline",
        )
        return _Effect(reasons=(reason,))
    if qtc > preset.qtc_strong_caution_above_ms:
        caution = _line(
            preset,
            "medication.qtc.strong_caution",
            Severity.CAUTION,
            f"QTc {qtc} ms is above {preset.qtc_strong_caution_above_ms} ms: strong "
            "caution; consider another medication or correct the causes first.",
            "qtc",
        )
        return _Effect(preset.qtc_strong_caution_adjustment, cautions=(caution,))
    if qtc > preset.qtc_caution_above_ms:
        caution = _line(
            preset,
            "medication.qtc.caution",
            Severity.CAUTION,
            f"QTc {qtc} ms is above {preset.qtc_caution_above_ms} ms: discuss risks "
            "and benefits and monitor the ECG more often.",
            "qtc",
        )
        return _Effect(preset.qtc_caution_adjustment, cautions=(caution,))
    return _Effect()


def _naltrexone(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    if med is not Medication.NALTREXONE_EXTENDED_RELEASE:
        return _Effect()
    overdose = _line(
        preset,
        "medication.naltrexone.overdose_risk",
        Severity.CAUTION,
        "After the injection wears off, tolerance is lower and overdose risk is "
        "higher: offer naloxone at each injection.",
        "naltrexone_overdose",
    )
    days, needed = profile.opioid_free_days, preset.naltrexone_opioid_free_days
    if days >= needed:
        ready = _line(
            preset,
            "medication.naltrexone.opioid_free",
            Severity.INFO,
            f"Opioid-free for {days} days, enough to start naltrexone.",
            "naltrexone_opioid_free",
        )
        return _Effect(preset.naltrexone_ready_adjustment, (ready,), (overdose,))
    wait = _line(
        preset,
        "medication.naltrexone.not_yet",
        Severity.CAUTION,
        f"Needs at least {needed} opioid-free days before the first dose (now {days}) "
        "to avoid severe precipitated withdrawal.",
        "naltrexone_opioid_free",
    )
    return _Effect(preset.naltrexone_not_yet_adjustment, cautions=(wait, overdose))


def _liver(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    if med is not Medication.NALTREXONE_EXTENDED_RELEASE:
        return _Effect()
    if profile.liver_disease is LiverDisease.ACUTE_HEPATITIS_OR_FAILURE:
        ruled_out = _line(
            preset,
            "medication.liver.contraindicated",
            Severity.REFUSAL,
            "Not for use with acute hepatitis or liver failure.",
            "liver",
        )
        return _Effect(cautions=(ruled_out,), tier=_TIER_RULED_OUT)
    if profile.liver_disease is LiverDisease.CHRONIC:
        caution = _line(
            preset,
            "medication.liver.caution",
            Severity.CAUTION,
            "Liver disease: check liver tests before starting and regularly after.",
            "liver",
        )
        return _Effect(preset.chronic_liver_naltrexone_adjustment, cautions=(caution,))
    return _Effect()


def _adolescent(profile: PatientProfile, med: Medication, preset: PlanPreset) -> _Effect:
    if med is not Medication.METHADONE or profile.age >= preset.adolescent_below_age:
        return _Effect()
    caution = _line(
        preset,
        "medication.adolescent.consent",
        Severity.CAUTION,
        "Under 18: a treatment programme needs the written consent of a parent or "
        "guardian unless state law allows the young person to consent.",
        "adolescent",
    )
    return _Effect(cautions=(caution,))


_RULES: tuple[_Rule, ...] = (
    _pregnancy,
    _no_daily_visits,
    _no_agonist,
    _history,
    _qtc,
    _naltrexone,
    _liver,
    _adolescent,
)


def rank_medications(profile: PatientProfile, preset: PlanPreset) -> tuple[MedicationOption, ...]:
    """All five options, best first; the order is deterministic for a given profile."""
    scored = []
    for med in preset.listing_order:
        effects = [rule(profile, med, preset) for rule in _RULES]
        score = preset.base_score[med] + sum(e.delta for e in effects)
        tier = max(e.tier for e in effects)
        reasons = tuple(f for e in effects for f in e.reasons)
        cautions = tuple(f for e in effects for f in e.cautions)
        scored.append(
            (tier, -score, preset.listing_order.index(med), med, score, reasons, cautions)
        )
    scored.sort(key=lambda row: row[:3])
    return tuple(
        _option(rank, med, score, reasons, cautions, tier, preset)
        for rank, (tier, _, _, med, score, reasons, cautions) in enumerate(scored, start=1)
    )


def _option(
    rank: int,
    med: Medication,
    score: int,
    reasons: tuple[Finding, ...],
    cautions: tuple[Finding, ...],
    tier: int,
    preset: PlanPreset,
) -> MedicationOption:
    evidence: list[str] = list(preset.evidence["medications"])
    for finding in (*reasons, *cautions):
        evidence.extend(i for i in finding.evidence if i not in evidence)
    return MedicationOption(
        med, rank, score, reasons, cautions, tier == _TIER_RULED_OUT, tuple(evidence)
    )

"""Named presets for the personalised plan: ranking weights and thresholds, with sources.

No source ranks the five medications with numbers; the weights below are Mooring's own way
of turning the stated facts (a QTc caution, a preference, an earlier outcome) into an order,
and a clinic may change them. The thresholds that come from a source cite it; the ones that
are Mooring's own choice cite the seed that asks for the element and say so in the docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mooring.rules.common import UnknownProfileError
from mooring.rules.evidence import cite
from mooring.rules.planning.profile import (
    AnxietyBand,
    DepressionBand,
    Medication,
    TrialOutcome,
    WithdrawalBand,
)

_MET = Medication.METHADONE
_BNX = Medication.BUPRENORPHINE_NALOXONE
_BSL = Medication.BUPRENORPHINE_SUBLINGUAL
_BXR = Medication.BUPRENORPHINE_EXTENDED_RELEASE
_NTX = Medication.NALTREXONE_EXTENDED_RELEASE


@dataclass(frozen=True, slots=True)
class PlanPreset:
    id: str
    base_score: Mapping[Medication, int]
    listing_order: tuple[Medication, ...]  # breaks ties; not a preference
    pregnancy_adjustment: Mapping[Medication, int]
    no_daily_visits_adjustment: Mapping[Medication, int]
    no_agonist_adjustment: Mapping[Medication, int]
    same_product_trial: Mapping[TrialOutcome, int]
    related_product_trial: Mapping[TrialOutcome, int]  # another buprenorphine product
    qtc_caution_above_ms: int
    qtc_strong_caution_above_ms: int
    qtc_caution_adjustment: int
    qtc_strong_caution_adjustment: int
    naltrexone_opioid_free_days: int
    naltrexone_not_yet_adjustment: int
    naltrexone_ready_adjustment: int
    chronic_liver_naltrexone_adjustment: int
    adolescent_below_age: int
    older_adult_from_age: int
    therapy_months: tuple[int, int]
    aftercare_min_months: int
    depression_needs_care_from: DepressionBand
    anxiety_needs_care_from: AnxietyBand
    inpatient_withdrawal_bands: tuple[WithdrawalBand, ...]
    evidence: Mapping[str, tuple[str, ...]]


def _by_medication(values: dict[Medication, int]) -> Mapping[Medication, int]:
    return MappingProxyType({m: values.get(m, 0) for m in Medication})


MOORING_SEEDS_2026 = PlanPreset(
    id="MOORING-SEEDS-2026",
    base_score=_by_medication({m: 50 for m in Medication}),
    listing_order=tuple(Medication),
    pregnancy_adjustment=_by_medication({_MET: 20, _BSL: 20, _BNX: 15, _NTX: -30}),
    no_daily_visits_adjustment=_by_medication({_MET: -25, _BNX: 10, _BSL: 10, _BXR: 20, _NTX: 15}),
    no_agonist_adjustment=_by_medication({_MET: -40, _BNX: -40, _BSL: -40, _BXR: -40, _NTX: 40}),
    same_product_trial=MappingProxyType(
        {
            TrialOutcome.WORKED: 20,
            TrialOutcome.PARTLY_WORKED: 5,
            TrialOutcome.DID_NOT_WORK: -20,
            TrialOutcome.SIDE_EFFECTS: -15,
        }
    ),
    related_product_trial=MappingProxyType(
        {
            TrialOutcome.WORKED: 10,
            TrialOutcome.PARTLY_WORKED: 0,
            TrialOutcome.DID_NOT_WORK: -10,
            TrialOutcome.SIDE_EFFECTS: -5,
        }
    ),
    qtc_caution_above_ms=450,
    qtc_strong_caution_above_ms=500,
    qtc_caution_adjustment=-15,
    qtc_strong_caution_adjustment=-40,
    naltrexone_opioid_free_days=7,
    naltrexone_not_yet_adjustment=-20,
    naltrexone_ready_adjustment=10,
    chronic_liver_naltrexone_adjustment=-15,
    adolescent_below_age=18,
    older_adult_from_age=65,
    therapy_months=(3, 6),
    aftercare_min_months=6,
    depression_needs_care_from=DepressionBand.MODERATE,
    anxiety_needs_care_from=AnxietyBand.MODERATE,
    inpatient_withdrawal_bands=(WithdrawalBand.MODERATELY_SEVERE, WithdrawalBand.SEVERE),
    evidence=MappingProxyType(
        {
            "medications": cite("SEED-000", "SEED-004", "S-TIP63-DOCSLIB"),
            "pregnancy": cite("SEED-001", "S-ASAM-ACOG711"),
            "pregnancy_naltrexone": cite("SEED-001", "S-ASAM-ACOG711"),
            "pregnancy_combination": cite("S-PMC6585403"),
            "no_daily_visits": cite("SEED-000", "SEED-002", "S-GOVREGS-812"),
            "no_agonist": cite("SEED-000", "S-SAMHSA-PATIENTS-2024"),
            "trials": cite("SEED-000", "SEED-003"),
            "qtc": cite("S-KRANTZ-2009", "S-SAMHSA-QT-2011"),
            "ecg_baseline": cite("S-KRANTZ-2009", "S-AATOD-QTC"),
            "naltrexone_opioid_free": cite("S-VIVITROL-HCP", "S-RUN-NALTREXONE"),
            "naltrexone_overdose": cite("S-PRESCRIBERPOINT-VIVITROL"),
            "liver": cite("S-RUN-NALTREXONE"),
            "adolescent": cite("SEED-000", "S-SAMHSA-PATIENTS-2024", "S-LEGALCLARITY-MMT"),
            "older_adult": cite("SEED-000"),
            "therapy_duration": cite("SEED-001"),
            "aftercare": cite("SEED-001", "SEED-004"),
            "co_occurring": cite(
                "SEED-000", "SEED-001", "SEED-004", "S-EMENTAL-PHQ9", "S-SPITZER2006-GAD7"
            ),
            "withdrawal": cite("SEED-001", "SEED-002", "SEED-003", "SEED-004"),
        }
    ),
)

PRESETS: Mapping[str, PlanPreset] = MappingProxyType({MOORING_SEEDS_2026.id: MOORING_SEEDS_2026})
DEFAULT_PRESET = MOORING_SEEDS_2026.id


def plan_preset(preset_id: str) -> PlanPreset:
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise UnknownProfileError(f"unknown plan preset {preset_id!r}") from None

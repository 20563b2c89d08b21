"""Named test personas and a profile builder for the planning tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from mooring.rules.placement import DisorderSeverity, Setting, WithdrawalSetting
from mooring.rules.planning import (
    AnxietyBand,
    DepressionBand,
    FamilySupport,
    Housing,
    LiverDisease,
    Medication,
    MedicationTrial,
    PatientProfile,
    SexAtBirth,
    TrialOutcome,
    WithdrawalBand,
)


def profile(**changes: Any) -> PatientProfile:
    """A 35-year-old man with moderate OUD and nothing else recorded, changed as asked."""
    values: dict[str, Any] = {
        "age": 35,
        "sex_at_birth": SexAtBirth.MALE,
        "severity": DisorderSeverity.MODERATE,
    }
    values.update(changes)
    return PatientProfile(**values)


# Pregnant 24-year-old injecting heroin, in moderate withdrawal, living in unstable housing.
PREGNANT_INJECTING = profile(
    age=24,
    sex_at_birth=SexAtBirth.FEMALE,
    gender_identity="woman",
    pregnant=True,
    severity=DisorderSeverity.SEVERE,
    withdrawal=WithdrawalBand.MODERATE,
    injects=True,
    housing=Housing.UNSTABLE,
    family_support=FamilySupport.STRAINED,
)

# 58-year-old with QTc 510 ms and chronic liver disease, working, opioid-free for 3 days.
QTC_AND_LIVER = profile(
    age=58,
    qtc_ms=510,
    liver_disease=LiverDisease.CHRONIC,
    opioid_free_days=3,
    employed=True,
    family_support=FamilySupport.SUPPORTIVE,
)

# Prefers no daily visits; buprenorphine/naloxone worked before.
NO_DAILY_VISITS_BUP_SUCCESS = profile(
    age=41,
    sex_at_birth=SexAtBirth.FEMALE,
    prefers_no_daily_visits=True,
    medication_history=(MedicationTrial(Medication.BUPRENORPHINE_NALOXONE, TrialOutcome.WORKED),),
    employed=True,
)

# 16-year-old with a positive PHQ-9 item 9 and moderate depression.
ADOLESCENT_AT_RISK = profile(
    age=16,
    depression=DepressionBand.MODERATE,
    phq9_item9_positive=True,
    family_support=FamilySupport.SUPPORTIVE,
)

# 70-year-old, opioid-free for 14 days, abstinence goal, methadone did not help before.
OLDER_ABSTINENCE_GOAL = profile(
    age=70,
    prefers_no_agonist=True,
    opioid_free_days=14,
    qtc_ms=430,
    medication_history=(MedicationTrial(Medication.METHADONE, TrialOutcome.DID_NOT_WORK),),
    legal_issues=True,
    housing=Housing.HOMELESS,
    family_support=FamilySupport.NONE,
    setting=Setting.RESIDENTIAL,
    withdrawal_setting=WithdrawalSetting.INPATIENT,
)


def _enum(kind: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(list(kind))


trials = st.builds(MedicationTrial, _enum(Medication), _enum(TrialOutcome))


@st.composite
def profiles(draw: st.DrawFn) -> PatientProfile:
    sex = draw(_enum(SexAtBirth))
    return PatientProfile(
        age=draw(st.integers(12, 120)),
        sex_at_birth=sex,
        severity=draw(_enum(DisorderSeverity)),
        gender_identity=draw(st.sampled_from(["", "woman", "man", "non-binary"])),
        pregnant=sex is not SexAtBirth.MALE and draw(st.booleans()),
        withdrawal=draw(_enum(WithdrawalBand)),
        depression=draw(_enum(DepressionBand)),
        anxiety=draw(_enum(AnxietyBand)),
        phq9_item9_positive=draw(st.booleans()),
        medication_history=tuple(draw(st.lists(trials, max_size=4))),
        prefers_no_daily_visits=draw(st.booleans()),
        prefers_no_agonist=draw(st.booleans()),
        opioid_free_days=draw(st.integers(0, 60)),
        liver_disease=draw(_enum(LiverDisease)),
        qtc_ms=draw(st.none() | st.integers(350, 650)),
        injects=draw(st.booleans()),
        housing=draw(_enum(Housing)),
        employed=draw(st.booleans()),
        legal_issues=draw(st.booleans()),
        family_support=draw(_enum(FamilySupport)),
        setting=draw(st.none() | _enum(Setting)),
        withdrawal_setting=draw(st.none() | _enum(WithdrawalSetting)),
    )

"""Bad profile input names the field; no partial plan is ever built."""

from __future__ import annotations

import pytest

from mooring.rules.common import InvalidInputError
from mooring.rules.planning import Medication, MedicationTrial, SexAtBirth, TrialOutcome

from .personas import profile


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"age": 11}, "age"),
        ({"age": 121}, "age"),
        ({"age": 30.5}, "age"),
        ({"age": True}, "age"),
        ({"sex_at_birth": "f"}, "sex_at_birth"),
        ({"severity": "severe"}, "severity"),
        ({"gender_identity": None}, "gender_identity"),
        ({"pregnant": "yes"}, "pregnant"),
        ({"pregnant": True, "sex_at_birth": SexAtBirth.MALE}, "pregnant"),
        ({"injects": 1}, "injects"),
        ({"withdrawal": "moderate"}, "withdrawal"),
        ({"depression": 12}, "depression"),
        ({"anxiety": "mild"}, "anxiety"),
        (
            {"medication_history": [MedicationTrial(Medication.METHADONE, TrialOutcome.WORKED)]},
            "medication_history",
        ),
        ({"medication_history": ("methadone",)}, "medication_history"),
        ({"opioid_free_days": -1}, "opioid_free_days"),
        ({"liver_disease": "none"}, "liver_disease"),
        ({"qtc_ms": 150}, "qtc_ms"),
        ({"qtc_ms": 460.0}, "qtc_ms"),
        ({"housing": "homeless"}, "housing"),
        ({"family_support": None}, "family_support"),
        ({"setting": "home"}, "setting"),
        ({"withdrawal_setting": "home"}, "withdrawal_setting"),
    ],
)
def test_bad_profile_field(changes, field):
    with pytest.raises(InvalidInputError) as error:
        profile(**changes)
    assert error.value.field == field


def test_bad_trial_names_the_field():
    with pytest.raises(InvalidInputError) as error:
        MedicationTrial("methadone", TrialOutcome.WORKED)  # type: ignore[arg-type]
    assert error.value.field == "medication_history.medication"
    assert "methadone" in error.value.allowed
    with pytest.raises(InvalidInputError) as error:
        MedicationTrial(Medication.METHADONE, "fine")  # type: ignore[arg-type]
    assert error.value.field == "medication_history.outcome"


def test_pregnancy_is_allowed_whatever_the_gender_identity():
    person = profile(sex_at_birth=SexAtBirth.FEMALE, gender_identity="man", pregnant=True)
    assert person.pregnant
    intersex = profile(sex_at_birth=SexAtBirth.INTERSEX, pregnant=True)
    assert intersex.pregnant

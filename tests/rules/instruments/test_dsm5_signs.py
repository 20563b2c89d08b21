"""Seed 002's signs of dependence map onto DSM-5-TR criteria."""

import pytest

from mooring.rules.common import InvalidInputError
from mooring.rules.evidence import source
from mooring.rules.instruments import (
    SEED_002_SIGN_CRITERIA,
    SEED_002_SIGNS,
    Dsm5OudCriterion,
    criteria_for_signs,
)
from mooring.rules.instruments.dsm5_signs import SEED_002_EVIDENCE

C = Dsm5OudCriterion

EXPECTED = {
    "rising_doses": C.TOLERANCE,
    "failed_attempts_to_stop": C.UNABLE_TO_CUT_DOWN,
    "time_spent": C.TIME_SPENT,
    "strong_urge": C.CRAVING,
    "work_school_affected": C.ROLE_OBLIGATIONS,
    "activities_given_up": C.ACTIVITIES_GIVEN_UP,
    "use_despite_health_risk": C.USE_DESPITE_HEALTH_PROBLEM,
    "use_despite_relationship_harm": C.SOCIAL_PROBLEMS,
    "larger_doses_for_effect": C.TOLERANCE,
    "withdrawal_on_stopping": C.WITHDRAWAL,
}


def test_every_seed_sign_maps_to_one_criterion() -> None:
    assert dict(SEED_002_SIGN_CRITERIA) == EXPECTED
    assert [sign.position for sign in SEED_002_SIGNS] == list(range(1, 11))


def test_the_seed_covers_nine_criteria_short_of_two() -> None:
    missing = set(C) - set(SEED_002_SIGN_CRITERIA.values())
    assert missing == {C.LARGER_OR_LONGER, C.HAZARDOUS_USE}


def test_signs_give_a_draft_set_of_criteria() -> None:
    drafted = criteria_for_signs(["rising_doses", "larger_doses_for_effect", "strong_urge"])
    assert drafted == frozenset({C.TOLERANCE, C.CRAVING})


@pytest.mark.parametrize("bad", [["cold_turkey"], "strong_urge"])
def test_unknown_signs_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        criteria_for_signs(bad)  # type: ignore[arg-type]
    assert caught.value.field == "sign_ids"
    assert "strong_urge" in (caught.value.allowed or ())


def test_the_mapping_cites_the_seed() -> None:
    assert source("SEED-002").seed_file == "002_26a5d7d249b6589f.txt"
    assert "SEED-002" in SEED_002_EVIDENCE

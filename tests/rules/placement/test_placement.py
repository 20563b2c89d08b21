"""Setting recommendation: table-driven cases, clinician choice, and invariants."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mooring.rules.common import InvalidInputError, RulesError, Severity, UnknownProfileError
from mooring.rules.evidence import REGISTRY
from mooring.rules.placement import (
    DEFAULT_PRESET,
    MOORING_SEEDS_2026,
    Dimension,
    DimensionRatings,
    DisorderSeverity,
    PlacementAssessment,
    Setting,
    WithdrawalSetting,
    intensity,
    placement_preset,
    recommend_setting,
    record_clinician_choice,
    withdrawal_intensity,
)

MILD, MODERATE, SEVERE = DisorderSeverity


def ratings(w=0, p=0, e=0, r=0, u=0, h=0) -> DimensionRatings:
    return DimensionRatings(w, p, e, r, u, h)


def assess(sev=MILD, returned=False, **kw: int) -> PlacementAssessment:
    return PlacementAssessment(ratings(**kw), sev, returned)


CASES = [
    # (name, assessment, setting, withdrawal care, driver codes)
    ("mild, stable home", assess(), Setting.OUTPATIENT, None, {"placement.outpatient_suitable"}),
    ("moderate, supportive home", assess(MODERATE, h=1), Setting.OUTPATIENT, None, set()),
    ("severe disorder", assess(SEVERE), Setting.RESIDENTIAL, None, {"placement.driver.severity"}),
    (
        "co-occurring condition",
        assess(e=3),
        Setting.RESIDENTIAL,
        None,
        {"placement.driver.emotional_health"},
    ),
    (
        "returned to use after treatment",
        assess(returned=True),
        Setting.RESIDENTIAL,
        None,
        {"placement.driver.returned_to_use_after_treatment"},
    ),
    (
        "unsupportive home",
        assess(h=3),
        Setting.RESIDENTIAL,
        None,
        {"placement.driver.living_environment"},
    ),
    (
        "high return-to-use risk",
        assess(u=4),
        Setting.RESIDENTIAL,
        None,
        {"placement.driver.return_to_use_risk"},
    ),
    (
        "moderate needs",
        assess(r=2),
        Setting.INTENSIVE_OUTPATIENT,
        None,
        {"placement.driver.readiness"},
    ),
    (
        "low readiness alone",
        assess(r=4),
        Setting.PARTIAL_HOSPITALISATION,
        None,
        {"placement.driver.readiness"},
    ),
    ("mild withdrawal", assess(w=1), Setting.OUTPATIENT, WithdrawalSetting.AMBULATORY, set()),
    (
        "moderate withdrawal",
        assess(w=2),
        Setting.INTENSIVE_OUTPATIENT,
        WithdrawalSetting.AMBULATORY,
        {"placement.driver.withdrawal_risk"},
    ),
    (
        "high withdrawal risk",
        assess(w=3),
        Setting.PARTIAL_HOSPITALISATION,
        WithdrawalSetting.INPATIENT,
        {"placement.driver.withdrawal_risk"},
    ),
    (
        "severe withdrawal",
        assess(w=4),
        Setting.MEDICALLY_MANAGED_INPATIENT,
        WithdrawalSetting.INPATIENT,
        {"placement.driver.withdrawal_risk"},
    ),
    (
        "physical needs make withdrawal inpatient",
        assess(w=1, p=3),
        Setting.PARTIAL_HOSPITALISATION,
        WithdrawalSetting.INPATIENT,
        {"placement.driver.physical_health"},
    ),
    (
        "residential setting hosts withdrawal care",
        assess(SEVERE, w=1),
        Setting.RESIDENTIAL,
        WithdrawalSetting.INPATIENT,
        {"placement.driver.severity"},
    ),
    (
        "acute mental health risk",
        assess(e=4),
        Setting.MEDICALLY_MANAGED_INPATIENT,
        None,
        {"placement.driver.emotional_health"},
    ),
    (
        "several drivers",
        assess(SEVERE, e=3, h=3),
        Setting.RESIDENTIAL,
        None,
        {
            "placement.driver.severity",
            "placement.driver.emotional_health",
            "placement.driver.living_environment",
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "assessment", "setting", "withdrawal", "drivers"), CASES, ids=[c[0] for c in CASES]
)
def test_recommendation_table(name, assessment, setting, withdrawal, drivers):
    result = recommend_setting(assessment)
    assert result.setting is setting
    assert result.withdrawal_management is withdrawal
    codes = {f.code for f in result.rationale}
    assert drivers <= codes
    assert "placement.least_intensive" in codes
    assert "placement.clinician_decides" in codes
    assert ("placement.withdrawal_supervised" in codes) is (withdrawal is not None)
    assert result.preset == "MOORING-SEEDS-2026"


def test_only_the_deciding_rules_are_listed_as_drivers():
    result = recommend_setting(assess(SEVERE, w=2, r=2))
    drivers = {f.code for f in result.rationale if f.code.startswith("placement.driver.")}
    assert drivers == {"placement.driver.severity"}


def test_driver_message_names_the_setting():
    result = recommend_setting(assess(h=3))
    line = next(f for f in result.rationale if f.code == "placement.driver.living_environment")
    assert line.message == "Living environment calls for at least residential care."


def test_withdrawal_message_rules_out_home_withdrawal():
    result = recommend_setting(assess(w=1))
    line = next(f for f in result.rationale if f.code == "placement.withdrawal_supervised")
    assert "medically supervised ambulatory" in line.message
    assert "never recommended" in line.message


def test_there_is_no_home_withdrawal_setting_at_all():
    for member in WithdrawalSetting:
        assert "home" not in member.value
        assert "medically_supervised" in member.value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("readiness", 5),
        ("readiness", -1),
        ("physical_health", 2.0),
        ("withdrawal_risk", True),
        ("living_environment", "3"),
    ],
)
def test_bad_rating_names_the_field(field, value):
    good = {d.value: 0 for d in Dimension}
    with pytest.raises(InvalidInputError) as error:
        DimensionRatings(**{**good, field: value})
    assert error.value.field == field
    assert error.value.allowed == (0, 1, 2, 3, 4)


def test_bad_assessment_inputs():
    with pytest.raises(InvalidInputError, match="severity"):
        PlacementAssessment(ratings(), "severe")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="ratings"):
        PlacementAssessment((0, 0, 0, 0, 0, 0), MILD)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="returned_to_use_after_treatment"):
        PlacementAssessment(ratings(), MILD, 1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="assessment"):
        recommend_setting(ratings())  # type: ignore[arg-type]


def test_unknown_preset():
    with pytest.raises(UnknownProfileError):
        recommend_setting(assess(), "ASAM-2013")
    assert placement_preset(DEFAULT_PRESET) is MOORING_SEEDS_2026


def test_preset_rejects_floors_that_fall_as_ratings_rise():
    floors = dict(MOORING_SEEDS_2026.floors)
    floors[Dimension.READINESS] = (Setting.RESIDENTIAL, *(Setting.OUTPATIENT,) * 4)
    with pytest.raises(RulesError, match="readiness"):
        replace(MOORING_SEEDS_2026, floors=MappingProxyType(floors))
    floors[Dimension.READINESS] = (Setting.OUTPATIENT,) * 3
    with pytest.raises(RulesError):
        replace(MOORING_SEEDS_2026, floors=MappingProxyType(floors))


def test_preset_evidence_is_registered():
    for ids in MOORING_SEEDS_2026.evidence.values():
        assert ids
        assert all(i in REGISTRY for i in ids)


# --- clinician choice -------------------------------------------------------------------


def test_same_choice_needs_no_reason():
    decision = record_clinician_choice(recommend_setting(assess()), Setting.OUTPATIENT, "")
    assert not decision.differs
    assert decision.findings[0].code == "placement.choice.as_recommended"
    assert decision.findings[0].severity is Severity.INFO


def test_less_intensive_choice_is_a_caution_and_needs_a_reason():
    recommendation = recommend_setting(assess(SEVERE))
    with pytest.raises(InvalidInputError) as error:
        record_clinician_choice(recommendation, Setting.INTENSIVE_OUTPATIENT, "   ")
    assert error.value.field == "reason"
    decision = record_clinician_choice(
        recommendation,
        Setting.INTENSIVE_OUTPATIENT,
        "  Cares for two children at home; starting buprenorphine with daily contact.  ",
    )
    assert decision.differs
    assert decision.reason.startswith("Cares for two")
    assert decision.recommended is Setting.RESIDENTIAL
    assert decision.chosen is Setting.INTENSIVE_OUTPATIENT
    (finding,) = decision.findings
    assert finding.code == "placement.choice.less_intensive"
    assert finding.severity is Severity.CAUTION
    assert finding.overridable


def test_more_intensive_choice_is_information():
    decision = record_clinician_choice(
        recommend_setting(assess()), Setting.RESIDENTIAL, "Person asked for residential care."
    )
    assert decision.findings[0].code == "placement.choice.more_intensive"
    assert decision.findings[0].severity is Severity.INFO


def test_bad_choice_inputs():
    recommendation = recommend_setting(assess())
    with pytest.raises(InvalidInputError, match="chosen_setting"):
        record_clinician_choice(recommendation, "home", "x")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="reason"):
        record_clinician_choice(recommendation, Setting.OUTPATIENT, None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="recommendation"):
        record_clinician_choice(Setting.OUTPATIENT, Setting.OUTPATIENT, "x")  # type: ignore[arg-type]


# --- invariants -------------------------------------------------------------------------

rating_values = st.integers(min_value=0, max_value=4)
assessments = st.builds(
    PlacementAssessment,
    st.builds(
        DimensionRatings,
        rating_values,
        rating_values,
        rating_values,
        rating_values,
        rating_values,
        rating_values,
    ),
    st.sampled_from(DisorderSeverity),
    st.booleans(),
)


@given(assessments, st.sampled_from(Dimension))
def test_raising_a_rating_never_lowers_the_setting(assessment, dimension):
    current = assessment.ratings.rating(dimension)
    if current == 4:
        return
    raised = replace(
        assessment, ratings=replace(assessment.ratings, **{dimension.value: current + 1})
    )
    before, after = recommend_setting(assessment), recommend_setting(raised)
    assert intensity(after.setting) >= intensity(before.setting)
    assert _withdrawal_level(after) >= _withdrawal_level(before)


@given(assessments)
def test_worse_severity_or_earlier_return_never_lowers_the_setting(assessment):
    base = recommend_setting(
        replace(assessment, severity=MILD, returned_to_use_after_treatment=False)
    )
    worse = recommend_setting(assessment)
    assert intensity(worse.setting) >= intensity(base.setting)


@given(assessments)
def test_every_recommendation_is_supervised_and_cited(assessment):
    result = recommend_setting(assessment)
    assert result.withdrawal_management in (None, *WithdrawalSetting)
    if assessment.ratings.withdrawal_risk >= 1:
        assert result.withdrawal_management is not None
    for finding in result.rationale:
        assert finding.evidence
        assert all(i in REGISTRY for i in finding.evidence)
    assert recommend_setting(assessment) == result


def _withdrawal_level(result) -> int:
    if result.withdrawal_management is None:
        return -1
    return withdrawal_intensity(result.withdrawal_management)

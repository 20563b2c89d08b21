"""DSM-5-TR OUD: counting, the supervision exclusion, severity, remission and ICD-10-CM codes."""

from datetime import date, datetime

import pytest

from mooring.rules.common import InvalidInputError, RulesError, UnknownProfileError
from mooring.rules.instruments import (
    DSM5_OUD_CRITERIA,
    OUD_CODE_SETS,
    Dsm5OudCriterion,
    OudSeverity,
    OudSpecifier,
    OudStatus,
    assess_dsm5_oud,
    code_set_for,
)
from mooring.rules.instruments.icd10cm import ICD10CM_FY2018, oud_code_set

C = Dsm5OudCriterion
TODAY = date(2026, 3, 2)
ORDERED = [criterion for _, criterion, _ in DSM5_OUD_CRITERIA]


def _assess(count: int, months: int = 0, **kwargs: object):  # type: ignore[no-untyped-def]
    defaults: dict[str, object] = {
        "as_of": TODAY,
        "medically_supervised_only": False,
        "months_since_criteria_last_met": months,
    }
    return assess_dsm5_oud(ORDERED[:count], **(defaults | kwargs))  # type: ignore[arg-type]


def test_eleven_criteria_in_dsm_order() -> None:
    assert [number for number, _, _ in DSM5_OUD_CRITERIA] == list(range(1, 12))
    assert set(ORDERED) == set(C)


@pytest.mark.parametrize(
    ("count", "severity", "code"),
    [
        (0, OudSeverity.NOT_MET, None),
        (1, OudSeverity.NOT_MET, None),
        (2, OudSeverity.MILD, "F11.10"),
        (3, OudSeverity.MILD, "F11.10"),
        (4, OudSeverity.MODERATE, "F11.20"),
        (5, OudSeverity.MODERATE, "F11.20"),
        (6, OudSeverity.SEVERE, "F11.20"),
        (11, OudSeverity.SEVERE, "F11.20"),
    ],
)
def test_severity_and_code_by_count(count: int, severity: OudSeverity, code: str | None) -> None:
    result = _assess(count)
    assert (result.count, result.severity, result.icd10cm_code) == (count, severity, code)
    assert result.diagnosis_met is (code is not None)


def test_not_met_says_so_plainly() -> None:
    result = _assess(1)
    assert result.status is OudStatus.NOT_MET
    assert [f.code for f in result.findings] == ["dsm5_oud.not_met"]
    assert "not met" in result.findings[0].message


def test_tolerance_and_withdrawal_do_not_count_under_medical_supervision() -> None:
    result = assess_dsm5_oud(
        [C.TOLERANCE, C.WITHDRAWAL, C.CRAVING],
        as_of=TODAY,
        medically_supervised_only=True,
        months_since_criteria_last_met=0,
    )
    assert result.criteria_counted == (C.CRAVING,)
    assert result.criteria_not_counted == (C.TOLERANCE, C.WITHDRAWAL)
    assert result.status is OudStatus.NOT_MET
    assert result.findings[0].code == "dsm5_oud.supervised_exclusion"


def test_the_same_criteria_count_without_supervision() -> None:
    result = assess_dsm5_oud(
        [C.TOLERANCE, C.WITHDRAWAL, C.CRAVING],
        as_of=TODAY,
        medically_supervised_only=False,
        months_since_criteria_last_met=0,
    )
    assert (result.count, result.severity) == (3, OudSeverity.MILD)
    assert result.criteria_not_counted == ()


@pytest.mark.parametrize(
    ("months", "status"),
    [
        (0, OudStatus.CURRENT),
        (2, OudStatus.CURRENT),
        (3, OudStatus.EARLY_REMISSION),
        (11, OudStatus.EARLY_REMISSION),
        (12, OudStatus.SUSTAINED_REMISSION),
        (60, OudStatus.SUSTAINED_REMISSION),
    ],
)
def test_remission_by_months_without_criteria(months: int, status: OudStatus) -> None:
    assert _assess(6, months).status is status


@pytest.mark.parametrize(
    ("count", "months", "code"),
    [(2, 3, "F11.11"), (3, 12, "F11.11"), (4, 3, "F11.21"), (8, 12, "F11.21")],
)
def test_remission_codes_in_the_current_code_set(count: int, months: int, code: str) -> None:
    result = _assess(count, months)
    assert (result.icd10cm_code, result.code_set) == (code, "ICD-10-CM-FY2018")


@pytest.mark.parametrize(
    ("count", "day", "code"),
    [
        (2, date(2017, 9, 30), "F11.10"),
        (5, date(2017, 9, 30), "F11.20"),
        (2, date(2017, 10, 1), "F11.11"),
        (5, date(2017, 10, 1), "F11.21"),
    ],
)
def test_remission_code_depends_on_the_date_of_service(count: int, day: date, code: str) -> None:
    assert _assess(count, 4, as_of=day).icd10cm_code == code


def test_a_code_set_can_be_named_explicitly() -> None:
    result = _assess(2, 4, code_set="ICD-10-CM-DSM5-2013")
    assert (result.icd10cm_code, result.code_set) == ("F11.10", "ICD-10-CM-DSM5-2013")


def test_an_unknown_code_set_is_refused() -> None:
    with pytest.raises(UnknownProfileError, match="ICD-10-CM-FY2018"):
        _assess(2, code_set="ICD-11")
    with pytest.raises(UnknownProfileError):
        oud_code_set("ICD-11")


def test_code_sets_cover_every_day_without_overlap() -> None:
    for day in (date(1, 1, 1), date(2017, 9, 30), date(2017, 10, 1), date(9999, 12, 31)):
        assert sum(cs.in_force_on(day) for cs in OUD_CODE_SETS.values()) == 1
    assert code_set_for(date(2017, 10, 1)) is ICD10CM_FY2018


def test_there_is_no_code_when_criteria_are_not_met() -> None:
    with pytest.raises(RulesError):
        ICD10CM_FY2018.code_for(OudSeverity.NOT_MET, in_remission=False)


def test_specifiers_attach_to_remission() -> None:
    result = _assess(6, 5, on_maintenance_therapy=True, controlled_environment=True)
    assert result.specifiers == (
        OudSpecifier.ON_MAINTENANCE_THERAPY,
        OudSpecifier.IN_CONTROLLED_ENVIRONMENT,
    )
    summary = result.findings[-1]
    assert summary.code == "dsm5_oud.early_remission"
    assert summary.message == (
        "Opioid use disorder, severe, early remission, on maintenance therapy, in controlled "
        "environment (6 of 11 criteria); ICD-10-CM F11.21 (ICD-10-CM-FY2018)."
    )
    assert summary.profile == "DSM-5-TR"


def test_specifiers_are_not_recorded_while_criteria_are_current() -> None:
    result = _assess(6, 0, on_maintenance_therapy=True)
    assert result.specifiers == ()
    assert [f.code for f in result.findings] == [
        "dsm5_oud.specifier_needs_remission",
        "dsm5_oud.current",
    ]


def test_criteria_may_be_given_as_their_string_values_and_repeat() -> None:
    result = assess_dsm5_oud(
        ["withdrawal", "craving", "craving"],
        as_of=TODAY,
        medically_supervised_only=False,
        months_since_criteria_last_met=0,
    )
    assert result.criteria_counted == (C.CRAVING, C.WITHDRAWAL)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"criteria_met": ["cravings"]}, "criteria_met"),
        ({"criteria_met": "craving"}, "criteria_met"),
        ({"months_since_criteria_last_met": -1}, "months_since_criteria_last_met"),
        ({"months_since_criteria_last_met": 2.5}, "months_since_criteria_last_met"),
        ({"months_since_criteria_last_met": True}, "months_since_criteria_last_met"),
        ({"medically_supervised_only": None}, "medically_supervised_only"),
        ({"on_maintenance_therapy": "yes"}, "on_maintenance_therapy"),
        ({"controlled_environment": 1}, "controlled_environment"),
        ({"as_of": "2026-03-02"}, "as_of"),
        ({"as_of": datetime(2026, 3, 2, 9, 0)}, "as_of"),
    ],
)
def test_wrong_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "criteria_met": [C.CRAVING, C.TOLERANCE],
        "as_of": TODAY,
        "medically_supervised_only": False,
        "months_since_criteria_last_met": 0,
    }
    with pytest.raises(InvalidInputError) as caught:
        assess_dsm5_oud(**(args | kwargs))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert caught.value.allowed

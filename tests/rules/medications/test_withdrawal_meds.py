"""Lofexidine and clonidine dose checks, impairment limits and taper."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mooring.rules.common import InvalidInputError, Severity
from mooring.rules.evidence import REGISTRY
from mooring.rules.profile_settings import cited
from mooring.rules.profiles import SiteSettings, get_profile
from mooring.rules.withdrawal_meds import (
    HepaticImpairment,
    Impairment,
    RenalImpairment,
    Vitals,
    WithdrawalMedCourse,
    WithdrawalMedicine,
    check_withdrawal_med_dose,
    lofexidine_daily_max,
    lofexidine_taper,
)

D = Decimal
FED = get_profile("US-FED-2024")
LOF = WithdrawalMedCourse(WithdrawalMedicine.LOFEXIDINE)
CLON = WithdrawalMedCourse(WithdrawalMedicine.CLONIDINE)
H, R = HepaticImpairment, RenalImpairment
CLONIDINE_ON = FED.with_site_settings(
    SiteSettings("harbor", clonidine=replace(FED.clonidine, enabled=cited(True, "S-SITE-PROTOCOL")))
)
NORMAL_VITALS = Vitals(118, 72)


def tabs(n: int) -> Decimal:
    return D("0.18") * n


@pytest.mark.parametrize(
    ("impairment", "daily", "single"),
    [
        (Impairment(), "2.88", "0.72"),
        (Impairment(H.MILD), "2.16", "0.54"),
        (Impairment(H.MODERATE), "1.44", "0.36"),
        (Impairment(H.SEVERE), "0.72", "0.18"),
        (Impairment(renal=R.MODERATE), "1.44", "0.36"),
        (Impairment(renal=R.SEVERE), "0.72", "0.18"),
        (Impairment(H.MILD, R.SEVERE), "0.72", "0.18"),
    ],
)
def test_lofexidine_limits_by_impairment(impairment: Impairment, daily: str, single: str) -> None:
    result = check_withdrawal_med_dose(LOF, tabs(1), (), 1, impairment, FED)
    assert result.daily_max_mg == D(daily)
    assert result.single_dose_max_mg == D(single)
    assert result.allowed


@pytest.mark.parametrize(
    ("dose", "today", "day", "impairment", "codes", "allowed"),
    [
        (tabs(3), (), 1, Impairment(), (), True),
        (tabs(4), (tabs(4),) * 3, 3, Impairment(), (), True),
        (tabs(5), (), 1, Impairment(), ("lofexidine.single_dose_over_limit",), False),
        (
            tabs(1),
            (tabs(4),) * 4,
            1,
            Impairment(),
            ("lofexidine.daily_over_limit", "lofexidine.extra_dose"),
            False,
        ),
        (
            tabs(3),
            (tabs(2),) * 2,
            1,
            Impairment(H.MODERATE),
            ("lofexidine.single_dose_over_limit",),
            False,
        ),
        (tabs(1), (tabs(1),) * 4, 1, Impairment(), ("lofexidine.extra_dose",), True),
        (tabs(3), (), 11, Impairment(), ("lofexidine.taper_due",), True),
        (tabs(3), (), 15, Impairment(), ("lofexidine.course_over_limit",), False),
    ],
)
def test_lofexidine_dose_checks(
    dose: Decimal,
    today: tuple[Decimal, ...],
    day: int,
    impairment: Impairment,
    codes: tuple[str, ...],
    allowed: bool,
) -> None:
    result = check_withdrawal_med_dose(LOF, dose, today, day, impairment, FED)
    assert result.codes == codes
    assert result.allowed is allowed
    for finding in result.findings:
        assert finding.profile == "US-FED-2024"
        assert all(e in REGISTRY for e in finding.evidence)


def test_only_the_course_length_refusal_is_overridable() -> None:
    assert check_withdrawal_med_dose(LOF, tabs(3), (), 15, Impairment(), FED).overridable
    assert not check_withdrawal_med_dose(LOF, tabs(5), (), 1, Impairment(), FED).overridable


def test_lofexidine_interval_and_methadone_qt() -> None:
    on_methadone = WithdrawalMedCourse(WithdrawalMedicine.LOFEXIDINE, on_methadone=True)
    result = check_withdrawal_med_dose(
        on_methadone, tabs(3), (tabs(3),), 1, Impairment(), FED, hours_since_last_dose=4
    )
    assert result.codes == ("lofexidine.too_soon", "lofexidine.qt_with_methadone")
    ok = check_withdrawal_med_dose(
        LOF, tabs(3), (tabs(3),), 1, Impairment(), FED, hours_since_last_dose=5
    )
    assert ok.codes == ()


@given(
    hepatic=st.sampled_from(list(H)),
    renal=st.sampled_from(list(R)),
    today=st.lists(st.integers(min_value=1, max_value=4), max_size=6),
    dose=st.integers(min_value=1, max_value=6),
)
def test_an_allowed_lofexidine_dose_never_passes_any_limit(
    hepatic: HepaticImpairment, renal: RenalImpairment, today: list[int], dose: int
) -> None:
    impairment = Impairment(hepatic, renal)
    result = check_withdrawal_med_dose(
        LOF, tabs(dose), tuple(tabs(t) for t in today), 2, impairment, FED
    )
    daily = lofexidine_daily_max(impairment, FED.lofexidine).value
    assert daily <= D("2.88")
    if result.allowed:
        assert tabs(dose) <= min(D("0.72"), daily / 4)
        assert tabs(dose + sum(today)) <= daily


@pytest.mark.parametrize(("start", "plan"), [(1, (1, 1)), (2, (1, 1)), (3, (2, 1)), (4, (3, 2, 1))])
def test_lofexidine_taper(start: int, plan: tuple[int, ...]) -> None:
    taper = lofexidine_taper(start, FED)
    assert taper == plan
    assert 2 <= len(taper) <= 4


@pytest.mark.parametrize("start", [0, 5])
def test_lofexidine_taper_rejects_impossible_starts(start: int) -> None:
    with pytest.raises(InvalidInputError) as error:
        lofexidine_taper(start, FED)
    assert error.value.field == "tablets_per_dose"


def test_clonidine_is_refused_unless_the_site_enables_it() -> None:
    result = check_withdrawal_med_dose(
        CLON, D("0.1"), (), 1, Impairment(), FED, vitals=NORMAL_VITALS
    )
    assert result.codes == ("clonidine.not_enabled",)
    assert not result.overridable
    assert result.findings[0].severity is Severity.REFUSAL


@pytest.mark.parametrize(
    ("dose", "today", "hours", "vitals", "codes", "allowed"),
    [
        ("0.1", (), None, NORMAL_VITALS, (), True),
        ("0.2", ("0.2", "0.1"), 6, NORMAL_VITALS, (), True),
        ("0.3", (), None, NORMAL_VITALS, ("clonidine.single_dose_over_limit",), False),
        ("0.1", ("0.2", "0.2", "0.2"), None, NORMAL_VITALS, ("clonidine.daily_over_limit",), False),
        ("0.1", (), 3, NORMAL_VITALS, ("clonidine.too_soon",), False),
        ("0.1", (), None, None, ("clonidine.vitals_missing",), True),
        ("0.1", (), None, Vitals(85, 72), ("clonidine.hold_low_blood_pressure",), False),
        ("0.1", (), None, Vitals(100, 52), ("clonidine.hold_low_heart_rate",), False),
    ],
)
def test_clonidine_site_rules(
    dose: str,
    today: tuple[str, ...],
    hours: int | None,
    vitals: Vitals | None,
    codes: tuple[str, ...],
    allowed: bool,
) -> None:
    result = check_withdrawal_med_dose(
        CLON,
        D(dose),
        tuple(D(t) for t in today),
        1,
        Impairment(),
        CLONIDINE_ON,
        hours_since_last_dose=hours,
        vitals=vitals,
    )
    assert result.codes == codes
    assert result.allowed is allowed
    assert all(f.profile == "US-FED-2024@harbor" for f in result.findings)


def test_vital_sign_holds_are_not_overridable() -> None:
    result = check_withdrawal_med_dose(
        CLON, D("0.1"), (), 1, Impairment(), CLONIDINE_ON, vitals=Vitals(80, 40)
    )
    assert not result.overridable


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ((LOF, D("0.2"), (), 1, Impairment(), FED), {}, "proposed_dose"),
        ((LOF, D("0"), (), 1, Impairment(), FED), {}, "proposed_dose"),
        ((LOF, 0.18, (), 1, Impairment(), FED), {}, "proposed_dose"),
        ((LOF, tabs(1), (D("-1"),), 1, Impairment(), FED), {}, "doses_today"),
        ((LOF, tabs(1), (), 0, Impairment(), FED), {}, "day_of_course"),
        (
            (LOF, tabs(1), (), 1, Impairment(), FED),
            {"hours_since_last_dose": -2},
            "hours_since_last_dose",
        ),
        ((LOF, tabs(1), (), 1, Impairment("bad"), FED), {}, "impairment"),  # type: ignore[arg-type]
        (
            (WithdrawalMedCourse("methadone"), tabs(1), (), 1, Impairment(), FED),
            {},
            "course.medicine",
        ),  # type: ignore[arg-type]
    ],
)
def test_invalid_input(args: tuple[object, ...], kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        check_withdrawal_med_dose(*args, **kwargs)  # type: ignore[arg-type]
    assert error.value.field == field

"""Methadone orders: first day, titration, split doses, missed doses, QTc and ECG timing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mooring.rules.common import InvalidInputError, Severity
from mooring.rules.evidence import REGISTRY
from mooring.rules.methadone import (
    DailyDose,
    EcgResult,
    MethadoneHistory,
    MethadoneOrderRequest,
    MissedDoseStatus,
    check_methadone_order,
    consecutive_missed_days,
    evaluate_missed_doses,
)
from mooring.rules.profile_settings import EcgPolicy, cited
from mooring.rules.profiles import get_profile

D = Decimal
START = date(2025, 3, 3)
FED_2024 = get_profile("US-FED-2024")
FED_2001 = get_profile("US-FED-2001")
GOOD_ECG = (EcgResult(START, 420),)


def order(day: int, *mg: str) -> MethadoneOrderRequest:
    return MethadoneOrderRequest(START + timedelta(days=day), tuple(D(m) for m in mg))


def history(*doses: tuple[int, str], ecgs: tuple[EcgResult, ...] = GOOD_ECG) -> MethadoneHistory:
    return MethadoneHistory(
        tuple(DailyDose(START + timedelta(days=d), D(mg)) for d, mg in doses), ecgs
    )


def check(request: MethadoneOrderRequest, past: MethadoneHistory, profile=FED_2024):  # type: ignore[no-untyped-def]
    return check_methadone_order(request, past, profile, as_of=request.dose_date)


@pytest.mark.parametrize(
    ("profile_id", "doses", "codes"),
    [
        ("US-FED-2001", ("30",), ()),
        ("US-FED-2001", ("30", "10"), ("methadone.split_dose",)),
        ("US-FED-2001", ("35",), ("methadone.first_dose_over_limit",)),
        (
            "US-FED-2001",
            ("30", "15"),
            ("methadone.first_day_over_limit", "methadone.split_dose"),
        ),
        ("FDA-LABEL", ("40",), ("methadone.first_dose_over_limit",)),
        ("US-FED-2024", ("50",), ()),
        (
            "US-FED-2024",
            ("55",),
            ("methadone.first_dose_over_limit", "methadone.first_day_over_limit"),
        ),
    ],
)
def test_first_day_limits_per_profile(
    profile_id: str, doses: tuple[str, ...], codes: tuple[str, ...]
) -> None:
    profile = get_profile(profile_id)
    result = check(order(0, *doses), history(), profile)
    assert result.codes == codes
    refused = [f for f in result.findings if f.severity is Severity.REFUSAL]
    assert result.allowed is (not refused)
    assert result.overridable is bool(refused)
    for finding in result.findings:
        assert finding.profile == profile_id
        assert all(e in REGISTRY for e in finding.evidence)


def test_2024_first_dose_finding_cites_the_unverified_sources() -> None:
    result = check(order(0, "60"), history())
    assert result.findings[0].evidence == FED_2024.methadone.first_dose_max_mg.evidence
    assert "US-FED-2024" in result.findings[0].message


@pytest.mark.parametrize(
    ("past", "today", "codes"),
    [
        # steady dose, no findings
        (((0, "30"), (1, "30"), (2, "30")), (3, "30"), ()),
        # decrease is never a titration problem
        (((0, "30"), (1, "30"), (2, "30")), (3, "20"), ()),
        # +10 after 3 days: allowed
        (((0, "30"), (1, "30"), (2, "30")), (3, "40"), ()),
        # +15 is above the 10 mg step
        (((0, "30"), (1, "30"), (2, "30")), (3, "45"), ("methadone.increase_step_over_limit",)),
        # second increase only 2 days after the first
        (
            ((0, "30"), (1, "30"), (2, "30"), (3, "40"), (4, "40")),
            (5, "45"),
            ("methadone.increase_too_soon",),
        ),
        # after an overridden 20 mg step, 30 -> 70 within 9 days breaks the early weekly cap
        (
            ((0, "30"), (3, "50"), (6, "60"), (7, "60"), (8, "60")),
            (9, "70"),
            ("methadone.early_weekly_rise_over_limit",),
        ),
        # same rise after the first 14 days is fine
        (
            ((14, "30"), (17, "40"), (20, "50"), (21, "50"), (22, "50")),
            (23, "60"),
            (),
        ),
    ],
)
def test_titration(
    past: tuple[tuple[int, str], ...], today: tuple[int, str], codes: tuple[str, ...]
) -> None:
    day, mg = today
    ecgs = (EcgResult(START + timedelta(days=past[0][0]), 420),)
    result = check(order(day, mg), history(*past, ecgs=ecgs))
    assert result.codes == codes


def test_followup_ecg_due_when_none_since_start() -> None:
    # the ECG predates the first dose; 23 days later none since the start
    past = ((14, "30"), (17, "40"), (20, "50"), (21, "50"), (22, "50"))
    result = check(
        order(23, "50"), history(*past, ecgs=(EcgResult(START - timedelta(days=20), 410),))
    )
    assert result.codes == ()
    result = check(order(44, "50"), history(*past, (43, "50"), ecgs=(EcgResult(START, 410),)))
    assert "methadone.ecg_followup_due" in result.codes


def test_split_dose_is_not_an_increase() -> None:
    past = history((0, "60"), (1, "60"))
    result = check(order(2, "30", "30"), past)
    assert result.allowed
    assert result.codes == ("methadone.split_dose",)
    assert "60 mg" in result.findings[0].message


@given(
    previous=st.integers(min_value=2, max_value=300),
    first_part=st.integers(min_value=1, max_value=299),
    day=st.integers(min_value=1, max_value=3),
)
def test_any_split_of_the_same_daily_amount_is_never_refused(
    previous: int, first_part: int, day: int
) -> None:
    first_part = min(first_part, previous - 1)
    past = history(*((d, str(previous)) for d in range(day)))
    result = check(order(day, str(first_part), str(previous - first_part)), past)
    assert not any(f.code.startswith("methadone.increase") for f in result.findings)
    assert "methadone.early_weekly_rise_over_limit" not in result.codes


@pytest.mark.parametrize(
    ("missed", "status"),
    [
        (0, "ok"),
        (2, "ok"),
        (3, "hold_for_review"),
        (4, "hold_for_review"),
        (5, "reinduce"),
        (30, "reinduce"),
    ],
)
def test_missed_dose_thresholds(missed: int, status: str) -> None:
    advice = evaluate_missed_doses(missed, FED_2024)
    assert advice.status == MissedDoseStatus(status)
    assert advice.profile == "US-FED-2024"
    assert advice.evidence == ("S-SITE-PROTOCOL",)
    assert str(missed) in advice.message
    assert (advice.finding() is None) is (status == "ok")


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_missed_dose_status_never_softens_with_more_missed_days(a: int, b: int) -> None:
    rank = {
        MissedDoseStatus.OK: 0,
        MissedDoseStatus.HOLD_FOR_REVIEW: 1,
        MissedDoseStatus.REINDUCE: 2,
    }
    low, high = sorted((a, b))
    assert (
        rank[evaluate_missed_doses(low, FED_2024).status]
        <= rank[evaluate_missed_doses(high, FED_2024).status]
    )


def test_order_after_missed_days_is_held_then_reinduced() -> None:
    past = history((0, "80"), (1, "80"))
    held = check(order(5, "80"), past)  # days 2, 3, 4 missed
    assert held.codes == ("methadone.missed_doses.hold_for_review",)
    assert held.overridable
    reinduce = check(order(8, "80"), past)  # six days missed: re-induction limits apply
    assert reinduce.codes == (
        "methadone.missed_doses.reinduce",
        "methadone.first_dose_over_limit",
        "methadone.first_day_over_limit",
    )
    lower = check(order(8, "30"), past)
    assert lower.codes == ("methadone.missed_doses.reinduce",)


def test_site_missed_dose_settings_apply() -> None:
    from mooring.rules.profile_settings import MissedDoseSettings
    from mooring.rules.profiles import SiteSettings

    site = FED_2024.with_site_settings(
        SiteSettings(
            "harbor",
            missed_dose=MissedDoseSettings(
                cited(1, "S-SITE-PROTOCOL"), cited(2, "S-SITE-PROTOCOL")
            ),
        )
    )
    advice = evaluate_missed_doses(1, site)
    assert advice.status is MissedDoseStatus.HOLD_FOR_REVIEW
    assert advice.profile == "US-FED-2024@harbor"


@pytest.mark.parametrize(
    ("last", "as_of", "missed"),
    [
        (date(2025, 1, 1), date(2025, 1, 1), 0),
        (date(2025, 1, 1), date(2025, 1, 2), 0),
        (date(2025, 1, 1), date(2025, 1, 5), 3),
    ],
)
def test_consecutive_missed_days(last: date, as_of: date, missed: int) -> None:
    assert consecutive_missed_days(last, as_of) == missed


def test_consecutive_missed_days_rejects_a_future_last_dose() -> None:
    with pytest.raises(InvalidInputError) as error:
        consecutive_missed_days(date(2025, 1, 2), date(2025, 1, 1))
    assert error.value.field == "last_dose_date"


@pytest.mark.parametrize(
    ("qtc", "mg", "codes", "allowed"),
    [
        (440, "60", (), True),
        (470, "60", ("methadone.qtc_caution",), True),
        (500, "70", ("methadone.qtc_caution",), True),
        (510, "60", ("methadone.qtc_over_refusal_limit",), True),  # unchanged: caution only
        (510, "50", ("methadone.qtc_over_refusal_limit",), True),  # reduction: caution only
        (510, "70", ("methadone.qtc_over_refusal_limit",), False),  # increase: refusal
    ],
)
def test_qtc_rules(qtc: int, mg: str, codes: tuple[str, ...], allowed: bool) -> None:
    past = history(
        (0, "60"), (1, "60"), (2, "60"), ecgs=(EcgResult(START + timedelta(days=2), qtc),)
    )
    result = check(order(3, mg), past)
    assert result.codes == codes
    assert result.allowed is allowed
    assert result.overridable is (not allowed)


def test_ecg_timing_under_universal_policy() -> None:
    first = check(order(0, "30"), history(ecgs=()))
    assert first.codes == ("methadone.ecg_pretreatment_missing",)
    assert first.allowed
    old = EcgResult(START, 430)
    later = check(order(400, "80"), history((399, "80"), (0, "80"), ecgs=(old,)))
    assert later.codes == ("methadone.ecg_annual_due",)


def test_risk_based_policy_skips_routine_ecgs_but_keeps_the_dose_threshold() -> None:
    risk_based = replace(
        FED_2024, qtc=replace(FED_2024.qtc, ecg_policy=cited(EcgPolicy.RISK_BASED, "S-AATOD-QTC"))
    )
    assert check(order(0, "30"), history(ecgs=()), risk_based).codes == ()
    past = history((0, "100"), (1, "100"), (2, "100"), (3, "100"), ecgs=())
    assert check(order(4, "110"), past, risk_based).codes == ("methadone.ecg_dose_threshold",)
    # already above the threshold: no repeat caution
    past = history((0, "110"), (1, "110"), (2, "110"), (3, "110"), ecgs=())
    assert check(order(4, "120"), past, risk_based).codes == ()


def test_ecg_after_the_order_date_is_ignored_for_that_order() -> None:
    past = history((0, "60"), ecgs=(EcgResult(START + timedelta(days=5), 520),))
    result = check_methadone_order(order(1, "60"), past, FED_2024, as_of=START + timedelta(days=5))
    assert "methadone.qtc_over_refusal_limit" not in result.codes


@pytest.mark.parametrize(
    ("request_", "past", "as_of", "field"),
    [
        (order(0), history(), START, "order.administrations_mg"),
        (order(0, "10", "10", "10"), history(), START, "order.administrations_mg"),
        (order(0, "0"), history(), START, "order.administrations_mg"),
        (MethadoneOrderRequest(START, (30.0,)), history(), START, "order.administrations_mg"),  # type: ignore[arg-type]
        (MethadoneOrderRequest(START, (D("NaN"),)), history(), START, "order.administrations_mg"),
        (MethadoneOrderRequest(START, (True,)), history(), START, "order.administrations_mg"),  # type: ignore[arg-type]
        (order(1, "30"), history((1, "30")), START, "history.daily_doses"),
        (order(2, "30"), history((0, "30"), (0, "30")), START, "history.daily_doses"),
        (order(1, "30"), history((0, "-5")), START, "history.daily_doses.total_mg"),
        (
            order(1, "30"),
            history((0, "30"), ecgs=(EcgResult(START, 0),)),
            START,
            "history.ecgs.qtc_ms",
        ),
        (
            order(1, "30"),
            history((0, "30"), ecgs=(EcgResult(START + timedelta(days=3), 400),)),
            START,
            "history.ecgs",
        ),
        (order(0, "30"), history(), datetime(2025, 3, 3, 9), "as_of"),
        (MethadoneOrderRequest("2025-03-03", (D(30),)), history(), START, "order.dose_date"),  # type: ignore[arg-type]
    ],
)
def test_invalid_input_names_the_field(
    request_: MethadoneOrderRequest, past: MethadoneHistory, as_of: date, field: str
) -> None:
    with pytest.raises(InvalidInputError) as error:
        check_methadone_order(request_, past, FED_2024, as_of=as_of)
    assert error.value.field == field


@pytest.mark.parametrize("missed", [-1, 1.5, True])
def test_evaluate_missed_doses_rejects_bad_counts(missed: object) -> None:
    with pytest.raises(InvalidInputError):
        evaluate_missed_doses(missed, FED_2024)  # type: ignore[arg-type]

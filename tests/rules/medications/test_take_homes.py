"""Take-home eligibility by days in treatment and criteria, and planning of bottle dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mooring.rules.common import InvalidInputError, Severity
from mooring.rules.evidence import REGISTRY
from mooring.rules.profiles import PROFILES, get_profile
from mooring.rules.take_homes import (
    TakeHomeCriteriaAssessment,
    TakeHomeCriterion,
    TakeHomeDecision,
    plan_take_home_days,
    take_home_eligibility,
)

ADMITTED = date(2025, 1, 6)  # a Monday
ALL_MET = TakeHomeCriteriaAssessment(frozenset(TakeHomeCriterion))
NONE_MET = TakeHomeCriteriaAssessment(frozenset())
MON_TO_SAT = frozenset(range(6))
NO_HOLIDAYS: frozenset[date] = frozenset()


def decide(
    day: int, profile_id: str = "US-FED-2024", criteria: TakeHomeCriteriaAssessment = ALL_MET
) -> TakeHomeDecision:
    return take_home_eligibility(
        admission_date=ADMITTED,
        as_of=ADMITTED + timedelta(days=day),
        criteria=criteria,
        profile=get_profile(profile_id),
    )


@pytest.mark.parametrize(
    ("profile_id", "day", "max_days", "per_week"),
    [
        ("US-FED-2024", 0, 7, None),
        ("US-FED-2024", 14, 7, None),
        ("US-FED-2024", 15, 14, None),
        ("US-FED-2024", 30, 14, None),
        ("US-FED-2024", 31, 28, None),
        ("US-FED-2024", 900, 28, None),
        ("US-FED-2001", 0, 1, 1),
        ("US-FED-2001", 89, 1, 1),
        ("US-FED-2001", 90, 1, 2),
        ("US-FED-2001", 180, 1, 3),
        ("US-FED-2001", 270, 6, None),
        ("US-FED-2001", 365, 14, None),
        ("US-FED-2001", 730, 30, None),
        ("US-VA", 0, 0, None),
        ("US-VA", 6, 0, None),
        ("US-VA", 7, 5, None),
        ("US-VA", 30, 14, None),
        ("US-VA", 60, 28, None),
    ],
)
def test_supply_by_days_in_treatment(
    profile_id: str, day: int, max_days: int, per_week: int | None
) -> None:
    decision = decide(day, profile_id)
    assert decision.days_in_treatment == day
    assert decision.max_days == max_days
    assert decision.max_doses_per_week == per_week
    assert decision.unmet_criteria == ()
    assert decision.profile == profile_id
    assert "take_homes.phase_limit" in [f.code for f in decision.findings]
    assert ("take_homes.weekly_limit" in [f.code for f in decision.findings]) is (
        per_week is not None
    )
    for finding in decision.findings:
        assert finding.evidence
        assert all(e in REGISTRY for e in finding.evidence)


def test_unmet_criteria_mean_no_regular_supply() -> None:
    met = frozenset(TakeHomeCriterion) - {TakeHomeCriterion.NO_RECENT_DIVERSION}
    decision = decide(40, criteria=TakeHomeCriteriaAssessment(met))
    assert decision.max_days == 0
    assert decision.unmet_criteria == (TakeHomeCriterion.NO_RECENT_DIVERSION,)
    refusal = [f for f in decision.findings if f.severity is Severity.REFUSAL]
    assert [f.code for f in refusal] == ["take_homes.criteria_unmet"]
    assert "no recent diversion" in refusal[0].message
    assert not refusal[0].overridable


def test_2001_profile_uses_its_own_eight_criteria() -> None:
    decision = decide(400, "US-FED-2001", NONE_MET)
    assert len(decision.unmet_criteria) == 8
    assert TakeHomeCriterion.STABLE_HOME_AND_RELATIONSHIPS in decision.unmet_criteria
    assert decision.closed_day_allowed


@pytest.mark.parametrize(
    ("profile_id", "allowed"), [("US-FED-2024", False), ("US-FED-2001", True), ("US-VA", True)]
)
def test_closed_day_allowance_per_profile(profile_id: str, allowed: bool) -> None:
    decision = decide(3, profile_id)
    assert decision.closed_day_allowed is allowed
    assert ("take_homes.closed_day_allowed" in [f.code for f in decision.findings]) is allowed


@given(
    profile_id=st.sampled_from(sorted(PROFILES)),
    a=st.integers(min_value=0, max_value=1500),
    b=st.integers(min_value=0, max_value=1500),
)
def test_supply_never_shrinks_with_time_and_never_exceeds_the_cap(
    profile_id: str, a: int, b: int
) -> None:
    cap = max(t.max_supply_days for t in get_profile(profile_id).take_homes.tiers)
    low, high = sorted((a, b))
    early, late = decide(low, profile_id), decide(high, profile_id)
    assert early.max_days <= late.max_days <= cap
    if profile_id == "US-FED-2024":
        assert late.max_days <= 28


def plan(
    decision: TakeHomeDecision,
    requested: int,
    closed: frozenset[date] = NO_HOLIDAYS,
    weekdays: frozenset[int] = MON_TO_SAT,
):  # type: ignore[no-untyped-def]
    return plan_take_home_days(
        as_of=decision.as_of,
        eligibility=decision,
        clinic_closed_dates=closed,
        requested_days=requested,
        open_weekdays=weekdays,
    )


def test_plan_saturday_visit_under_2001_gets_a_sunday_bottle() -> None:
    saturday = 5  # ADMITTED + 5 days
    result = plan(decide(saturday, "US-FED-2001", NONE_MET), 0)
    sunday = ADMITTED + timedelta(days=6)
    assert result.take_home_dates == (sunday,)
    assert result.closed_day_dates == (sunday,)
    assert result.next_visit == sunday + timedelta(days=1)
    assert result.findings == ()


def test_plan_2024_week_supply_runs_through_a_holiday() -> None:
    thursday = ADMITTED + timedelta(days=3)
    holiday = thursday + timedelta(days=2)  # Saturday closed as well as Sunday
    result = plan(decide(3), 4, closed=frozenset({holiday}))
    assert result.take_home_dates == tuple(thursday + timedelta(days=d) for d in range(1, 5))
    assert result.closed_day_dates == ()
    assert result.next_visit == thursday + timedelta(days=5)  # Tuesday


def test_plan_reduces_a_request_above_the_maximum() -> None:
    result = plan(decide(20), 20)
    assert len(result.take_home_dates) == 14
    assert [f.code for f in result.findings] == ["take_homes.request_reduced"]


def test_plan_flags_a_closed_day_nobody_may_cover() -> None:
    saturday = 5
    result = plan(decide(saturday, "US-FED-2024", NONE_MET), 0)
    sunday = ADMITTED + timedelta(days=6)
    assert result.take_home_dates == ()
    assert result.uncovered_dates == (sunday,)
    assert result.next_visit == sunday + timedelta(days=1)
    assert [f.code for f in result.findings] == ["take_homes.closed_day_uncovered"]
    assert result.findings[0].severity is Severity.CAUTION


@given(
    profile_id=st.sampled_from(sorted(PROFILES)),
    day=st.integers(min_value=0, max_value=800),
    requested=st.integers(min_value=0, max_value=40),
    all_met=st.booleans(),
    closed_offsets=st.frozensets(st.integers(min_value=1, max_value=40), max_size=10),
    weekdays=st.frozensets(st.integers(min_value=0, max_value=6), min_size=1),
)
def test_plan_invariants(
    profile_id: str,
    day: int,
    requested: int,
    all_met: bool,
    closed_offsets: frozenset[int],
    weekdays: frozenset[int],
) -> None:
    decision = decide(day, profile_id, ALL_MET if all_met else NONE_MET)
    closed = frozenset(decision.as_of + timedelta(days=o) for o in closed_offsets)
    result = plan(decision, requested, closed, weekdays)

    def is_closed(d: date) -> bool:
        return d in closed or d.weekday() not in weekdays

    regular = [d for d in result.take_home_dates if d not in result.closed_day_dates]
    assert len(regular) <= min(requested, decision.max_days)
    assert all(is_closed(d) for d in result.closed_day_dates)
    assert not result.closed_day_dates or decision.closed_day_allowed
    assert not is_closed(result.next_visit)
    covered = set(result.take_home_dates) | set(result.uncovered_dates)
    gap = (result.next_visit - decision.as_of).days - 1
    assert covered == {decision.as_of + timedelta(days=d) for d in range(1, gap + 1)}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"as_of": ADMITTED - timedelta(days=1)}, "as_of"),
        (
            {"criteria": TakeHomeCriteriaAssessment(frozenset({"regular_attendance_x"}))},
            "criteria.met",
        ),  # type: ignore[arg-type]
        ({"admission_date": "2025-01-06"}, "admission_date"),
    ],
)
def test_eligibility_rejects_bad_input(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "admission_date": ADMITTED,
        "as_of": ADMITTED,
        "criteria": ALL_MET,
        "profile": get_profile("US-FED-2024"),
    }
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as error:
        take_home_eligibility(**args)  # type: ignore[arg-type]
    assert error.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"as_of": ADMITTED + timedelta(days=1)}, "eligibility"),
        ({"requested_days": -1}, "requested_days"),
        ({"open_weekdays": frozenset()}, "open_weekdays"),
        ({"open_weekdays": frozenset({7})}, "open_weekdays"),
        ({"open_weekdays": frozenset({True})}, "open_weekdays"),
        (
            {"clinic_closed_dates": frozenset(ADMITTED + timedelta(days=d) for d in range(1, 400))},
            "clinic_closed_dates",
        ),
    ],
)
def test_plan_rejects_bad_input(kwargs: dict[str, object], field: str) -> None:
    decision = decide(0)
    args: dict[str, object] = {
        "as_of": ADMITTED,
        "eligibility": decision,
        "clinic_closed_dates": NO_HOLIDAYS,
        "requested_days": 1,
        "open_weekdays": MON_TO_SAT,
    }
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as error:
        plan_take_home_days(**args)  # type: ignore[arg-type]
    assert error.value.field == field

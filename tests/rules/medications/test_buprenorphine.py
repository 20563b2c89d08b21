"""Buprenorphine readiness, induction and maintenance limits, and low-dose schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from mooring.rules.buprenorphine import (
    buprenorphine_readiness,
    check_buprenorphine_dose,
    induction_day,
    low_dose_initiation_schedule,
)
from mooring.rules.common import InvalidInputError
from mooring.rules.evidence import REGISTRY
from mooring.rules.profile_settings import Cited, MissedDoseSettings
from mooring.rules.profiles import SiteSettings, get_profile
from mooring.rules.withdrawal import LastOpioid

D = Decimal
LAST = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("profile_id", "opioid", "hours", "cows", "codes"),
    [
        ("US-FED-2024", LastOpioid.SHORT_ACTING, 12, 8, ()),
        ("US-FED-2024", LastOpioid.SHORT_ACTING, 6, 10, ("buprenorphine.wait_not_met",)),
        ("FDA-LABEL", LastOpioid.SHORT_ACTING, 6, 10, ()),
        ("US-FED-2024", LastOpioid.METHADONE, 30, 12, ("buprenorphine.wait_not_met",)),
        ("FDA-LABEL", LastOpioid.METHADONE, 30, 12, ()),
        ("US-FED-2024", LastOpioid.EXTENDED_RELEASE, 24, 8, ()),
        ("US-FED-2024", LastOpioid.SHORT_ACTING, 12, 7, ("buprenorphine.cows_below_threshold",)),
        ("US-FED-2024", LastOpioid.SHORT_ACTING, 12, None, ("buprenorphine.cows_missing",)),
    ],
)
def test_readiness(
    profile_id: str, opioid: LastOpioid, hours: int, cows: int | None, codes: tuple[str, ...]
) -> None:
    result = buprenorphine_readiness(
        last_opioid=opioid,
        last_use=LAST,
        as_of=LAST + timedelta(hours=hours),
        cows_score=cows,
        profile=get_profile(profile_id),
    )
    assert result.codes == codes
    assert result.allowed is (not codes)
    assert result.overridable is bool(codes)
    for finding in result.findings:
        assert finding.profile == profile_id
        assert all(e in REGISTRY for e in finding.evidence)


def test_readiness_reports_the_earliest_start() -> None:
    result = buprenorphine_readiness(
        last_opioid=LastOpioid.METHADONE,
        last_use=LAST,
        as_of=LAST,
        cows_score=12,
        profile=get_profile("US-FED-2024"),
    )
    assert result.earliest_start == LAST + timedelta(hours=36)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"last_opioid": LastOpioid.BUPRENORPHINE}, "last_opioid"),
        ({"last_use": LAST.replace(tzinfo=None)}, "last_use"),
        ({"as_of": LAST - timedelta(hours=1)}, "last_use"),
        ({"cows_score": -1}, "cows_score"),
    ],
)
def test_readiness_rejects_bad_input(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "last_opioid": LastOpioid.SHORT_ACTING,
        "last_use": LAST,
        "as_of": LAST + timedelta(hours=20),
        "cows_score": 10,
        "profile": get_profile("US-FED-2024"),
    }
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as error:
        buprenorphine_readiness(**args)  # type: ignore[arg-type]
    assert error.value.field == field


@pytest.mark.parametrize(
    ("profile_id", "day", "dose", "today", "minutes", "codes"),
    [
        ("US-FED-2024", 1, "4", (), None, ()),
        ("US-FED-2024", 1, "8", (), None, ("buprenorphine.first_dose_over_limit",)),
        ("US-FED-2024", 1, "4", ("4",), 90, ()),
        ("US-FED-2024", 1, "4", ("4",), 30, ("buprenorphine.redose_too_soon",)),
        ("US-FED-2024", 1, "4", ("4", "4"), None, ("buprenorphine.day1_total_over_limit",)),
        ("ED-HIGH-DOSE", 1, "8", ("4", "8", "8"), None, ()),
        (
            "ED-HIGH-DOSE",
            1,
            "8",
            ("8", "8", "8", "8"),
            None,
            ("buprenorphine.day1_total_over_limit",),
        ),
        ("US-FED-2024", 2, "16", (), None, ()),
        ("US-FED-2024", 2, "4", ("16",), None, ("buprenorphine.day2_total_over_limit",)),
        ("US-FED-2024", 3, "24", (), None, ()),
        ("US-FED-2024", 3, "4", ("24",), 10, ("buprenorphine.above_label_range",)),
        ("US-FED-2024", 9, "8", ("24", "4"), None, ("buprenorphine.daily_total_over_limit",)),
    ],
)
def test_dose_limits(
    profile_id: str,
    day: int,
    dose: str,
    today: tuple[str, ...],
    minutes: int | None,
    codes: tuple[str, ...],
) -> None:
    result = check_buprenorphine_dose(
        induction_day=day,
        proposed_dose=D(dose),
        doses_today=tuple(D(t) for t in today),
        profile=get_profile(profile_id),
        minutes_since_last_dose=minutes,
    )
    assert result.codes == codes


def test_dose_rejects_bad_minutes() -> None:
    with pytest.raises(InvalidInputError) as error:
        check_buprenorphine_dose(
            induction_day=1,
            proposed_dose=D(2),
            doses_today=(D(2),),
            profile=get_profile("US-FED-2024"),
            minutes_since_last_dose=-5,
        )
    assert error.value.field == "minutes_since_last_dose"


def test_low_dose_schedule_continues_the_full_agonist_until_the_last_day() -> None:
    days = low_dose_initiation_schedule(date(2025, 6, 1))
    assert [d.daily_total_mg for d in days] == [
        D(x) for x in ("0.5", "1", "2", "4", "6", "8", "12")
    ]
    assert [d.on for d in days] == [date(2025, 6, 1) + timedelta(days=n) for n in range(7)]
    assert all(d.continue_full_agonist for d in days[:-1])
    assert not days[-1].continue_full_agonist
    totals = [d.daily_total_mg for d in days]
    assert totals == sorted(totals)


def test_low_dose_schedule_rejects_unknown_ids() -> None:
    with pytest.raises(InvalidInputError) as error:
        low_dose_initiation_schedule(date(2025, 6, 1), "BERNESE-42")
    assert error.value.field == "schedule_id"


# --- the induction day -------------------------------------------------------------------

START = date(2026, 3, 10)


def _days_before(*offsets: int) -> list[date]:
    return [START - timedelta(days=n) for n in offsets]


# US-FED-2024's site default: five missed days in a row start a new induction.
@pytest.mark.parametrize(
    ("earlier", "expected"),
    [
        ([], 1),  # never on buprenorphine
        (_days_before(1), 2),  # yesterday was day 1
        (_days_before(5, 4, 3, 2, 1), 6),
        (_days_before(7, 5), 8),  # one missed day does not break the course
        (_days_before(10, 5), 11),  # nor four (6 to 9 March, 1 to 4 March)
        (_days_before(6), 1),  # five (5 to 9 March): a new induction
        (_days_before(800, 799, 798), 1),  # two years ago
        (_days_before(30, 29, 28, 5), 6),  # an old course, then this one from 5 March
    ],
)
def test_the_induction_day_counts_from_the_unbroken_course(
    earlier: list[date], expected: int
) -> None:
    assert induction_day(START, earlier, get_profile("US-FED-2024")) == expected


def test_doses_on_or_after_the_start_are_not_history() -> None:
    profile = get_profile("US-FED-2024")
    later = [START, START + timedelta(days=3), *_days_before(1)]
    assert induction_day(START, later, profile) == 2
    assert induction_day(START, [START], profile) == 1


def test_the_induction_day_follows_the_sites_reinduction_threshold() -> None:
    strict = get_profile("US-FED-2024").with_site_settings(
        SiteSettings(
            site_id="harbor",
            missed_dose=MissedDoseSettings(
                hold_after_missed_days=Cited(2, ("S-SITE-PROTOCOL",)),
                reinduce_after_missed_days=Cited(3, ("S-SITE-PROTOCOL",)),
            ),
        )
    )
    assert induction_day(START, _days_before(5, 4), get_profile("US-FED-2024")) == 6
    assert induction_day(START, _days_before(5, 4), strict) == 1


def test_the_induction_day_refuses_a_datetime() -> None:
    profile = get_profile("US-FED-2024")
    with pytest.raises(InvalidInputError, match="earlier_doses"):
        induction_day(START, [datetime(2026, 3, 9, 9, tzinfo=UTC)], profile)
    with pytest.raises(InvalidInputError, match="start"):
        induction_day(datetime(2026, 3, 9, 9, tzinfo=UTC), [], profile)

from dataclasses import replace
from datetime import date, timedelta

import pytest

from mooring.rules.common import InvalidInputError, Severity, UnknownProfileError
from mooring.rules.measures import (
    CareEpisode,
    MedicationEvent,
    OudMedication,
    retention_from_episodes,
    retention_from_medication,
    retention_profile,
)
from mooring.rules.measures.retention import RETENTION_GAP7

START = date(2024, 1, 1)
LATE = date(2026, 1, 1)


def day(n):
    """Day n of treatment (day 1 is START)."""
    return START + timedelta(days=n - 1)


def statuses(results):
    return [
        (r.measure, r.in_denominator, r.in_numerator, r.reason.rsplit(".", 1)[1]) for r in results
    ]


@pytest.mark.parametrize(
    ("episodes", "as_of", "expected"),
    [
        # Still in care after a year.
        ([CareEpisode(START)], LATE, [(True, True, "retained")] * 3),
        # Left after day 120 (end is exclusive: last day in care is day 120).
        (
            [CareEpisode(START, day(121))],
            LATE,
            [(True, True, "retained"), (True, False, "gap"), (True, False, "gap")],
        ),
        # A 7-day break is allowed; an 8-day break is not.
        ([CareEpisode(START, day(50)), CareEpisode(day(57))], LATE, [(True, True, "retained")] * 3),
        ([CareEpisode(START, day(50)), CareEpisode(day(58))], LATE, [(True, False, "gap")] * 3),
        # Care ends 5 days before day 90: the short tail is within the allowed gap.
        (
            [CareEpisode(START, day(86))],
            LATE,
            [(True, True, "retained"), (True, False, "gap"), (True, False, "gap")],
        ),
        # Day 100 of an open episode: 90 is known, the others are still open.
        (
            [CareEpisode(START)],
            day(100),
            [(True, True, "retained"), (False, False, "open"), (False, False, "open")],
        ),
        # Already out of care for 10 days on day 100: no later horizon can be reached.
        (
            [CareEpisode(START, day(91))],
            day(100),
            [(True, True, "retained"), (True, False, "gap"), (True, False, "gap")],
        ),
        # Overlapping episodes (a transfer between clinics) join up.
        ([CareEpisode(day(30)), CareEpisode(START, day(40))], LATE, [(True, True, "retained")] * 3),
        # An episode that starts after as_of is ignored.
        (
            [CareEpisode(START), CareEpisode(LATE + timedelta(days=5))],
            LATE,
            [(True, True, "retained")] * 3,
        ),
    ],
)
def test_retention_from_episodes(episodes, as_of, expected):
    results = retention_from_episodes(episodes, as_of=as_of)
    assert [r.measure for r in results] == ["retention_90", "retention_180", "retention_365"]
    assert [s[1:] for s in statuses(results)] == expected
    assert all(r.profile == RETENTION_GAP7.id for r in results)


def test_gap_finding_names_the_break():
    result = retention_from_episodes(
        [CareEpisode(START, day(50)), CareEpisode(day(60))], as_of=LATE
    )[0]
    assert result.gaps == (replace(result.gaps[0]),)
    assert result.gaps[0].days == 10
    finding = result.findings[0]
    assert finding.severity is Severity.CAUTION
    assert "2024-02-19 to 2024-02-28 (10 days" in finding.message
    assert finding.evidence == RETENTION_GAP7.evidence


def test_allowed_gap_is_a_setting():
    strict = replace(RETENTION_GAP7, id="STRICT", allowed_gap_days=0, horizons=(90,))
    episodes = [CareEpisode(START, day(50)), CareEpisode(day(51))]  # day 50 out of care
    (result,) = retention_from_episodes(episodes, as_of=LATE, profile=strict)
    assert result.reason == "measure.retention.gap"
    (lenient,) = retention_from_episodes(
        episodes, as_of=LATE, profile=replace(strict, allowed_gap_days=1)
    )
    assert lenient.in_numerator


def test_retention_from_medication():
    monthly = [
        MedicationEvent(START + timedelta(days=30 * i), OudMedication.BUPRENORPHINE_INJECTION)
        for i in range(7)
    ]
    results = retention_from_medication(monthly, as_of=LATE)
    assert statuses(results)[:2] == [
        ("retention_90", True, True, "retained"),
        ("retention_180", True, True, "retained"),
    ]
    assert results[2].reason == "measure.retention.gap"
    future = [
        *monthly,
        MedicationEvent(LATE + timedelta(days=1), OudMedication.BUPRENORPHINE_INJECTION),
    ]
    assert retention_from_medication(future, as_of=LATE) == results


def test_profile_lookup():
    assert retention_profile("MOORING-RETENTION-GAP7") is RETENTION_GAP7
    with pytest.raises(UnknownProfileError):
        retention_profile("X")


@pytest.mark.parametrize(
    ("episodes", "as_of", "field"),
    [
        ([], LATE, "episodes"),
        ([CareEpisode(LATE + timedelta(days=1))], LATE, "episodes"),
        ([(START, None)], LATE, "episodes"),
        ([CareEpisode(START, START)], LATE, "episodes.end"),
        ([CareEpisode("2024-01-01")], LATE, "episodes.start"),
        ([CareEpisode(START, "2024-02-01")], LATE, "episodes.end"),
        ([CareEpisode(START)], None, "as_of"),
    ],
)
def test_bad_episodes(episodes, as_of, field):
    with pytest.raises(InvalidInputError) as err:
        retention_from_episodes(episodes, as_of=as_of)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        (replace(RETENTION_GAP7, horizons=(0,)), "horizons"),
        (replace(RETENTION_GAP7, allowed_gap_days=-1), "allowed_gap_days"),
    ],
)
def test_bad_profile(profile, field):
    with pytest.raises(InvalidInputError) as err:
        retention_from_episodes([CareEpisode(START)], as_of=LATE, profile=profile)
    assert err.value.field == field


def test_bad_medication_events():
    with pytest.raises(InvalidInputError) as err:
        retention_from_medication([CareEpisode(START)], as_of=LATE)
    assert err.value.field == "events"

"""Retention in treatment at 90, 180 and 365 days.

A person is retained at a horizon when care (an open or closed episode, or medication supply)
covers every day from the first day of treatment to the horizon, allowing breaks no longer
than the profile's allowed gap. The published retention figures use different definitions;
this default borrows the POD measure's tolerance of gaps up to 7 days (weekly billing), and
the horizons and gap are profile settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from mooring.rules.common import Finding, InvalidInputError, Severity, UnknownProfileError
from mooring.rules.evidence import Grade, cite
from mooring.rules.measures._days import ONE_DAY, DaySpan, gaps_within, merge
from mooring.rules.measures._outcome import MeasureResult, require_date, require_whole
from mooring.rules.measures.pod import POD_MY2025, MedicationEvent, PodProfile, supply_spans


@dataclass(frozen=True, slots=True)
class CareEpisode:
    """An episode of care over ``[start, end)``; ``end`` None means still in care."""

    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class RetentionProfile:
    id: str
    horizons: tuple[int, ...]  # days from the first day of treatment
    allowed_gap_days: int  # a break longer than this ends retention
    evidence: tuple[str, ...]
    numbers_grade: Grade
    notes: str = ""


RETENTION_GAP7 = RetentionProfile(
    id="MOORING-RETENTION-GAP7",
    horizons=(90, 180, 365),
    allowed_gap_days=7,
    evidence=cite("S-HEDIS-POD-MY2025", "S-ANDERSON-2021", "S-ASCP-2024-DISCONT"),
    numbers_grade=Grade.UNVERIFIED,
    notes="Mooring's definition: the 7-day gap comes from HEDIS POD; the benchmark studies "
    "measure retention in their own ways (e.g. 180 covered days within 365).",
)

RETENTION_PROFILES: Mapping[str, RetentionProfile] = MappingProxyType(
    {RETENTION_GAP7.id: RETENTION_GAP7}
)


def retention_profile(profile_id: str) -> RetentionProfile:
    try:
        return RETENTION_PROFILES[profile_id]
    except KeyError:
        raise UnknownProfileError(f"unknown retention profile {profile_id!r}") from None


def retention_from_episodes(
    episodes: Sequence[CareEpisode],
    *,
    as_of: date,
    profile: RetentionProfile = RETENTION_GAP7,
) -> tuple[MeasureResult, ...]:
    """Retention at each horizon from episodes of care; open episodes run through ``as_of``."""
    require_date("as_of", as_of)
    spans = []
    for episode in episodes:
        if not isinstance(episode, CareEpisode):
            raise InvalidInputError("episodes", "each must be a CareEpisode")
        start = require_date("episodes.start", episode.start)
        if episode.end is not None and require_date("episodes.end", episode.end) <= start:
            raise InvalidInputError("episodes.end", f"{episode.end} is not after the start {start}")
        if start > as_of:
            continue  # not begun yet on as_of
        end = as_of + ONE_DAY if episode.end is None else episode.end
        spans.append(DaySpan(start, end - ONE_DAY))
    return _retention(spans, as_of, profile)


def retention_from_medication(
    events: Sequence[MedicationEvent],
    *,
    as_of: date,
    profile: RetentionProfile = RETENTION_GAP7,
    pod: PodProfile = POD_MY2025,
) -> tuple[MeasureResult, ...]:
    """Retention at each horizon from medication supply, counted as the POD measure does."""
    require_date("as_of", as_of)
    known = [e for e in events if isinstance(e, MedicationEvent)]
    if len(known) != len(events):
        raise InvalidInputError("events", "each must be a MedicationEvent")
    spans = [s.span for s in supply_spans([e for e in known if e.on <= as_of], pod)]
    return _retention(spans, as_of, profile)


def _retention(
    spans: Sequence[DaySpan], as_of: date, profile: RetentionProfile
) -> tuple[MeasureResult, ...]:
    for days in profile.horizons:
        require_whole("horizons", days, minimum=1)
    require_whole("allowed_gap_days", profile.allowed_gap_days)
    if not spans:
        raise InvalidInputError("episodes", f"no treatment began on or before {as_of}")
    covered = merge(spans)
    first = covered[0].first
    return tuple(
        _at_horizon(covered, DaySpan.starting(first, days), as_of, profile)
        for days in profile.horizons
    )


def _at_horizon(
    covered: Sequence[DaySpan], window: DaySpan, as_of: date, profile: RetentionProfile
) -> MeasureResult:
    seen = DaySpan(window.first, min(window.last, as_of))
    gaps = gaps_within(covered, seen)
    breaking = next((g for g in gaps if g.days > profile.allowed_gap_days), None)
    days = window.days
    if breaking is not None:
        return _result(
            profile,
            window,
            True,
            False,
            "gap",
            gaps,
            f"out of care from "
            f"{breaking.first} to {breaking.last} ({breaking.days} days, more than "
            f"the {profile.allowed_gap_days} allowed) before day {days}",
        )
    if as_of < window.last:
        return _result(
            profile,
            window,
            False,
            False,
            "open",
            gaps,
            f"day {days} is {window.last}; in care so far",
        )
    return _result(
        profile,
        window,
        True,
        True,
        "retained",
        gaps,
        f"in care from {window.first} "
        f"to day {days} ({window.last}) with no break over "
        f"{profile.allowed_gap_days} days",
    )


def _result(
    profile: RetentionProfile,
    window: DaySpan,
    denominator: bool,
    numerator: bool,
    reason: str,
    gaps: tuple[DaySpan, ...],
    why: str,
) -> MeasureResult:
    code = f"measure.retention.{reason}"
    severity = Severity.CAUTION if denominator and not numerator else Severity.INFO
    finding = Finding(
        code, severity, f"Retention at {window.days} days: {why}.", profile.evidence, profile.id
    )
    return MeasureResult(
        f"retention_{window.days}",
        profile.id,
        window,
        denominator,
        numerator,
        code,
        gaps,
        (finding,),
    )

"""Opioid withdrawal timeline: expected onset, peak and acute duration by the last opioid.

The ranges are published summaries ([S]) rather than a label or regulation, kept in the named
preset :data:`WITHDRAWAL_TIMELINES` with their sources. ``withdrawal_phase`` places ``as_of``
on that timeline from the time of last use (aware datetimes only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import InvalidInputError
from mooring.rules.evidence import cite


class LastOpioid(StrEnum):
    SHORT_ACTING = "short_acting"  # heroin, fentanyl, immediate-release oxycodone
    EXTENDED_RELEASE = "extended_release"  # extended-release oxycodone, morphine
    METHADONE = "methadone"
    BUPRENORPHINE = "buprenorphine"


class WithdrawalPhase(StrEnum):
    BEFORE_ONSET = "before_onset"  # earlier than the earliest expected onset
    ONSET = "onset"  # symptoms may have begun; peak not yet expected
    PEAK = "peak"
    SUBSIDING = "subsiding"  # past the peak, acute phase may still last
    PROTRACTED = "protracted"  # acute phase over; craving, low mood, poor sleep may last
    BEYOND_PROTRACTED = "beyond_protracted"


@dataclass(frozen=True, slots=True)
class WithdrawalTimeline:
    """Hours after last use; the acute phase and protracted symptoms in days."""

    onset_hours: tuple[int, int]
    peak_hours: tuple[int, int]
    acute_days: tuple[int, int]
    protracted_days: int
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WithdrawalStatus:
    last_opioid: LastOpioid
    phase: WithdrawalPhase
    hours_since_last_use: float
    onset_window: tuple[datetime, datetime]
    peak_window: tuple[datetime, datetime]
    acute_end_window: tuple[datetime, datetime]
    evidence: tuple[str, ...]


_SOURCES = ("S-DRUGSCOM-WD", "S-REFERENCE-MEDSCAPE", "S-WITHDRAWALNET")

WITHDRAWAL_TIMELINES: Mapping[LastOpioid, WithdrawalTimeline] = MappingProxyType(
    {
        LastOpioid.SHORT_ACTING: WithdrawalTimeline(
            (8, 24), (36, 72), (4, 10), 180, cite(*_SOURCES, "S-LUCEMYRA-HCP")
        ),
        LastOpioid.METHADONE: WithdrawalTimeline(
            (12, 48), (72, 96), (10, 20), 180, cite(*_SOURCES, "S-IDWIKI-WD")
        ),
    }
)


def withdrawal_phase(
    last_opioid: LastOpioid, last_use: datetime, as_of: datetime
) -> WithdrawalStatus:
    """Where ``as_of`` falls on the expected withdrawal timeline after ``last_use``."""
    timeline = _timeline(last_opioid)
    for field, value in (("last_use", last_use), ("as_of", as_of)):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidInputError(field, "must be a timezone-aware datetime")
    if last_use > as_of:
        raise InvalidInputError("last_use", f"must not be after as_of ({as_of.isoformat()})")
    hours = (as_of - last_use).total_seconds() / 3600
    return WithdrawalStatus(
        last_opioid=LastOpioid(last_opioid),
        phase=_phase(hours, timeline),
        hours_since_last_use=hours,
        onset_window=_window(last_use, timeline.onset_hours),
        peak_window=_window(last_use, timeline.peak_hours),
        acute_end_window=_window(last_use, tuple(d * 24 for d in timeline.acute_days)),
        evidence=timeline.evidence,
    )


def _timeline(last_opioid: LastOpioid) -> WithdrawalTimeline:
    try:
        return WITHDRAWAL_TIMELINES[last_opioid]
    except KeyError:
        raise InvalidInputError(
            "last_opioid", f"no sourced timeline for {last_opioid!r}", list(WITHDRAWAL_TIMELINES)
        ) from None


def _phase(hours: float, timeline: WithdrawalTimeline) -> WithdrawalPhase:
    if hours < timeline.onset_hours[0]:
        return WithdrawalPhase.BEFORE_ONSET
    if hours < timeline.peak_hours[0]:
        return WithdrawalPhase.ONSET
    if hours <= timeline.peak_hours[1]:
        return WithdrawalPhase.PEAK
    if hours <= timeline.acute_days[1] * 24:
        return WithdrawalPhase.SUBSIDING
    if hours <= timeline.protracted_days * 24:
        return WithdrawalPhase.PROTRACTED
    return WithdrawalPhase.BEYOND_PROTRACTED


def _window(start: datetime, hours: tuple[int, ...]) -> tuple[datetime, datetime]:
    return start + timedelta(hours=hours[0]), start + timedelta(hours=hours[1])

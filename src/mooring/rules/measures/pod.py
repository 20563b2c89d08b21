"""Continuity of pharmacotherapy for opioid use disorder (NCQA HEDIS POD, MY 2025).

A new treatment event counts in the numerator when medication covers its 180-day treatment
period with no gap of 8 or more days in a row. Supplies of the same medication are laid end
to end; different medications are tracked apart and only their covered days are joined, so
overlapping days of two medications are not counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import Finding, InvalidInputError, Severity, UnknownProfileError
from mooring.rules.evidence import cite
from mooring.rules.measures._days import ONE_DAY, DaySpan, gaps_within, merge
from mooring.rules.measures._outcome import MeasureResult, require_date, require_whole


class OudMedication(StrEnum):
    """One row of the NCQA medication table: events in the same row are the same medication."""

    NALTREXONE_ORAL = "naltrexone_oral"
    NALTREXONE_INJECTION = "naltrexone_injection"
    BUPRENORPHINE_ORAL = "buprenorphine_oral"
    BUPRENORPHINE_INJECTION = "buprenorphine_injection"
    BUPRENORPHINE_IMPLANT = "buprenorphine_implant"
    BUPRENORPHINE_NALOXONE = "buprenorphine_naloxone"
    METHADONE_ORAL = "methadone_oral"


class ClaimKind(StrEnum):
    PHARMACY = "pharmacy"  # a dispensing event (medication list)
    ADMINISTRATION = "administration"  # an administration or daily code (value set)
    WEEKLY = "weekly"  # a weekly bundled code (buprenorphine oral or methadone)


@dataclass(frozen=True, slots=True)
class MedicationEvent:
    on: date
    medication: OudMedication
    kind: ClaimKind = ClaimKind.PHARMACY
    days_supply: int | None = None  # None: the profile's default for the form fills in
    units: int = 1  # codes billed for a value-set event (three weekly units = 21 days)


@dataclass(frozen=True, slots=True)
class InpatientStay:
    admitted: date
    discharged: date


@dataclass(frozen=True, slots=True)
class SupplySpan:
    medication: OudMedication
    span: DaySpan


_M, _K = OudMedication, ClaimKind


@dataclass(frozen=True, slots=True)
class PodProfile:
    id: str
    treatment_days: int
    gap_fails_at: int  # a run of this many uncovered days breaks continuity
    negative_history_days: int
    min_age: int
    long_stay_days: int  # an inpatient stay this long removes the treatment period
    # Days per unit for value-set (medical claim) events; a missing pair has no value set.
    value_set_days: Mapping[tuple[OudMedication, ClaimKind], int]
    # Days for a pharmacy claim with no days supply where the spec names its own number.
    pharmacy_missing_days: Mapping[OudMedication, int]
    methadone_pharmacy_counts: bool  # False: pharmacy methadone suggests pain treatment
    evidence: tuple[str, ...]


POD_MY2025 = PodProfile(
    id="HEDIS-POD-MY2025",
    treatment_days=180,
    gap_fails_at=8,
    negative_history_days=31,
    min_age=16,
    long_stay_days=8,
    value_set_days=MappingProxyType(
        {
            (_M.NALTREXONE_INJECTION, _K.ADMINISTRATION): 31,
            (_M.BUPRENORPHINE_ORAL, _K.ADMINISTRATION): 1,
            (_M.BUPRENORPHINE_ORAL, _K.WEEKLY): 7,
            (_M.BUPRENORPHINE_INJECTION, _K.ADMINISTRATION): 31,
            (_M.BUPRENORPHINE_IMPLANT, _K.ADMINISTRATION): 180,
            (_M.BUPRENORPHINE_NALOXONE, _K.ADMINISTRATION): 1,
            (_M.METHADONE_ORAL, _K.ADMINISTRATION): 1,
            (_M.METHADONE_ORAL, _K.WEEKLY): 7,
        }
    ),
    pharmacy_missing_days=MappingProxyType({_M.BUPRENORPHINE_ORAL: 7}),
    methadone_pharmacy_counts=False,
    evidence=cite("S-HEDIS-POD-MY2025", "S-NCQA-FAQ-POD"),
)

POD_PROFILES: Mapping[str, PodProfile] = MappingProxyType({POD_MY2025.id: POD_MY2025})


def pod_profile(profile_id: str) -> PodProfile:
    try:
        return POD_PROFILES[profile_id]
    except KeyError:
        raise UnknownProfileError(f"unknown POD profile {profile_id!r}") from None


def event_days(event: MedicationEvent, profile: PodProfile) -> int:
    """Days one event covers: its own days supply, else the default for its form."""
    if event.days_supply is not None:
        return require_whole("days_supply", event.days_supply, minimum=1)
    units = require_whole("units", event.units, minimum=1)
    if event.kind is ClaimKind.PHARMACY:
        if event.medication in profile.pharmacy_missing_days:
            return profile.pharmacy_missing_days[event.medication]
        key = (event.medication, ClaimKind.ADMINISTRATION)
    else:
        key = (event.medication, event.kind)
    if key not in profile.value_set_days:
        raise InvalidInputError(
            "days_supply",
            f"is required for {event.medication} "
            f"({event.kind}): the specification gives no default",
        )
    return profile.value_set_days[key] * units


def counts(event: MedicationEvent, profile: PodProfile) -> bool:
    """Methadone on a pharmacy claim is left out: it points to pain treatment, not OUD."""
    return profile.methadone_pharmacy_counts or not (
        event.medication is OudMedication.METHADONE_ORAL and event.kind is ClaimKind.PHARMACY
    )


def supply_spans(events: Iterable[MedicationEvent], profile: PodProfile) -> tuple[SupplySpan, ...]:
    """Covered spans per medication; a supply that overlaps the one before starts after it."""
    spans: list[SupplySpan] = []
    for medication in OudMedication:
        next_free: date | None = None
        for event in sorted(
            (e for e in events if e.medication is medication and counts(e, profile)),
            key=lambda e: e.on,
        ):
            first = event.on if next_free is None else max(event.on, next_free)
            span = DaySpan.starting(first, event_days(event, profile))
            spans.append(SupplySpan(medication, span))
            next_free = span.last + ONE_DAY
    return tuple(spans)


def _checked_events(events: Sequence[MedicationEvent]) -> tuple[MedicationEvent, ...]:
    checked = tuple(events)
    for event in checked:
        if not isinstance(event, MedicationEvent) or not isinstance(
            event.medication, OudMedication
        ):
            raise InvalidInputError(
                "events",
                "each must be a MedicationEvent with a known medication",
                list(OudMedication),
            )
        if not isinstance(event.kind, ClaimKind):
            raise InvalidInputError(
                "events.kind", f"unknown claim kind {event.kind!r}", list(ClaimKind)
            )
        require_date("events.on", event.on)
    return checked


def has_negative_history(events: Sequence[MedicationEvent], on: date, profile: PodProfile) -> bool:
    """No medication covered any of the days before ``on`` in the look-back window.

    An event inside the window covers at least its own day, so checking coverage also
    catches any event there, and a long-acting supply from before the window (an implant).
    """
    window = DaySpan(on - timedelta(days=profile.negative_history_days), on - ONE_DAY)
    earlier = [e for e in _checked_events(events) if e.on < on]
    return all(s.span.clip(window) is None for s in supply_spans(earlier, profile))


def pod_treatment_starts(
    events: Sequence[MedicationEvent], *, intake: DaySpan, profile: PodProfile = POD_MY2025
) -> tuple[date, ...]:
    """Dates in the intake period of events with a negative medication history."""
    dates = sorted({e.on for e in _checked_events(events) if counts(e, profile)})
    return tuple(
        d
        for d in dates
        if intake.first <= d <= intake.last and has_negative_history(events, d, profile)
    )


def long_stays(stays: Iterable[InpatientStay]) -> tuple[DaySpan, ...]:
    """Inpatient stays with direct transfers (next admission within a day) joined together."""
    spans = []
    for stay in stays:
        if not isinstance(stay, InpatientStay):
            raise InvalidInputError("inpatient_stays", "each must be an InpatientStay")
        spans.append(
            DaySpan(
                require_date("admitted", stay.admitted), require_date("discharged", stay.discharged)
            )
        )
    return merge(spans)


def pod_continuity(
    events: Sequence[MedicationEvent],
    *,
    start: date,
    age_years: int,
    as_of: date,
    inpatient_stays: Sequence[InpatientStay] = (),
    profile: PodProfile = POD_MY2025,
) -> MeasureResult:
    """Judge one treatment period that begins on ``start`` (a new treatment event)."""
    checked = _checked_events(events)
    require_date("start", start)
    require_date("as_of", as_of)
    require_whole("age_years", age_years)
    if not any(e.on == start and counts(e, profile) for e in checked):
        raise InvalidInputError("start", "no counted medication event on this date")
    period = DaySpan.starting(start, profile.treatment_days)
    if age_years < profile.min_age:
        return _out(
            profile,
            period,
            "too_young",
            f"the person was {age_years}, under the measure's minimum age of {profile.min_age}",
        )
    if not has_negative_history(checked, start, profile):
        return _out(
            profile,
            period,
            "not_new",
            "medication covered part of the "
            f"{profile.negative_history_days} days before this event, so it does not "
            "start new treatment",
        )
    for stay in long_stays(inpatient_stays):
        if stay.clip(period) is not None and stay.days >= profile.long_stay_days:
            return _out(
                profile,
                period,
                "long_inpatient_stay",
                f"an inpatient stay of "
                f"{stay.days} days ({stay.first} to {stay.last}) falls in the period",
            )
    return _numerator(checked, period, as_of, profile)


def _numerator(
    events: Sequence[MedicationEvent], period: DaySpan, as_of: date, profile: PodProfile
) -> MeasureResult:
    in_period = [e for e in events if period.first <= e.on <= period.last]
    covered = merge(s.span for s in supply_spans(in_period, profile))
    seen = DaySpan(period.first, min(period.last, as_of)) if as_of >= period.first else None
    gaps = gaps_within(covered, seen) if seen else ()
    breaking = next((g for g in gaps if g.days >= profile.gap_fails_at), None)
    if breaking is not None:
        return _result(
            profile,
            period,
            True,
            False,
            "gap",
            gaps,
            f"no medication from "
            f"{breaking.first} to {breaking.last} ({breaking.days} days; a gap of "
            f"{profile.gap_fails_at} or more breaks continuity)",
        )
    if as_of < period.last:
        return _result(
            profile,
            period,
            False,
            False,
            "period_open",
            gaps,
            "the "
            f"{profile.treatment_days}-day treatment period ends on {period.last}; "
            "no break so far",
        )
    return _result(
        profile,
        period,
        True,
        True,
        "continuous",
        gaps,
        "medication covered the "
        f"{profile.treatment_days}-day treatment period with no gap of "
        f"{profile.gap_fails_at} days or more",
    )


def _out(profile: PodProfile, period: DaySpan, reason: str, why: str) -> MeasureResult:
    return _result(profile, period, False, False, reason, (), why)


def _result(
    profile: PodProfile,
    period: DaySpan,
    denominator: bool,
    numerator: bool,
    reason: str,
    gaps: tuple[DaySpan, ...],
    why: str,
) -> MeasureResult:
    code = f"measure.pod.{reason}"
    severity = Severity.INFO if numerator or not denominator else Severity.CAUTION
    finding = Finding(
        code, severity, f"Continuity of pharmacotherapy: {why}.", profile.evidence, profile.id
    )
    return MeasureResult("pod", profile.id, period, denominator, numerator, code, gaps, (finding,))

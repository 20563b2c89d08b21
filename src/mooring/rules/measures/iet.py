"""Initiation and engagement of substance use disorder treatment (NCQA HEDIS IET).

Initiation: a treatment service within 14 days of a new episode (episode day counts as day 1).
Engagement: at least two more services or medication events within the engagement window
after initiation (34 days from MY 2022; 30 days before it, kept as a second profile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import Finding, InvalidInputError, Severity, UnknownProfileError
from mooring.rules.evidence import Grade, cite
from mooring.rules.measures._days import ONE_DAY, DaySpan
from mooring.rules.measures._outcome import require_date, require_whole


class ServiceKind(StrEnum):
    INPATIENT_ADMISSION = "inpatient_admission"
    OUTPATIENT = "outpatient"
    INTENSIVE_OUTPATIENT = "intensive_outpatient"
    PARTIAL_HOSPITALISATION = "partial_hospitalisation"
    TELEHEALTH = "telehealth"
    MEDICATION = "medication"  # includes an OTP's weekly or monthly bundled billing


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    OPEN = "open"  # the window has not closed yet on ``as_of``
    NOT_APPLICABLE = "not_applicable"  # out of the denominator, or never initiated


@dataclass(frozen=True, slots=True)
class TreatmentService:
    """One billed SUD service or medication event; pass one row per service."""

    on: date
    kind: ServiceKind


@dataclass(frozen=True, slots=True)
class IetProfile:
    id: str
    min_age: int
    initiation_days: int  # window length counting the episode day
    engagement_days: int  # days after the initiation day
    engagement_services: int
    negative_history_days: int  # a new episode has no SUD episode in this many days before
    evidence: tuple[str, ...]
    numbers_grade: Grade


IET_MY2022 = IetProfile(
    id="HEDIS-IET-MY2022",
    min_age=13,
    initiation_days=14,
    engagement_days=34,
    engagement_services=2,
    negative_history_days=180,
    evidence=cite("S-NCQA-IET", "S-NCQA-IET-2022-PROPOSAL", "S-BCBSND-IET", "S-HORIZON-IET"),
    numbers_grade=Grade.PRIMARY,
)

IET_PRE2022 = IetProfile(
    id="HEDIS-IET-PRE2022",
    min_age=13,
    initiation_days=14,
    engagement_days=30,
    engagement_services=2,
    negative_history_days=60,
    evidence=cite("S-MOSTLYMEDICAID-IET", "S-EVERNORTH-2024", "S-NCQA-IET-2022-PROPOSAL"),
    numbers_grade=Grade.SECONDARY,
)

IET_PROFILES: Mapping[str, IetProfile] = MappingProxyType(
    {p.id: p for p in (IET_MY2022, IET_PRE2022)}
)


def iet_profile(profile_id: str) -> IetProfile:
    try:
        return IET_PROFILES[profile_id]
    except KeyError:
        raise UnknownProfileError(f"unknown IET profile {profile_id!r}") from None


@dataclass(frozen=True, slots=True)
class IetResult:
    profile: str
    episode_date: date
    in_denominator: bool
    initiation: Status
    initiation_date: date | None
    engagement: Status
    engagement_dates: tuple[date, ...]
    reason: str
    findings: tuple[Finding, ...]


def iet(
    episode_date: date,
    services: Sequence[TreatmentService],
    *,
    age_years: int,
    as_of: date,
    prior_episode_dates: Sequence[date] = (),
    profile: IetProfile = IET_MY2022,
) -> IetResult:
    """Judge initiation and engagement for one SUD episode."""
    require_date("episode_date", episode_date)
    require_date("as_of", as_of)
    require_whole("age_years", age_years)
    checked = _checked(services)
    look_back = DaySpan(
        episode_date - timedelta(days=profile.negative_history_days), episode_date - ONE_DAY
    )
    if age_years < profile.min_age:
        return _out(
            profile,
            episode_date,
            "too_young",
            f"the person was {age_years}, under the minimum age of {profile.min_age}",
        )
    if any(
        look_back.first <= require_date("prior_episode_dates", d) <= look_back.last
        for d in prior_episode_dates
    ):
        return _out(
            profile,
            episode_date,
            "not_new",
            "another episode in the "
            f"{profile.negative_history_days} days before makes this one not new",
        )
    return _initiation(profile, episode_date, checked, as_of)


def _checked(services: Sequence[TreatmentService]) -> tuple[TreatmentService, ...]:
    checked = tuple(services)
    for service in checked:
        if not isinstance(service, TreatmentService) or not isinstance(service.kind, ServiceKind):
            raise InvalidInputError(
                "services", "each must be a TreatmentService of a known kind", list(ServiceKind)
            )
        require_date("services.on", service.on)
    return tuple(sorted(checked, key=lambda s: s.on))


def _initiation(
    profile: IetProfile, episode_date: date, services: Sequence[TreatmentService], as_of: date
) -> IetResult:
    window = DaySpan.starting(episode_date, profile.initiation_days)
    first = next(
        (s.on for s in services if window.first <= s.on <= window.last and s.on <= as_of), None
    )
    if first is None:
        status = Status.OPEN if as_of < window.last else Status.NOT_MET
        return _done(
            profile,
            episode_date,
            status,
            None,
            Status.NOT_APPLICABLE,
            (),
            f"initiation_{status}",
            f"no treatment from {window.first} to "
            f"{window.last}" + (" so far" if status is Status.OPEN else ""),
        )
    engage = DaySpan(first + ONE_DAY, first + timedelta(days=profile.engagement_days))
    dates = tuple(s.on for s in services if engage.first <= s.on <= min(engage.last, as_of))
    if len(dates) >= profile.engagement_services:
        dates = dates[: profile.engagement_services]
        return _done(
            profile,
            episode_date,
            Status.MET,
            first,
            Status.MET,
            dates,
            "engaged",
            f"treatment began on {first} and {len(dates)} more services followed by {dates[-1]}",
        )
    status = Status.OPEN if as_of < engage.last else Status.NOT_MET
    return _done(
        profile,
        episode_date,
        Status.MET,
        first,
        status,
        dates,
        f"engagement_{status}",
        f"treatment began on {first}; {len(dates)} of {profile.engagement_services} "
        f"more services from {engage.first} to {engage.last}",
    )


def _out(profile: IetProfile, episode_date: date, reason: str, why: str) -> IetResult:
    na = Status.NOT_APPLICABLE
    return _done(profile, episode_date, na, None, na, (), reason, why, in_denominator=False)


def _done(
    profile: IetProfile,
    episode_date: date,
    initiation: Status,
    first: date | None,
    engagement: Status,
    dates: tuple[date, ...],
    reason: str,
    why: str,
    *,
    in_denominator: bool = True,
) -> IetResult:
    code = f"measure.iet.{reason}"
    severity = Severity.CAUTION if Status.NOT_MET in (initiation, engagement) else Severity.INFO
    finding = Finding(
        code, severity, f"Initiation and engagement: {why}.", profile.evidence, profile.id
    )
    return IetResult(
        profile.id,
        episode_date,
        in_denominator,
        initiation,
        first,
        engagement,
        dates,
        code,
        (finding,),
    )

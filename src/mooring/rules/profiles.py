"""Protocol profiles: the named sets of numbers every medication rule reads.

A clinic runs under one :class:`ProtocolProfile` (``US-FED-2024`` by default, or a stricter
state profile such as ``US-VA``). The profile fixes the methadone, take-home and QTc numbers.
A few numbers belong to the clinic itself (missed-dose days, whether clonidine is used, its
doses, the COWS score to start buprenorphine): :meth:`ProtocolProfile.with_site_settings`
returns a new frozen profile with those replaced and the site named in :attr:`ref`, so a
finding always says which profile, and which site's changes, applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from mooring.rules import _profile_data as data
from mooring.rules.common import InvalidInputError, UnknownProfileError
from mooring.rules.evidence import cite
from mooring.rules.profile_settings import (
    BuprenorphineSettings,
    Cited,
    ClonidineSettings,
    LofexidineSettings,
    MethadoneSettings,
    MissedDoseSettings,
    NaltrexoneSettings,
    QtcSettings,
    TakeHomeSchedule,
)

DEFAULT_PROFILE_ID = "US-FED-2024"


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """The settings a clinic may change on top of its protocol profile (None: keep)."""

    site_id: str
    missed_dose: MissedDoseSettings | None = None
    clonidine: ClonidineSettings | None = None
    min_cows_to_start_buprenorphine: Cited[int] | None = None


@dataclass(frozen=True, slots=True)
class ProtocolProfile:
    id: str
    title: str
    jurisdiction: str
    evidence: tuple[str, ...]
    methadone: MethadoneSettings
    qtc: QtcSettings
    missed_dose: MissedDoseSettings
    take_homes: TakeHomeSchedule
    buprenorphine: BuprenorphineSettings
    naltrexone: NaltrexoneSettings
    lofexidine: LofexidineSettings
    clonidine: ClonidineSettings
    site_id: str | None = None

    @property
    def ref(self) -> str:
        """What findings record: the profile id, plus the site whose settings apply."""
        return self.id if self.site_id is None else f"{self.id}@{self.site_id}"

    def with_site_settings(self, site: SiteSettings) -> ProtocolProfile:
        """A new profile with the clinic's own settings in place of the defaults."""
        if not site.site_id.strip():
            raise InvalidInputError("site.site_id", "must not be blank")
        _check_missed_dose(site.missed_dose)
        buprenorphine = self.buprenorphine
        if site.min_cows_to_start_buprenorphine is not None:
            buprenorphine = replace(
                buprenorphine, min_cows_to_start=site.min_cows_to_start_buprenorphine
            )
        return replace(
            self,
            site_id=site.site_id,
            missed_dose=site.missed_dose or self.missed_dose,
            clonidine=site.clonidine or self.clonidine,
            buprenorphine=buprenorphine,
        )


def _check_missed_dose(settings: MissedDoseSettings | None) -> None:
    if settings is None:
        return
    hold = settings.hold_after_missed_days.value
    reinduce = settings.reinduce_after_missed_days.value
    if hold < 1:
        raise InvalidInputError("missed_dose.hold_after_missed_days", "must be at least 1")
    if reinduce < hold:
        raise InvalidInputError(
            "missed_dose.reinduce_after_missed_days",
            f"must be at least hold_after_missed_days ({hold})",
        )


US_FED_2024 = ProtocolProfile(
    id="US-FED-2024",
    title="US federal OTP standards, 2024 final rule (42 CFR 8.12)",
    jurisdiction="US",
    evidence=cite("S-FR-2024-SUMMARY", "S-GOVREGS-812"),
    methadone=data.METHADONE_2024,
    take_homes=data.TAKE_HOMES_2024,
    buprenorphine=data.BUPRENORPHINE_CLINICAL,
    qtc=data.QTC_UNIVERSAL,
    missed_dose=data.MISSED_DOSE_DEFAULT,
    naltrexone=data.NALTREXONE_LABEL,
    lofexidine=data.LOFEXIDINE_LABEL,
    clonidine=data.CLONIDINE_DEFAULT,
)

US_FED_2001 = replace(
    US_FED_2024,
    id="US-FED-2001",
    title="US federal OTP standards, 2001 rule (superseded; for historical records)",
    evidence=cite("S-FR-2001-P4098"),
    methadone=data.METHADONE_2001,
    take_homes=data.TAKE_HOMES_2001,
)

US_VA = replace(
    US_FED_2024,
    id="US-VA",
    title="Virginia (12VAC35-105-990) on top of the 2024 federal standards",
    jurisdiction="US-VA",
    evidence=cite("S-VA-12VAC35-990", "S-FR-2024-SUMMARY", "S-DRUGPOLICYFACTS-2024"),
    take_homes=data.TAKE_HOMES_VA,
)

FDA_LABEL = replace(
    US_FED_2024,
    id="FDA-LABEL",
    title="FDA labels: methadone first day and buprenorphine waiting times as labelled",
    evidence=cite("S-DROR-METH-LABEL", "S-EMPR-BUP"),
    methadone=data.METHADONE_LABEL,
    buprenorphine=data.BUPRENORPHINE_LABEL,
)

ED_HIGH_DOSE = replace(
    US_FED_2024,
    id="ED-HIGH-DOSE",
    title="Emergency-department high-dose buprenorphine initiation (Herring 2021)",
    evidence=cite("S-HERRING-PMC", "S-HCPLIVE-HERRING"),
    buprenorphine=data.BUPRENORPHINE_ED_HIGH_DOSE,
)

PROFILES: Mapping[str, ProtocolProfile] = MappingProxyType(
    {p.id: p for p in (US_FED_2024, US_FED_2001, US_VA, FDA_LABEL, ED_HIGH_DOSE)}
)


def get_profile(profile_id: str) -> ProtocolProfile:
    try:
        return PROFILES[profile_id]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UnknownProfileError(
            f"unknown protocol profile {profile_id!r} (known: {known})"
        ) from None

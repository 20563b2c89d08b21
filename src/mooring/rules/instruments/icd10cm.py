"""ICD-10-CM codes for opioid use disorder, by code set.

The code for "OUD in remission" changed on 1 Oct 2017: the DSM-5 (2013) crosswalk, valid
through 30 Sep 2017, kept the plain severity code (F11.10 / F11.20), while the code set in
force from FY2018 uses F11.11 / F11.21. A claim must use the set in force on the date of
service, so each set is named data with its validity dates and :func:`code_set_for` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import InvalidInputError, RulesError, UnknownProfileError
from mooring.rules.evidence import cite


class OudSeverity(StrEnum):
    NOT_MET = "not_met"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True, slots=True)
class OudCodeSet:
    id: str
    valid_from: date | None  # None: no earlier limit Mooring knows of
    valid_through: date | None  # inclusive; None: still in force
    mild: str
    mild_in_remission: str
    moderate_or_severe: str
    moderate_or_severe_in_remission: str
    evidence: tuple[str, ...]

    def in_force_on(self, day: date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        return starts_ok and (self.valid_through is None or day <= self.valid_through)

    def code_for(self, severity: OudSeverity, *, in_remission: bool) -> str:
        if severity is OudSeverity.NOT_MET:
            raise RulesError("there is no OUD code when the criteria are not met")
        if severity is OudSeverity.MILD:
            return self.mild_in_remission if in_remission else self.mild
        return self.moderate_or_severe_in_remission if in_remission else self.moderate_or_severe


ICD10CM_DSM5_2013 = OudCodeSet(
    id="ICD-10-CM-DSM5-2013",
    valid_from=None,
    valid_through=date(2017, 9, 30),
    mild="F11.10",
    mild_in_remission="F11.10",
    moderate_or_severe="F11.20",
    moderate_or_severe_in_remission="F11.20",
    evidence=cite("S-CRAVEN-DSM5CODES"),
)

ICD10CM_FY2018 = OudCodeSet(
    id="ICD-10-CM-FY2018",
    valid_from=date(2017, 10, 1),
    valid_through=None,
    mild="F11.10",
    # F11.11 is unverified in the reference (see docs/rules/dsm5-oud.md).
    mild_in_remission="F11.11",
    moderate_or_severe="F11.20",
    moderate_or_severe_in_remission="F11.21",
    evidence=cite("S-HIBOOP-F1120", "S-MIPS468-2019", "S-MEDREPORT-F1121", "S-ICD10CM-FY2018"),
)

OUD_CODE_SETS: Mapping[str, OudCodeSet] = MappingProxyType(
    {code_set.id: code_set for code_set in (ICD10CM_DSM5_2013, ICD10CM_FY2018)}
)


def code_set_for(day: date) -> OudCodeSet:
    """The OUD code set in force on ``day`` (the date of service)."""
    # A datetime is a date subclass but would fail to compare; ask for the plain date.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise InvalidInputError("as_of", f"{day!r} is not a date", ("a datetime.date",))
    for code_set in OUD_CODE_SETS.values():
        if code_set.in_force_on(day):
            return code_set
    raise RulesError(f"no OUD code set is in force on {day.isoformat()}")  # pragma: no cover


def oud_code_set(code_set_id: str) -> OudCodeSet:
    try:
        return OUD_CODE_SETS[code_set_id]
    except KeyError:
        raise UnknownProfileError(
            f"unknown ICD-10-CM code set {code_set_id!r} (known: {', '.join(OUD_CODE_SETS)})"
        ) from None

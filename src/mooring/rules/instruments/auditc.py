"""AUDIT-C (Bush et al. 1998; Bradley et al. 2003 for women): three alcohol questions, 0-12.

The instrument has no severity bands; it screens positive at a cut-off that differs by sex.
The cut-offs are data (:data:`AUDITC_CUTOFFS`) so a clinic can choose another published set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import Finding, InvalidInputError, Severity, UnknownProfileError
from mooring.rules.evidence import cite
from mooring.rules.instruments.base import Instrument, InstrumentResult, scale_item

_ITEMS = (
    scale_item(
        "drinking_frequency",
        "How often do you have a drink that contains alcohol?",
        (0, "Never"),
        (1, "Once a month or less"),
        (2, "Two to four times a month"),
        (3, "Two or three times a week"),
        (4, "Four or more times a week"),
    ),
    scale_item(
        "drinks_per_day",
        "On a day when you drink, how many standard drinks do you usually have?",
        (0, "One or two"),
        (1, "Three or four"),
        (2, "Five or six"),
        (3, "Seven to nine"),
        (4, "Ten or more"),
    ),
    scale_item(
        "six_or_more_frequency",
        "How often do you have six or more drinks on one occasion?",
        (0, "Never"),
        (1, "Less than once a month"),
        (2, "Once a month"),
        (3, "Once a week"),
        (4, "Every day or almost every day"),
    ),
)

AUDITC = Instrument(
    id="auditc",
    title="Alcohol Use Disorders Identification Test, consumption questions (AUDIT-C)",
    recall_period="the last 12 months",
    items=_ITEMS,
    evidence=cite("S-EMENTAL-AUDITC", "S-FPN-AUDITC"),
)


class ScreeningSex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNRECORDED = "unrecorded"


@dataclass(frozen=True, slots=True)
class AuditcCutoffs:
    """Totals at or above which AUDIT-C screens positive, by the sex the source studied."""

    id: str
    male: int
    female: int
    # Mooring's choice, not the source's: without a recorded sex use the lower cut-off, so
    # the screen errs towards a follow-up conversation rather than a missed one.
    unrecorded: int
    evidence: tuple[str, ...]

    def for_sex(self, sex: ScreeningSex) -> int:
        return {
            ScreeningSex.MALE: self.male,
            ScreeningSex.FEMALE: self.female,
            ScreeningSex.UNRECORDED: self.unrecorded,
        }[sex]


BUSH_BRADLEY = AuditcCutoffs(
    "BUSH-BRADLEY",
    male=4,
    female=3,
    unrecorded=3,
    evidence=cite("S-EMENTAL-AUDITC", "S-FPN-AUDITC"),
)

AUDITC_CUTOFFS: Mapping[str, AuditcCutoffs] = MappingProxyType({BUSH_BRADLEY.id: BUSH_BRADLEY})
DEFAULT_AUDITC_CUTOFFS = BUSH_BRADLEY.id


@dataclass(frozen=True, slots=True)
class AuditcScreen:
    positive: bool
    total: int
    cutoff: int
    sex: ScreeningSex
    finding: Finding


def auditc_screen(
    result: InstrumentResult,
    *,
    sex: ScreeningSex,
    cutoffs: str = DEFAULT_AUDITC_CUTOFFS,
) -> AuditcScreen:
    """Whether a scored AUDIT-C is a positive screen for unhealthy alcohol use."""
    if result.instrument_id != AUDITC.id:
        raise InvalidInputError("result", f"is a {result.instrument_id} result", (AUDITC.id,))
    if not isinstance(sex, ScreeningSex):
        raise InvalidInputError("sex", f"{sex!r} is not allowed", tuple(ScreeningSex))
    profile = _cutoffs(cutoffs)
    cutoff = profile.for_sex(sex)
    positive = result.total >= cutoff
    return AuditcScreen(
        positive, result.total, cutoff, sex, _finding(positive, result.total, cutoff, sex, profile)
    )


def _cutoffs(profile_id: str) -> AuditcCutoffs:
    try:
        return AUDITC_CUTOFFS[profile_id]
    except KeyError:
        raise UnknownProfileError(
            f"unknown AUDIT-C cut-off set {profile_id!r} (known: {', '.join(AUDITC_CUTOFFS)})"
        ) from None


def _finding(
    positive: bool, total: int, cutoff: int, sex: ScreeningSex, profile: AuditcCutoffs
) -> Finding:
    who = (
        f"cut-off for sex recorded as {sex}"
        if sex is not ScreeningSex.UNRECORDED
        else ("cut-off used when sex is not recorded")
    )
    if positive:
        return Finding(
            "auditc.positive",
            Severity.CAUTION,
            f"AUDIT-C total {total} is at or above the {who} ({cutoff}): a positive "
            "screen for unhealthy alcohol use; offer a fuller assessment.",
            profile.evidence,
            profile.id,
        )
    return Finding(
        "auditc.negative",
        Severity.INFO,
        f"AUDIT-C total {total} is below the {who} ({cutoff}): a negative screen.",
        profile.evidence,
        profile.id,
    )

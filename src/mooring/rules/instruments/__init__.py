"""Assessment instruments: withdrawal scales, screeners and the DSM-5-TR OUD assessment.

:data:`INSTRUMENTS` lists every item-scored instrument so that forms and the FHIR layer can
render items and allowed values generically; :func:`score` scores any of them. DSM-5-TR OUD
is not item-scored (its count depends on supervision and remission), so it has its own
:func:`assess_dsm5_oud`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mooring.rules.common import InvalidInputError
from mooring.rules.instruments.auditc import (
    AUDITC,
    AUDITC_CUTOFFS,
    AuditcCutoffs,
    AuditcScreen,
    ScreeningSex,
    auditc_screen,
)
from mooring.rules.instruments.base import (
    NO,
    YES,
    Anchor,
    Band,
    FlagRule,
    Instrument,
    InstrumentResult,
    Item,
    ItemScore,
    band_for,
    score,
)
from mooring.rules.instruments.cows import COWS, cows_pulse_item
from mooring.rules.instruments.dast10 import DAST10
from mooring.rules.instruments.dsm5_oud import (
    DSM5_OUD_CRITERIA,
    DSM5TR_OUD,
    Dsm5OudAssessment,
    Dsm5OudCriterion,
    Dsm5OudRules,
    OudSpecifier,
    OudStatus,
    assess_dsm5_oud,
)
from mooring.rules.instruments.dsm5_signs import (
    SEED_002_SIGN_CRITERIA,
    SEED_002_SIGNS,
    SeedSign,
    criteria_for_signs,
)
from mooring.rules.instruments.gad7 import GAD7
from mooring.rules.instruments.icd10cm import (
    OUD_CODE_SETS,
    OudCodeSet,
    OudSeverity,
    code_set_for,
)
from mooring.rules.instruments.oows import OOWS
from mooring.rules.instruments.phq9 import PHQ9
from mooring.rules.instruments.sows import SOWS

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {i.id: i for i in (COWS, SOWS, OOWS, PHQ9, GAD7, AUDITC, DAST10)}
)


def instrument(instrument_id: str) -> Instrument:
    """Look an instrument up by id, e.g. ``instrument("cows")``."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise InvalidInputError(
            "instrument", f"{instrument_id!r} is not known", tuple(INSTRUMENTS)
        ) from None


__all__ = [
    "AUDITC",
    "AUDITC_CUTOFFS",
    "COWS",
    "DAST10",
    "DSM5TR_OUD",
    "DSM5_OUD_CRITERIA",
    "GAD7",
    "INSTRUMENTS",
    "NO",
    "OOWS",
    "OUD_CODE_SETS",
    "PHQ9",
    "SEED_002_SIGNS",
    "SEED_002_SIGN_CRITERIA",
    "SOWS",
    "YES",
    "Anchor",
    "AuditcCutoffs",
    "AuditcScreen",
    "Band",
    "Dsm5OudAssessment",
    "Dsm5OudCriterion",
    "Dsm5OudRules",
    "FlagRule",
    "Instrument",
    "InstrumentResult",
    "Item",
    "ItemScore",
    "OudCodeSet",
    "OudSeverity",
    "OudSpecifier",
    "OudStatus",
    "ScreeningSex",
    "SeedSign",
    "assess_dsm5_oud",
    "auditc_screen",
    "band_for",
    "code_set_for",
    "cows_pulse_item",
    "criteria_for_signs",
    "instrument",
    "score",
]

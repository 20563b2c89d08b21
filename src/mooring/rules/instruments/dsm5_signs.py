"""The signs of dependence listed in seed article 002, mapped onto DSM-5-TR OUD criteria.

The seed lists ten signs in lay language. Each maps to exactly one criterion, so that a
checklist built from the seed never counts one sign twice. Two of the seed's signs (the first
and the ninth) both describe needing larger doses, i.e. tolerance; and the seed names no sign
for criterion 1 (more or longer than planned) or criterion 8 (hazardous use), so a form built
from the seed alone must add those two. Summaries are Mooring's own words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mooring.rules.common import InvalidInputError
from mooring.rules.evidence import cite
from mooring.rules.instruments.dsm5_oud import Dsm5OudCriterion as C


@dataclass(frozen=True, slots=True)
class SeedSign:
    id: str
    position: int  # the sign's place in the seed's bulleted list, from 1
    summary: str
    criterion: C


SEED_002_SIGNS: tuple[SeedSign, ...] = (
    SeedSign("rising_doses", 1, "Takes ever larger doses to get the same effect", C.TOLERANCE),
    SeedSign(
        "failed_attempts_to_stop", 2, "Has tried to stop but the urge won out", C.UNABLE_TO_CUT_DOWN
    ),
    SeedSign("time_spent", 3, "Much time goes on getting, using or recovering", C.TIME_SPENT),
    SeedSign("strong_urge", 4, "Feels a strong urge to use that is hard to control", C.CRAVING),
    SeedSign(
        "work_school_affected", 5, "Use is harming work, school or home life", C.ROLE_OBLIGATIONS
    ),
    SeedSign(
        "activities_given_up",
        6,
        "Has given up leisure, work or social activities",
        C.ACTIVITIES_GIVEN_UP,
    ),
    SeedSign(
        "use_despite_health_risk",
        7,
        "Keeps using despite the harm to health",
        C.USE_DESPITE_HEALTH_PROBLEM,
    ),
    SeedSign(
        "use_despite_relationship_harm",
        8,
        "Keeps using despite harm to relationships",
        C.SOCIAL_PROBLEMS,
    ),
    SeedSign("larger_doses_for_effect", 9, "Needs more heroin for the effect wanted", C.TOLERANCE),
    SeedSign("withdrawal_on_stopping", 10, "Feels withdrawal symptoms on stopping", C.WITHDRAWAL),
)

SEED_002_SIGN_CRITERIA: Mapping[str, C] = MappingProxyType(
    {sign.id: sign.criterion for sign in SEED_002_SIGNS}
)
SEED_002_EVIDENCE = cite("SEED-002", "S-BCCSU-DSM5TR", "S-PMC-DSM5-TABLE")


def criteria_for_signs(sign_ids: Iterable[str]) -> frozenset[C]:
    """The DSM-5-TR criteria that a set of seed-002 signs point to (a draft for the clinician)."""
    if isinstance(sign_ids, str):
        raise InvalidInputError(
            "sign_ids",
            "must be a collection of sign ids, not one string",
            tuple(SEED_002_SIGN_CRITERIA),
        )
    criteria: set[C] = set()
    for sign_id in sign_ids:
        if sign_id not in SEED_002_SIGN_CRITERIA:
            raise InvalidInputError(
                "sign_ids", f"{sign_id!r} is not a seed-002 sign", tuple(SEED_002_SIGN_CRITERIA)
            )
        criteria.add(SEED_002_SIGN_CRITERIA[sign_id])
    return frozenset(criteria)

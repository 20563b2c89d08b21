"""DSM-5-TR opioid use disorder: criteria count, severity, remission and the ICD-10-CM code.

The caller records which of the 11 criteria were met in the 12-month period of the most
recent episode, and how many whole months have passed since any criterion other than
craving was last met. The DSM text is copyrighted, so the criteria below are paraphrased.
Every number (severity cut points, remission months) lives in :class:`Dsm5OudRules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.evidence import cite
from mooring.rules.instruments.base import Band
from mooring.rules.instruments.icd10cm import OudCodeSet, OudSeverity, code_set_for, oud_code_set


class Dsm5OudCriterion(StrEnum):
    LARGER_OR_LONGER = "larger_or_longer"
    UNABLE_TO_CUT_DOWN = "unable_to_cut_down"
    TIME_SPENT = "time_spent"
    CRAVING = "craving"
    ROLE_OBLIGATIONS = "role_obligations"
    SOCIAL_PROBLEMS = "social_problems"
    ACTIVITIES_GIVEN_UP = "activities_given_up"
    HAZARDOUS_USE = "hazardous_use"
    USE_DESPITE_HEALTH_PROBLEM = "use_despite_health_problem"
    TOLERANCE = "tolerance"
    WITHDRAWAL = "withdrawal"


C = Dsm5OudCriterion

# Criterion number (DSM order) and Mooring's own paraphrase, for forms and reports.
DSM5_OUD_CRITERIA: tuple[tuple[int, Dsm5OudCriterion, str], ...] = (
    (1, C.LARGER_OR_LONGER, "Uses more opioids, or for longer, than planned"),
    (
        2,
        C.UNABLE_TO_CUT_DOWN,
        "Keeps wanting to cut down or control use, or has tried and not managed",
    ),
    (3, C.TIME_SPENT, "Spends much time getting, using or recovering from opioids"),
    (4, C.CRAVING, "Craving: a strong desire or urge to use"),
    (5, C.ROLE_OBLIGATIONS, "Use keeps getting in the way of duties at work, school or home"),
    (6, C.SOCIAL_PROBLEMS, "Keeps using although it causes or worsens problems with other people"),
    (
        7,
        C.ACTIVITIES_GIVEN_UP,
        "Has given up or cut back important social, work or leisure activities because of use",
    ),
    (8, C.HAZARDOUS_USE, "Uses again and again in situations where it is physically dangerous"),
    (
        9,
        C.USE_DESPITE_HEALTH_PROBLEM,
        "Keeps using while knowing it causes or worsens a physical or mental health problem",
    ),
    (
        10,
        C.TOLERANCE,
        "Tolerance: needs clearly more for the same effect, or gets clearly less "
        "effect from the same amount",
    ),
    (
        11,
        C.WITHDRAWAL,
        "Withdrawal: has the opioid withdrawal syndrome, or uses opioids to ease or avoid it",
    ),
)


class OudStatus(StrEnum):
    NOT_MET = "not_met"
    CURRENT = "current"
    EARLY_REMISSION = "early_remission"
    SUSTAINED_REMISSION = "sustained_remission"


class OudSpecifier(StrEnum):
    ON_MAINTENANCE_THERAPY = "on_maintenance_therapy"
    IN_CONTROLLED_ENVIRONMENT = "in_controlled_environment"


@dataclass(frozen=True, slots=True)
class Dsm5OudRules:
    id: str
    # Bands over the number of criteria counted; codes are OudSeverity values.
    severity_bands: tuple[Band, ...]
    early_remission_months: int
    sustained_remission_months: int
    # Not counted when opioids are taken only under appropriate medical supervision.
    not_counted_when_supervised: frozenset[Dsm5OudCriterion]
    evidence: tuple[str, ...]


DSM5TR_OUD = Dsm5OudRules(
    id="DSM-5-TR",
    severity_bands=(
        Band(OudSeverity.NOT_MET, "Criteria for opioid use disorder not met", 0, 1),
        Band(OudSeverity.MILD, "Mild", 2, 3),
        Band(OudSeverity.MODERATE, "Moderate", 4, 5),
        Band(OudSeverity.SEVERE, "Severe", 6, 11),
    ),
    early_remission_months=3,
    sustained_remission_months=12,
    not_counted_when_supervised=frozenset({C.TOLERANCE, C.WITHDRAWAL}),
    evidence=cite("S-BCCSU-DSM5TR", "S-PMC-DSM5-TABLE", "S-PCSS-DSM5", "S-EPAIN-DSM5"),
)


@dataclass(frozen=True, slots=True)
class Dsm5OudAssessment:
    criteria_counted: tuple[Dsm5OudCriterion, ...]
    criteria_not_counted: tuple[Dsm5OudCriterion, ...]
    severity: OudSeverity
    status: OudStatus
    specifiers: tuple[OudSpecifier, ...]
    icd10cm_code: str | None
    code_set: str
    rules: str
    findings: tuple[Finding, ...]
    evidence: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.criteria_counted)

    @property
    def diagnosis_met(self) -> bool:
        return self.status is not OudStatus.NOT_MET


def assess_dsm5_oud(
    criteria_met: Iterable[Dsm5OudCriterion | str],
    *,
    as_of: date,
    medically_supervised_only: bool,
    months_since_criteria_last_met: int,
    on_maintenance_therapy: bool = False,
    controlled_environment: bool = False,
    code_set: str | None = None,
    rules: Dsm5OudRules = DSM5TR_OUD,
) -> Dsm5OudAssessment:
    """Assess DSM-5-TR opioid use disorder and its ICD-10-CM code on the date ``as_of``.

    ``criteria_met``: criteria met in the 12-month period of the most recent episode.
    ``medically_supervised_only``: in that period every opioid was taken under appropriate
    medical supervision (tolerance and withdrawal then do not count).
    ``months_since_criteria_last_met``: whole months since any criterion other than craving
    was last met; 0 when one is met now. ``code_set``: an id from ``OUD_CODE_SETS``;
    by default the set in force on ``as_of``.
    """
    met = _criteria(criteria_met)
    _check_flags(
        medically_supervised_only=medically_supervised_only,
        on_maintenance_therapy=on_maintenance_therapy,
        controlled_environment=controlled_environment,
    )
    months = _months(months_since_criteria_last_met)
    codes = code_set_for(as_of) if code_set is None else oud_code_set(code_set)
    excluded = rules.not_counted_when_supervised if medically_supervised_only else frozenset()
    counted = tuple(c for c in met if c not in excluded)
    severity = _severity(rules, len(counted))
    status = _status(rules, severity, months)
    asked = _asked_specifiers(on_maintenance_therapy, controlled_environment)
    specifiers = asked if status in _REMISSION else ()
    return Dsm5OudAssessment(
        criteria_counted=counted,
        criteria_not_counted=tuple(c for c in met if c in excluded),
        severity=severity,
        status=status,
        specifiers=specifiers,
        icd10cm_code=_code(codes, severity, status),
        code_set=codes.id,
        rules=rules.id,
        findings=_findings(rules, codes, met, counted, severity, status, asked, specifiers),
        evidence=rules.evidence + codes.evidence,
    )


_REMISSION = frozenset({OudStatus.EARLY_REMISSION, OudStatus.SUSTAINED_REMISSION})
_ORDER = {criterion: number for number, criterion, _ in DSM5_OUD_CRITERIA}


def _criteria(values: Iterable[Dsm5OudCriterion | str]) -> tuple[Dsm5OudCriterion, ...]:
    if isinstance(values, str):
        raise InvalidInputError(
            "criteria_met", "must be a collection of criteria, not one string", tuple(C)
        )
    chosen: set[Dsm5OudCriterion] = set()
    for value in values:
        try:
            chosen.add(C(value))
        except ValueError:
            raise InvalidInputError(
                "criteria_met", f"{value!r} is not a criterion", tuple(C)
            ) from None
    return tuple(sorted(chosen, key=_ORDER.__getitem__))


def _check_flags(**flags: object) -> None:
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise InvalidInputError(name, f"{value!r} is not a yes/no answer", (True, False))


def _months(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(
            "months_since_criteria_last_met",
            f"{value!r} is not a whole number of months",
            ("0 or more",),
        )
    return value


def _severity(rules: Dsm5OudRules, count: int) -> OudSeverity:
    band = next(b for b in rules.severity_bands if b.contains(count))
    return OudSeverity(band.code)


def _status(rules: Dsm5OudRules, severity: OudSeverity, months: int) -> OudStatus:
    if severity is OudSeverity.NOT_MET:
        return OudStatus.NOT_MET
    if months >= rules.sustained_remission_months:
        return OudStatus.SUSTAINED_REMISSION
    if months >= rules.early_remission_months:
        return OudStatus.EARLY_REMISSION
    return OudStatus.CURRENT


def _asked_specifiers(maintenance: bool, controlled: bool) -> tuple[OudSpecifier, ...]:
    asked = (
        (maintenance, OudSpecifier.ON_MAINTENANCE_THERAPY),
        (controlled, OudSpecifier.IN_CONTROLLED_ENVIRONMENT),
    )
    return tuple(specifier for wanted, specifier in asked if wanted)


def _code(codes: OudCodeSet, severity: OudSeverity, status: OudStatus) -> str | None:
    if status is OudStatus.NOT_MET:
        return None
    return codes.code_for(severity, in_remission=status in _REMISSION)


def _findings(
    rules: Dsm5OudRules,
    codes: OudCodeSet,
    met: tuple[Dsm5OudCriterion, ...],
    counted: tuple[Dsm5OudCriterion, ...],
    severity: OudSeverity,
    status: OudStatus,
    asked: tuple[OudSpecifier, ...],
    specifiers: tuple[OudSpecifier, ...],
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    if len(counted) < len(met):
        findings.append(
            Finding(
                "dsm5_oud.supervised_exclusion",
                Severity.INFO,
                "Tolerance and withdrawal were not counted because opioids were taken only under "
                "appropriate medical supervision.",
                rules.evidence,
                rules.id,
            )
        )
    if asked and not specifiers:
        findings.append(
            Finding(
                "dsm5_oud.specifier_needs_remission",
                Severity.INFO,
                "The maintenance-therapy and controlled-environment specifiers are recorded only "
                "with early or sustained remission.",
                rules.evidence,
                rules.id,
            )
        )
    findings.append(_summary(rules, codes, counted, severity, status, specifiers))
    return tuple(findings)


def _summary(
    rules: Dsm5OudRules,
    codes: OudCodeSet,
    counted: tuple[Dsm5OudCriterion, ...],
    severity: OudSeverity,
    status: OudStatus,
    specifiers: tuple[OudSpecifier, ...],
) -> Finding:
    evidence = rules.evidence + codes.evidence
    if status is OudStatus.NOT_MET:
        return Finding(
            "dsm5_oud.not_met",
            Severity.INFO,
            f"{len(counted)} of 11 criteria counted: the criteria for opioid use "
            "disorder are not met.",
            evidence,
            rules.id,
        )
    parts = [f"Opioid use disorder, {severity}"]
    if status in _REMISSION:
        parts.append(status.replace("_", " "))
    parts.extend(specifier.replace("_", " ") for specifier in specifiers)
    code = codes.code_for(severity, in_remission=status in _REMISSION)
    return Finding(
        f"dsm5_oud.{status}",
        Severity.INFO,
        f"{', '.join(parts)} ({len(counted)} of 11 criteria); ICD-10-CM {code} ({codes.id}).",
        evidence,
        rules.id,
    )

"""Medication for opioid use disorder in pregnancy: what to recommend and what to flag.

Methadone or buprenorphine is the recommended treatment in pregnancy and is preferred to
medically supervised withdrawal. Buprenorphine with or without naloxone are both allowed
(product choice is the clinician's). Starting naltrexone in pregnancy is flagged for the
prescriber. Nothing here blocks care: pregnancy findings are information and cautions.
"""

from __future__ import annotations

from enum import StrEnum

from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.evidence import cite
from mooring.rules.profiles import ProtocolProfile


class TreatmentOption(StrEnum):
    METHADONE = "methadone"
    BUPRENORPHINE = "buprenorphine"
    BUPRENORPHINE_NALOXONE = "buprenorphine_naloxone"
    NALTREXONE = "naltrexone"
    SUPERVISED_WITHDRAWAL = "supervised_withdrawal"


_ACOG = cite("S-ASAM-ACOG711", "S-ACOG711-SAFELINK")
_AGONISTS = frozenset(
    {
        TreatmentOption.METHADONE,
        TreatmentOption.BUPRENORPHINE,
        TreatmentOption.BUPRENORPHINE_NALOXONE,
    }
)


def pregnancy_findings(
    option: TreatmentOption, *, pregnant: bool, profile: ProtocolProfile
) -> tuple[Finding, ...]:
    """Findings for starting or continuing ``option``; empty when not pregnant."""
    if not isinstance(option, TreatmentOption):
        raise InvalidInputError("option", f"unknown {option!r}", list(TreatmentOption))
    if not pregnant:
        return ()
    if option in _AGONISTS:
        return _agonist_findings(option, profile)
    if option is TreatmentOption.NALTREXONE:
        message = (
            "Starting naltrexone in pregnancy: methadone or buprenorphine is the recommended "
            "treatment; the prescriber should review and document the choice."
        )
        code = "pregnancy.naltrexone_start"
    else:
        message = (
            "Methadone or buprenorphine is recommended in pregnancy and preferred to medically "
            "supervised withdrawal; the prescriber should review and document the choice."
        )
        code = "pregnancy.supervised_withdrawal"
    return (Finding(code, Severity.CAUTION, message, _ACOG, profile.ref),)


def _agonist_findings(option: TreatmentOption, profile: ProtocolProfile) -> tuple[Finding, ...]:
    findings = [
        Finding(
            "pregnancy.agonist_recommended",
            Severity.INFO,
            "Methadone or buprenorphine is the recommended treatment in pregnancy. Arrange "
            "for the newborn to be monitored for neonatal opioid withdrawal by a paediatric "
            "provider.",
            _ACOG + cite("S-PILLSYNC-METHADOSE"),
            profile.ref,
        )
    ]
    if option is not TreatmentOption.METHADONE:
        findings.append(
            Finding(
                "pregnancy.buprenorphine_product_choice",
                Severity.INFO,
                "Buprenorphine alone or with naloxone are both acceptable in pregnancy; the "
                "product is the clinician's choice.",
                cite("S-PMC6585403"),
                profile.ref,
            )
        )
    return tuple(findings)

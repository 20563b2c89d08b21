"""The only place that turns database rows into rules-core inputs, and findings into errors.

The clinical numbers live in :mod:`mooring.rules` (protocol profiles); this module never
holds one. It gathers the patient's dose history and ECGs, asks the rule for the order's
medication, and turns refusals into :class:`RuleRefused` naming the rule, the profile and
its sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max, Sum

from mooring.accounts.models import Clinic
from mooring.core.errors import FieldProblem, ValidationFailed
from mooring.medications.models import (
    DoseAdministration,
    Medication,
    MedicationOrder,
    QtcMeasurement,
)
from mooring.patients.models import Patient
from mooring.patients.selectors import current_pregnancy
from mooring.rules import buprenorphine, methadone, pregnancy
from mooring.rules._medication_common import OrderCheck
from mooring.rules.common import Finding, RulesError, Severity, refusals
from mooring.rules.profiles import ProtocolProfile, get_profile

# Medications whose dose the rules core checks from what Mooring records today. The others
# are signed without a dose check (recorded on the order as "rules.not_checked").
CHECKED_MEDICATIONS = frozenset(
    {Medication.METHADONE, Medication.BUPRENORPHINE, Medication.BUPRENORPHINE_NALOXONE}
)
_SUBLINGUAL_BUPRENORPHINE = (Medication.BUPRENORPHINE, Medication.BUPRENORPHINE_NALOXONE)
_PREGNANCY_OPTIONS = {
    Medication.METHADONE: pregnancy.TreatmentOption.METHADONE,
    Medication.BUPRENORPHINE: pregnancy.TreatmentOption.BUPRENORPHINE,
    Medication.BUPRENORPHINE_NALOXONE: pregnancy.TreatmentOption.BUPRENORPHINE_NALOXONE,
    Medication.BUPRENORPHINE_XR_WEEKLY: pregnancy.TreatmentOption.BUPRENORPHINE,
    Medication.BUPRENORPHINE_XR_MONTHLY: pregnancy.TreatmentOption.BUPRENORPHINE,
    Medication.NALTREXONE_ORAL: pregnancy.TreatmentOption.NALTREXONE,
    Medication.NALTREXONE_XR: pregnancy.TreatmentOption.NALTREXONE,
}


class RuleRefused(ValidationFailed):
    """The rules core refused the order; ``overridable`` says whether a reason may allow it."""

    code = "rule_refused"

    def __init__(self, check: OrderCheck):
        self.check = check
        self.findings = refusals(check.findings)
        self.overridable = check.overridable
        super().__init__([finding_problem(f) for f in self.findings])


def finding_problem(finding: Finding) -> FieldProblem:
    sources = ", ".join(finding.evidence)
    message = (
        f"{finding.message} [rule {finding.code}; profile {finding.profile}; sources {sources}]"
    )
    return FieldProblem("daily_dose_mg", finding.code, message)


def finding_as_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding.message,
        "evidence": list(finding.evidence),
        "profile": finding.profile,
        "overridable": finding.overridable,
    }


def profile_for(clinic: Clinic) -> ProtocolProfile:
    """The clinic's protocol profile (``Clinic.protocol_profile``)."""
    try:
        return get_profile(clinic.protocol_profile)
    except RulesError as error:
        raise ValidationFailed(str(error), code="unknown_protocol_profile") from None


def methadone_history(patient: Patient, before: date, *, as_of: date) -> methadone.MethadoneHistory:
    """Daily methadone totals taken before ``before``, and every ECG on file by ``as_of``."""
    totals = (
        DoseAdministration.objects.filter(
            patient=patient, order__medication=Medication.METHADONE, service_date__lt=before
        )
        .values("service_date")
        .annotate(total=Sum("amount_mg"))
        .order_by("service_date")
    )
    ecgs = QtcMeasurement.objects.filter(
        patient=patient, measured_on__lte=min(before, as_of)
    ).values_list("measured_on", "qtc_ms")
    return methadone.MethadoneHistory(
        daily_doses=tuple(
            methadone.DailyDose(row["service_date"], Decimal(row["total"])) for row in totals
        ),
        ecgs=tuple(methadone.EcgResult(day, qtc) for day, qtc in ecgs),
    )


@dataclass(frozen=True)
class Verdict:
    """What the rules core said about an order at signing."""

    check: OrderCheck
    checked: bool  # False when no rule exists yet for this medication

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.check.findings


def check_order(order: MedicationOrder, *, as_of: date) -> Verdict:
    """Judge an order under its clinic's profile, as of its first dose day."""
    profile = profile_for(order.clinic)
    try:
        if order.medication == Medication.METHADONE:
            check = _check_methadone(order, profile, as_of)
        elif order.medication in _SUBLINGUAL_BUPRENORPHINE:
            check = _check_buprenorphine(order, profile)
        else:
            # TODO(rules): naltrexone readiness (needs the last opioid use, not yet recorded),
            # lofexidine/clonidine (need course day, impairment, vitals) and injections.
            check = OrderCheck((), profile.ref)
        check = OrderCheck(check.findings + _pregnancy_findings(order, profile), check.profile)
    except RulesError as error:
        raise ValidationFailed(str(error), code="rules_input_invalid") from None
    return Verdict(check, checked=order.medication in CHECKED_MEDICATIONS)


def _check_methadone(order: MedicationOrder, profile: ProtocolProfile, as_of: date) -> OrderCheck:
    per_dose = order.daily_dose_mg / order.split
    request = methadone.MethadoneOrderRequest(
        dose_date=order.start_date, administrations_mg=tuple(per_dose for _ in range(order.split))
    )
    history = methadone_history(order.patient, order.start_date, as_of=as_of)
    return methadone.check_methadone_order(request, history, profile, as_of=as_of)


def _check_buprenorphine(order: MedicationOrder, profile: ProtocolProfile) -> OrderCheck:
    """The first administration against first-dose limits, the day's total against the day's.

    The induction day counts from the first buprenorphine dose on record (1 if none).
    """
    first = (
        DoseAdministration.objects.filter(
            patient=order.patient, order__medication__in=_SUBLINGUAL_BUPRENORPHINE
        )
        .order_by("service_date")
        .values_list("service_date", flat=True)
        .first()
    )
    day = 1 if first is None else (order.start_date - first).days + 1
    per_dose = order.daily_dose_mg / order.split
    checks = [
        buprenorphine.check_buprenorphine_dose(
            induction_day=day, proposed_dose=per_dose, doses_today=(), profile=profile
        )
    ]
    if order.split > 1:
        checks.append(
            buprenorphine.check_buprenorphine_dose(
                induction_day=day,
                proposed_dose=per_dose,
                doses_today=tuple(per_dose for _ in range(order.split - 1)),
                profile=profile,
            )
        )
    findings = {f.code: f for check in checks for f in check.findings}
    return OrderCheck(tuple(findings.values()), profile.ref)


def _pregnancy_findings(order: MedicationOrder, profile: ProtocolProfile) -> tuple[Finding, ...]:
    option = _PREGNANCY_OPTIONS.get(Medication(order.medication))
    record = current_pregnancy(order.patient)
    if option is None or record is None:
        return ()
    return pregnancy.pregnancy_findings(option, pregnant=record.is_pregnant, profile=profile)


def require_allowed(verdict: Verdict, *, override_reason: str) -> tuple[str, ...]:
    """Raise unless the verdict allows the order; return the codes a reason overrides."""
    if verdict.check.allowed:
        return ()
    if not verdict.check.overridable or not override_reason.strip():
        raise RuleRefused(verdict.check)
    return tuple(f.code for f in refusals(verdict.findings))


def last_methadone_dose_dates(patient_ids: list[int], before: date) -> dict[int, date]:
    """Patient id -> last day with a methadone dose before ``before`` (one query)."""
    rows = (
        DoseAdministration.objects.filter(
            patient_id__in=patient_ids,
            order__medication=Medication.METHADONE,
            service_date__lt=before,
        )
        .values("patient_id")
        .annotate(last=Max("service_date"))
    )
    return {row["patient_id"]: row["last"] for row in rows}


def missed_dose_advice(
    order: MedicationOrder, last_dose: date | None, service_date: date, profile: ProtocolProfile
) -> methadone.MissedDoseAdvice | None:
    """The profile's missed-dose advice for a methadone order on ``service_date``.

    Days are counted from the last dose, or, if none was ever given, from the day before
    the order started (someone who never came for induction is also reviewed).
    """
    if order.medication != Medication.METHADONE:
        return None
    last = last_dose if last_dose is not None else order.start_date - timedelta(days=1)
    if last >= service_date:
        return None
    missed = methadone.consecutive_missed_days(last, service_date)
    return methadone.evaluate_missed_doses(missed, profile)


def is_refusal(finding: Finding | None) -> bool:
    return finding is not None and finding.severity is Severity.REFUSAL

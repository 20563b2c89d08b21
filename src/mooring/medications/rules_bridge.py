"""The only place that turns database rows into rules-core inputs, and findings into errors.

The clinical numbers live in :mod:`mooring.rules` (protocol profiles); this module never
holds one. It gathers the patient's dose history, ECGs and what the order records about the
last opioid use, asks the rule for the order's medication, and turns refusals into
:class:`RuleRefused` naming the rule, the profile and its sources.

What :func:`check_order` asks at signing, by medication:

* methadone: first dose and day, step, interval, early weekly cap, missed-dose re-induction,
  QTc (:mod:`mooring.rules.methadone`).
* sublingual buprenorphine: first-dose, day-1/day-2 and maintenance limits; an induction
  (phase ``induction``, day 1 of a new course) also readiness: hours since the
  last opioid by kind and the COWS threshold (``buprenorphine_readiness``).
* oral naltrexone and the extended-release injection, when they start naltrexone (no
  naltrexone order in force the day before): ``naltrexone_readiness`` (opioid-free interval
  by the last opioid's kind, the naloxone challenge). Liver tests, urine results and
  withdrawal signs are not recorded in Mooring yet: the rule is told liver tests are "not
  tested" (a caution to check them) and that there is no withdrawal and no positive result.
* lofexidine: per-dose and daily maxima (``check_withdrawal_med_dose``, no impairment known
  here: the withdrawal app applies the hepatic/renal limits at each dose).
* clonidine: the profile's per-dose and daily maxima only; whether the clinic uses clonidine
  at all is a site setting the withdrawal app checks at each dose (medications cannot read
  it).
* long-acting injections: the dose against the product's strengths and label schedule
  (:mod:`mooring.rules.injectables`), as cautions; the injections app checks each injection.
* pregnancy findings for every medication the pregnancy rule knows.

Only the naloxone kit has no order rule; it is signed with a ``rules.not_checked`` finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, FieldProblem, ValidationFailed
from mooring.core.time import local_day_bounds, now
from mooring.medications.models import (
    DoseAdministration,
    Medication,
    MedicationOrder,
    OrderStatus,
    Phase,
    QtcMeasurement,
)
from mooring.patients.models import Patient
from mooring.patients.selectors import current_pregnancy
from mooring.rules import buprenorphine, methadone, naltrexone, pregnancy
from mooring.rules._medication_common import OrderCheck, evidence_of
from mooring.rules.common import Finding, RulesError, Severity, refusals
from mooring.rules.injectables import INJECTABLE_SPECS, InjectableProduct, injection_schedule
from mooring.rules.profiles import ProtocolProfile, get_profile
from mooring.rules.withdrawal import LastOpioid
from mooring.rules.withdrawal_meds import (
    Impairment,
    WithdrawalMedCourse,
    WithdrawalMedicine,
    check_withdrawal_med_dose,
)

# Every medication has an order rule except the naloxone kit (see the module docstring).
CHECKED_MEDICATIONS = frozenset(Medication) - {Medication.NALOXONE_KIT}
_SUBLINGUAL_BUPRENORPHINE = (Medication.BUPRENORPHINE, Medication.BUPRENORPHINE_NALOXONE)
_NALTREXONE = (Medication.NALTREXONE_ORAL, Medication.NALTREXONE_XR)
_WITHDRAWAL_MEDICINES = {
    Medication.LOFEXIDINE: WithdrawalMedicine.LOFEXIDINE,
    Medication.CLONIDINE: WithdrawalMedicine.CLONIDINE,
}
# The order's medication -> the label products it may be given as (the injections app keeps
# the same links for its own product choices).
INJECTABLE_PRODUCTS: Mapping[str, tuple[InjectableProduct, ...]] = {
    Medication.NALTREXONE_XR: (InjectableProduct.NALTREXONE_XR,),
    Medication.BUPRENORPHINE_XR_WEEKLY: (InjectableProduct.BRIXADI_WEEKLY,),
    Medication.BUPRENORPHINE_XR_MONTHLY: (
        InjectableProduct.SUBLOCADE,
        InjectableProduct.SUBLOCADE_RAPID_START,
        InjectableProduct.BRIXADI_MONTHLY,
    ),
}
_PREGNANCY_OPTIONS = {
    Medication.METHADONE: pregnancy.TreatmentOption.METHADONE,
    Medication.BUPRENORPHINE: pregnancy.TreatmentOption.BUPRENORPHINE,
    Medication.BUPRENORPHINE_NALOXONE: pregnancy.TreatmentOption.BUPRENORPHINE_NALOXONE,
    Medication.BUPRENORPHINE_XR_WEEKLY: pregnancy.TreatmentOption.BUPRENORPHINE,
    Medication.BUPRENORPHINE_XR_MONTHLY: pregnancy.TreatmentOption.BUPRENORPHINE,
    Medication.NALTREXONE_ORAL: pregnancy.TreatmentOption.NALTREXONE,
    Medication.NALTREXONE_XR: pregnancy.TreatmentOption.NALTREXONE,
}
# The order field a refusal is about, where it is not the dose.
ORDER_FIELDS: Mapping[str, str] = {
    "naltrexone.last_use_unknown": "last_opioid_use_at",
    "naltrexone.opioid_free_interval_not_met": "last_opioid_use_at",
    "naltrexone.challenge_positive": "naloxone_challenge",
    "buprenorphine.last_use_unknown": "last_opioid_use_at",
    "buprenorphine.wait_not_met": "last_opioid_use_at",
    "buprenorphine.cows_missing": "cows_score",
    "buprenorphine.cows_below_threshold": "cows_score",
}


class RuleRefused(ValidationFailed):
    """A rule refused the action; ``overridable`` says whether a prescriber's reason may allow it.

    The one refusal error of every app that asks the rules core (orders, injections,
    withdrawal medicines). Each problem names the rule, the profile and the sources; it sits
    on ``field``, or on ``fields[code]`` for a rule about another field.
    """

    code = "rule_refused"

    def __init__(
        self,
        check: OrderCheck | Iterable[Finding],
        *,
        field: str | None = None,
        fields: Mapping[str, str] | None = None,
        note: str = "",
    ):
        if not isinstance(check, OrderCheck):
            found = tuple(check)
            first = next(iter(refusals(found)), None)
            check = OrderCheck(found, first.profile or "" if first else "")
        self.check = check
        self.findings = refusals(check.findings)
        self.overridable = check.overridable
        fields = fields or {}
        super().__init__(
            [finding_problem(f, fields.get(f.code, field), note) for f in self.findings]
        )


def finding_problem(finding: Finding, field: str | None = None, note: str = "") -> FieldProblem:
    """A refusal as a form/API problem naming its rule, profile and sources."""
    message = _("%(message)s%(note)s [rule %(code)s; profile %(profile)s; sources %(sources)s]") % {
        "message": finding.message,
        "note": note,
        "code": finding.code,
        "profile": finding.profile,
        "sources": ", ".join(finding.evidence),
    }
    return FieldProblem(field, finding.code, message)


def finding_as_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding.message,
        "evidence": list(finding.evidence),
        "profile": finding.profile,
        "overridable": finding.overridable,
    }


def allow_or_raise(
    findings: Iterable[Finding],
    *,
    actor: Actor,
    clinic: Clinic,
    override_reason: str,
    field: str | None,
    fields: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """Raise unless nothing refuses, or a prescriber overrides every (overridable) refusal.

    Returns the overridden rule codes (empty when nothing was refused).
    """
    found = tuple(findings)
    refused = refusals(found)
    if not refused:
        return ()
    if not override_reason.strip() or not all(f.overridable for f in refused):
        raise RuleRefused(found, field=field, fields=fields)
    if not access.can(actor.user, Capability.PRESCRIBE, clinic.id):
        raise CapabilityDenied(
            _("Only a prescriber may override this rule; ask one to give or authorise it."),
            code="override_needs_prescriber",
        )
    return tuple(f.code for f in refused)


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


def check_order(order: MedicationOrder, *, as_of: date, at: datetime | None = None) -> Verdict:
    """Judge an order under its clinic's profile, as of its first dose day.

    ``as_of`` is the clinic's day of signing (ECGs on file by then count); ``at`` the moment
    of signing (default: now), from which a buprenorphine start's waiting time is counted
    (or from the first day's midnight, for an order that starts later).
    """
    profile = profile_for(order.clinic)
    medication = order.medication
    try:
        if medication == Medication.METHADONE:
            check = _check_methadone(order, profile, as_of)
        elif medication in _SUBLINGUAL_BUPRENORPHINE:
            check = _check_buprenorphine(order, profile, at or now())
        elif medication in _NALTREXONE:
            check = _check_naltrexone(order, profile)
        elif medication in _WITHDRAWAL_MEDICINES:
            check = _check_withdrawal_medicine(order, profile)
        else:
            check = OrderCheck((), profile.ref)
        if medication in INJECTABLE_PRODUCTS:
            check = _with(check, _injectable_findings(order, as_of))
        check = _with(check, _pregnancy_findings(order, profile))
    except RulesError as error:
        raise ValidationFailed(str(error), code="rules_input_invalid") from None
    return Verdict(check, checked=medication in CHECKED_MEDICATIONS)


def _with(check: OrderCheck, more: Iterable[Finding]) -> OrderCheck:
    return OrderCheck(check.findings + tuple(more), check.profile)


def _check_methadone(order: MedicationOrder, profile: ProtocolProfile, as_of: date) -> OrderCheck:
    per_dose = order.daily_dose_mg / order.split
    request = methadone.MethadoneOrderRequest(
        dose_date=order.start_date, administrations_mg=tuple(per_dose for _i in range(order.split))
    )
    history = methadone_history(order.patient, order.start_date, as_of=as_of)
    return methadone.check_methadone_order(request, history, profile, as_of=as_of)


def _check_buprenorphine(
    order: MedicationOrder, profile: ProtocolProfile, at: datetime
) -> OrderCheck:
    """The first administration against first-dose limits, the day's total against the day's.

    The induction day counts from the first dose of the person's unbroken buprenorphine
    course (1 if none, or after a gap as long as the re-induction threshold: someone who
    comes back after months starts a new induction). On day 1 of an induction, readiness
    too (:func:`_buprenorphine_readiness`).
    """
    earlier = (
        DoseAdministration.objects.filter(
            patient=order.patient,
            order__medication__in=_SUBLINGUAL_BUPRENORPHINE,
            service_date__lt=order.start_date,
        )
        .order_by()
        .values_list("service_date", flat=True)
        .distinct()
    )
    day = buprenorphine.induction_day(order.start_date, earlier, profile)
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
                doses_today=tuple(per_dose for _i in range(order.split - 1)),
                profile=profile,
            )
        )
    findings = {f.code: f for check in checks for f in check.findings}
    if day == 1 and order.phase == Phase.INDUCTION:
        findings.update((f.code, f) for f in _buprenorphine_readiness(order, profile, at))
    return OrderCheck(tuple(findings.values()), profile.ref)


def _buprenorphine_readiness(
    order: MedicationOrder, profile: ProtocolProfile, at: datetime
) -> tuple[Finding, ...]:
    """Hours since the last opioid by its kind, and the COWS threshold, at the first dose.

    Someone whose last opioid is buprenorphine is already on it: no wait, no COWS. Without
    the last use on the order the start is refused (``buprenorphine.last_use_unknown``,
    overridable, e.g. for a low-dose start), and the COWS score is still judged.
    """
    start, _end = local_day_bounds(order.start_date, order.clinic.tz)
    # A last use recorded a minute "ahead" (a fast device clock) counts as now.
    moment = max(at, start, order.last_opioid_use_at or at)
    if order.last_opioid == LastOpioid.BUPRENORPHINE:
        return ()
    if not order.last_opioid or order.last_opioid_use_at is None:
        # Judge the COWS score alone: drop the wait, which needs the real last use.
        check = buprenorphine.buprenorphine_readiness(
            last_opioid=LastOpioid.SHORT_ACTING,
            last_use=moment,
            as_of=moment,
            cows_score=order.cows_score,
            profile=profile,
        )
        settings = profile.buprenorphine
        unknown = Finding(
            "buprenorphine.last_use_unknown",
            Severity.REFUSAL,
            _(
                "The order does not record the kind and time of the last opioid use, so the "
                "wait before the first dose cannot be checked; record them, or give a reason "
                "(e.g. a low-dose start)."
            ),
            evidence_of(
                settings.wait_after_short_acting_hours.evidence,
                settings.wait_after_methadone_hours.evidence,
            ),
            profile.ref,
            overridable=True,
        )
        return (unknown, *(f for f in check.findings if f.code != "buprenorphine.wait_not_met"))
    check = buprenorphine.buprenorphine_readiness(
        last_opioid=LastOpioid(order.last_opioid),
        last_use=order.last_opioid_use_at,
        as_of=moment,
        cows_score=order.cows_score,
        profile=profile,
    )
    return check.findings


def is_naltrexone_start(order: MedicationOrder) -> bool:
    """True unless the order continues naltrexone (e.g. oral naltrexone before the first
    injection, or a changed order)."""
    return not _continues(order, _NALTREXONE)


def _check_naltrexone(order: MedicationOrder, profile: ProtocolProfile) -> OrderCheck:
    """Readiness to start naltrexone (oral, or the injection's first dose) on the first day.

    Days are counted from the clinic-local day of the last opioid use to the order's start.
    Without the last use the start is refused (``naltrexone.last_use_unknown``); a
    prescriber may sign over it with a reason, e.g. after a negative naloxone challenge. A
    positive challenge refuses the start whatever else is known.
    """
    if not is_naltrexone_start(order):
        return OrderCheck((), profile.ref)
    challenge = (
        naltrexone.ChallengeResult(order.naloxone_challenge) if order.naloxone_challenge else None
    )
    if not order.last_opioid or order.last_opioid_use_at is None:
        return OrderCheck(_naltrexone_unknown_use(challenge, profile), profile.ref)
    request = naltrexone.NaltrexoneStartRequest(
        last_opioid=LastOpioid(order.last_opioid),
        last_opioid_use=order.last_opioid_use_at.astimezone(order.clinic.tz).date(),
        liver=naltrexone.LiverStatus.NOT_TESTED,  # not recorded in Mooring yet
        challenge=challenge,
    )
    return naltrexone.naltrexone_readiness(request, profile, as_of=order.start_date)


def _naltrexone_unknown_use(
    challenge: naltrexone.ChallengeResult | None, profile: ProtocolProfile
) -> tuple[Finding, ...]:
    settings = profile.naltrexone
    interval = settings.opioid_free_days_long_acting
    minimum, recommended = settings.opioid_free_days_short_acting.value[0], interval.value[1]
    done = (
        _(" A negative naloxone challenge is recorded.")
        if challenge is naltrexone.ChallengeResult.NEGATIVE
        else ""
    )
    findings = [
        Finding(
            "naltrexone.last_use_unknown",
            Severity.REFUSAL,
            _(
                "The order does not record the kind and time of the last opioid use, so the "
                "opioid-free interval (%(minimum)s to %(recommended)s days by the kind) cannot "
                "be checked; record them, or give a reason, e.g. after a negative naloxone "
                "challenge.%(done)s"
            )
            % {"minimum": minimum, "recommended": recommended, "done": done},
            evidence_of(
                settings.opioid_free_days_short_acting.evidence,
                interval.evidence,
                naltrexone.NALOXONE_CHALLENGE_EVIDENCE,
            ),
            profile.ref,
            overridable=True,
        )
    ]
    if challenge is naltrexone.ChallengeResult.POSITIVE:
        findings.append(
            Finding(
                "naltrexone.challenge_positive",
                Severity.REFUSAL,
                _(
                    "Do not start naltrexone: the naloxone challenge was positive; it may be "
                    "repeated in 24 hours."
                ),
                naltrexone.NALOXONE_CHALLENGE_EVIDENCE,
                profile.ref,
            )
        )
    return tuple(findings)


def _check_withdrawal_medicine(order: MedicationOrder, profile: ProtocolProfile) -> OrderCheck:
    """The order's dose, given ``split`` times on one day, against the per-dose and daily maxima.

    Lofexidine is judged with no hepatic or renal impairment (the withdrawal app grades it and
    applies the lower limits at each dose). Clonidine is judged as if the clinic used it: only
    its per-dose and daily maxima here, the site switch and the vitals at each dose.
    """
    medicine = _WITHDRAWAL_MEDICINES[Medication(order.medication)]
    judged = profile
    if medicine is WithdrawalMedicine.CLONIDINE:
        switched_on = replace(profile.clonidine.enabled, value=True)
        judged = replace(profile, clonidine=replace(profile.clonidine, enabled=switched_on))
    per_dose = order.daily_dose_mg / order.split
    course = WithdrawalMedCourse(medicine, on_methadone=_on_methadone(order))
    check = check_withdrawal_med_dose(
        course,
        per_dose,
        tuple(per_dose for _i in range(order.split - 1)),
        1,
        Impairment(),
        judged,
    )
    at_dose_only = {"clonidine.vitals_missing"}
    findings = [f for f in check.findings if f.code not in at_dose_only]
    if medicine is WithdrawalMedicine.CLONIDINE:
        findings.append(
            Finding(
                "clonidine.site_setting_at_dose",
                Severity.INFO,
                _(
                    "Clonidine for withdrawal is off-label: whether this clinic uses it is "
                    "checked at each dose, with blood pressure and pulse."
                ),
                profile.clonidine.enabled.evidence,
                profile.ref,
            )
        )
    return OrderCheck(tuple(findings), profile.ref)


def _on_methadone(order: MedicationOrder) -> bool:
    return (
        MedicationOrder.objects.filter(
            patient_id=order.patient_id,
            medication=Medication.METHADONE,
            status=OrderStatus.SIGNED,
            start_date__lte=order.start_date,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=order.start_date))
        .exists()
    )


def _injectable_findings(order: MedicationOrder, as_of: date) -> tuple[Finding, ...]:
    """Cautions: the dose is a strength of the product and, on a start, its first dose.

    Each finding names the product's label preset as its profile. The injections app
    checks every injection (window, dose, site) when it is given.
    """
    dose = order.daily_dose_mg
    specs = [INJECTABLE_SPECS[p] for p in INJECTABLE_PRODUCTS[order.medication]]
    fitting = [spec for spec in specs if dose in spec.strengths_mg]
    if not fitting:
        return tuple(
            Finding(
                "injectable.dose_not_a_strength",
                Severity.CAUTION,
                _("%(dose)s mg is not a strength of %(product)s (%(strengths)s).")
                % {
                    "dose": dose,
                    "product": spec.title,
                    "strengths": ", ".join(f"{s} mg" for s in spec.strengths_mg),
                },
                spec.evidence,
                spec.preset_id,
            )
            for spec in specs
        )
    if _continues(order, (order.medication,)):
        return ()
    findings: list[Finding] = []
    scheduled = [spec for spec in fitting if spec.doses_mg]
    if len(scheduled) == len(fitting) and all(dose != spec.doses_mg[0] for spec in scheduled):
        findings.extend(
            Finding(
                "injectable.dose_differs_from_schedule",
                Severity.CAUTION,
                _("%(product)s: the label's first dose is %(first)s mg, not %(dose)s mg.")
                % {"product": spec.title, "first": spec.doses_mg[0], "dose": dose},
                spec.evidence,
                spec.preset_id,
            )
            for spec in scheduled
        )
    for spec in fitting:
        status = injection_schedule(spec.product, None, 0, as_of)
        findings.extend(f for f in status.findings if f.severity is not Severity.INFO)
    return tuple(findings)


def _continues(order: MedicationOrder, medications: Iterable[str]) -> bool:
    """True when the order replaces an order of one of ``medications``, or one is in force on
    the day before it starts."""
    medications = tuple(medications)
    if order.supersedes_id is not None and order.supersedes.medication in medications:
        return True
    day_before = order.start_date - timedelta(days=1)
    return (
        MedicationOrder.objects.filter(
            patient_id=order.patient_id,
            medication__in=medications,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
            start_date__lte=day_before,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day_before))
        .exclude(pk=order.pk)
        .exists()
    )


def _pregnancy_findings(order: MedicationOrder, profile: ProtocolProfile) -> tuple[Finding, ...]:
    option = _PREGNANCY_OPTIONS.get(Medication(order.medication))
    record = current_pregnancy(order.patient)
    if option is None or record is None:
        return ()
    return pregnancy.pregnancy_findings(option, pregnant=record.is_pregnant, profile=profile)


def require_allowed(verdict: Verdict, *, override_reason: str) -> tuple[str, ...]:
    """Raise unless the verdict allows the order; return the codes a reason overrides.

    (Signing already needs PRESCRIBE, so the prescriber check of :func:`allow_or_raise` is
    not repeated here.)
    """
    if verdict.check.allowed:
        return ()
    if not verdict.check.overridable or not override_reason.strip():
        raise RuleRefused(verdict.check, field="daily_dose_mg", fields=ORDER_FIELDS)
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

"""Give a long-acting injection: check the order, the product's window and the dose, audit.

``injection_give`` asks :func:`mooring.rules.injectables.injection_schedule` for the next
injection's window. Before the earliest day it refuses (``injection.not_yet_due``); a
prescriber may override that with a written reason, stored on the row and audited. The
numbers (intervals, doses) come only from the rules core's product presets.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ProblemSet, ValidationFailed
from mooring.core.time import now
from mooring.injections.models import InjectionAdministration
from mooring.injections.products import MEDICATION_PRODUCTS, PRODUCT_SITES, InjectionProduct
from mooring.medications import rules_bridge
from mooring.medications.access import require_giver
from mooring.medications.models import MedicationOrder
from mooring.medications.selectors import day_facts, dose_blocker
from mooring.patients.models import Patient
from mooring.rules.common import Finding, RulesError, Severity
from mooring.rules.injectables import (
    INJECTABLE_SPECS,
    InjectableProduct,
    InjectionStatus,
    InjectionTiming,
    injection_schedule,
)

# A tablet's clock a few minutes fast is not an injection "in the future"; more than this is.
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)


def series(patient: Patient, product: str) -> tuple[int, date | None, str]:
    """Injections of ``product`` given to the patient: count, last day, last site."""
    rows = InjectionAdministration.objects.filter(patient=patient, product=product)
    totals = rows.aggregate(count=Count("id"), last=Max("service_date"))
    last_site = rows.order_by("-service_date", "-id").values_list("site", flat=True).first()
    return totals["count"], totals["last"], last_site or ""


def resolve_product(order: MedicationOrder, product: str | None) -> InjectionProduct:
    """The product for this injection: given, the only one the order allows, or the last used."""
    choices = MEDICATION_PRODUCTS.get(order.medication)
    if choices is None:
        raise ValidationFailed(
            "This order is not for a long-acting injection.",
            code="order_not_injectable",
            field="order",
        )
    if product:
        if product not in choices:
            raise ValidationFailed(
                f"{order.get_medication_display()} is not given as {product}.",
                code="product_not_for_order",
                field="product",
            )
        return InjectionProduct(product)
    if len(choices) == 1:
        return choices[0]
    last = (
        InjectionAdministration.objects.filter(patient_id=order.patient_id, product__in=choices)
        .order_by("-service_date", "-id")
        .values_list("product", flat=True)
        .first()
    )
    if last is None:
        raise ValidationFailed(
            "Choose which product this first injection is.",
            code="product_required",
            field="product",
        )
    return InjectionProduct(last)


def schedule_for(patient: Patient, product: str, as_of: date) -> InjectionStatus:
    count, last, _site = series(patient, product)
    try:
        return injection_schedule(InjectableProduct(product), last, count, as_of)
    except RulesError as error:
        raise ValidationFailed(
            f"{error} (an injection was recorded after this day).",
            code="before_last_injection",
            field="administered_at",
        ) from None


def injection_findings(
    status: InjectionStatus,
    *,
    product: str,
    dose_mg: Decimal,
    order: MedicationOrder,
    site: str,
    last_site: str,
    expiry: date,
    service_date: date,
) -> tuple[Finding, ...]:
    """The rules core's findings plus the checks of this particular injection."""
    spec = INJECTABLE_SPECS[InjectableProduct(product)]
    profile = spec.preset_id
    found = list(status.findings)
    if status.status is InjectionTiming.NOT_YET_DUE:
        found.insert(
            0,
            Finding(
                "injection.not_yet_due",
                Severity.REFUSAL,
                f"{spec.title}: injection {status.injection_number} is not due until "
                f"{status.due}; the earliest day is {status.earliest}.",
                status.evidence,
                profile,
                overridable=True,
            ),
        )
    if dose_mg not in spec.strengths_mg:
        strengths = ", ".join(f"{s} mg" for s in spec.strengths_mg)
        found.append(
            Finding(
                "injection.dose_not_a_strength",
                Severity.REFUSAL,
                f"{dose_mg} mg is not a strength of {spec.title} ({strengths}).",
                spec.evidence,
                profile,
            )
        )
    elif dose_mg != order.daily_dose_mg:
        found.append(
            Finding(
                "injection.dose_not_ordered",
                Severity.REFUSAL,
                f"The order is for {order.daily_dose_mg} mg, not {dose_mg} mg; "
                "the prescriber changes the order first.",
                spec.evidence,
                profile,
            )
        )
    if status.next_dose_mg is not None and dose_mg != status.next_dose_mg:
        found.append(
            Finding(
                "injection.dose_differs_from_schedule",
                Severity.CAUTION,
                f"The label's dose for injection {status.injection_number} is "
                f"{status.next_dose_mg} mg.",
                spec.evidence,
                profile,
            )
        )
    if site not in PRODUCT_SITES[product]:
        found.append(
            Finding(
                "injection.site_not_for_product",
                Severity.REFUSAL,
                f"{spec.title} is not injected at {site}.",
                spec.evidence,
                profile,
            )
        )
    elif site == last_site:
        found.append(
            Finding(
                "injection.same_site_as_last",
                Severity.CAUTION,
                "The last injection was at the same site: rotate sites.",
                spec.evidence,
                profile,
            )
        )
    if expiry < service_date:
        found.append(
            Finding(
                "injection.product_expired",
                Severity.REFUSAL,
                f"This lot expired on {expiry}.",
                spec.evidence,
                profile,
            )
        )
    return tuple(found)


def injection_give(
    *,
    actor: Actor,
    order: MedicationOrder,
    site: str,
    lot: str,
    expiry: date,
    dose_mg: Decimal,
    administered_at: datetime | None = None,
    product: str | None = None,
    note: str = "",
    override_reason: str = "",
) -> InjectionAdministration:
    """Record a long-acting injection of a signed, active order.

    Refusals are :class:`~mooring.medications.rules_bridge.RuleRefused` with one problem per
    refusing rule (``injection.not_yet_due`` overridable by a prescriber's reason;
    ``injection.dose_not_a_strength``, ``injection.dose_not_ordered``,
    ``injection.site_not_for_product``, ``injection.product_expired`` never), or
    ``ValidationFailed`` with ``order_not_injectable``, ``product_required``,
    ``product_not_for_order``, the order's blockers (``order_not_signed``,
    ``order_not_started``, ``order_ended``, ``on_hold``, ``appears_sedated``), and
    ``Conflict`` ``already_injected_today``.
    """
    clinic = require_giver(actor, order.patient)
    entered_at = now()
    administered_at = administered_at or entered_at
    _check_input(administered_at, entered_at, lot, dose_mg)
    with transaction.atomic():
        # The patient row lock serialises injections for one person: a second nurse waits,
        # then sees the first injection in the schedule.
        patient = Patient.objects.select_for_update().get(pk=order.patient_id)
        order = MedicationOrder.objects.select_related("patient", "clinic").get(pk=order.pk)
        the_product = resolve_product(order, product)
        service_date = administered_at.astimezone(clinic.tz).date()
        profile = rules_bridge.profile_for(order.clinic)
        blocker, _advice = dose_blocker(
            order, service_date, day_facts(order, service_date), profile
        )
        if blocker is not None:
            raise ValidationFailed(blocker.message, code=blocker.code, field="order")
        _count, last_day, last_site = series(patient, the_product)
        if last_day == service_date:
            raise Conflict("This injection was already given today.", code="already_injected_today")
        status = schedule_for(patient, the_product, service_date)
        findings = injection_findings(
            status,
            product=the_product,
            dose_mg=dose_mg,
            order=order,
            site=site,
            last_site=last_site,
            expiry=expiry,
            service_date=service_date,
        )
        overridden = rules_bridge.allow_or_raise(
            findings,
            actor=actor,
            clinic=clinic,
            override_reason=override_reason,
            field="administered_at",
        )
        try:
            with transaction.atomic():
                injection = InjectionAdministration.objects.create(
                    patient=patient,
                    order=order,
                    clinic=clinic,
                    product=the_product,
                    injection_number=status.injection_number,
                    administered_at=administered_at,
                    service_date=service_date,
                    dose_mg=dose_mg,
                    site=site,
                    lot=lot.strip(),
                    expiry=expiry,
                    given_by=actor.user,
                    note=note.strip(),
                    earliest=status.earliest,
                    due=status.due,
                    latest=status.latest,
                    timing=str(status.status),
                    protocol_profile=INJECTABLE_SPECS[InjectableProduct(the_product)].preset_id,
                    rule_findings=[rules_bridge.finding_as_dict(f) for f in findings],
                    override_reason=override_reason.strip() if overridden else "",
                    override_rule_codes=list(overridden),
                    entered_at=entered_at,
                )
        except IntegrityError:
            raise Conflict(
                "This injection was already given today.", code="already_injected_today"
            ) from None
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="injection_administration",
            object_id=injection.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "order": str(order.uuid),
                "product": the_product,
                "injection_number": injection.injection_number,
                "dose_mg": str(dose_mg),
                "site": site,
                "lot": injection.lot,
                "expiry": expiry,
                "service_date": service_date,
                "timing": injection.timing,
                "profile": injection.protocol_profile,
                "findings": [f.code for f in findings],
                "override_rule_codes": list(overridden),
                "override_reason": injection.override_reason,
            },
        )
    return injection


def _check_input(
    administered_at: datetime, entered_at: datetime, lot: str, dose_mg: Decimal
) -> None:
    problems = ProblemSet()
    if administered_at.tzinfo is None:
        problems.add("administered_at", "naive_datetime", "The time given needs a time zone.")
    elif administered_at > entered_at + CLOCK_SKEW_ALLOWANCE:
        problems.add(
            "administered_at",
            "administered_in_future",
            "An injection cannot be recorded in the future.",
        )
    if not (lot or "").strip():
        problems.add("lot", "required", "Enter the lot number from the package.")
    if (
        isinstance(dose_mg, bool)
        or not isinstance(dose_mg, Decimal)
        or not dose_mg.is_finite()
        or dose_mg <= 0
    ):
        problems.add("dose_mg", "not_positive", "Enter a dose of more than 0 mg.")
    problems.raise_if_any()

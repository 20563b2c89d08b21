"""Long-acting injections, withdrawal medicines and naloxone: the staff pages.

Anyone with clinical access reads these pages. Giving (an injection, a withdrawal dose, a
naloxone kit) needs *Dose and dispense* or *Sign medication orders*; the services decide and
the pages answer 403 for a role without either. A rule's refusal comes back beside the form
with its rule, profile and sources; when the rule lets a prescriber override it, a
prescriber sees a field for the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, DomainError
from mooring.core.time import now, today_at
from mooring.injections.products import InjectionProduct
from mooring.injections.selectors import ScheduleRow, injection_history, injection_schedules
from mooring.injections.services import injection_give
from mooring.medications.rules_bridge import RuleRefused
from mooring.naloxone.selectors import naloxone_status
from mooring.naloxone.services import naloxone_kit_give, naloxone_offer_record
from mooring.patients.models import Patient
from mooring.web.access import actor_from
from mooring.web.forms_treatment import (
    OFFER_EVENTS,
    ImpairmentForm,
    InjectionForm,
    NaloxoneKitForm,
    NaloxoneOfferForm,
    WithdrawalDoseForm,
    WithdrawalSettingsForm,
    form_ids,
)
from mooring.web.selectors_treatment import (
    clinic_injections,
    latest_impairment,
    naloxone_kits,
    naloxone_offers,
    withdrawal_courses,
    withdrawal_settings_history,
)
from mooring.web.views.common import PageDenied, add_domain_errors, load_patient, staff_view
from mooring.withdrawal.selectors import CourseStatus, clonidine_enabled, withdrawal_doses
from mooring.withdrawal.services import (
    impairment_record,
    withdrawal_dose_give,
    withdrawal_settings_set,
)

OVERRIDE_NEEDS_PRESCRIBER = "override_needs_prescriber"
KIT_IDS, OFFER_IDS = "kit_%s", "offer_%s"  # two forms on the naloxone page, distinct ids


def _today(actor: Actor) -> date:
    assert actor.clinic is not None  # staff_view refused users without a clinic
    return today_at(actor.clinic.tz)


def _can(actor: Actor, capability: Capability) -> bool:
    return actor.clinic is not None and access.can(actor.user, capability, actor.clinic.id)


def _may_give(actor: Actor) -> bool:
    return _can(actor, Capability.DISPENSE) or _can(actor, Capability.PRESCRIBE)


def _require_giver(actor: Actor) -> None:
    """Giving needs DISPENSE or PRESCRIBE here; the services check again, per patient."""
    if not _may_give(actor):
        raise PageDenied(Capability.DISPENSE)


def _patient(actor: Actor, patient_uuid: object, purpose: str) -> Patient:
    return load_patient(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose=purpose)


@dataclass
class Refusal:
    """What a form shows about a rule's refusal: the findings, and whether a reason may pass."""

    findings: tuple[Any, ...]
    overridable: bool


def _apply_error(form: forms.Form, error: DomainError, actor: Actor) -> Refusal | None:
    """Put a service's refusal onto the form; a role that may not give at all gets a 403."""
    if isinstance(error, CapabilityDenied):
        if error.code != OVERRIDE_NEEDS_PRESCRIBER:
            raise PageDenied(Capability.DISPENSE) from None
        form.add_error(None, error.message)
        return None
    add_domain_errors(form, error)
    if isinstance(error, RuleRefused):
        return Refusal(error.findings, error.overridable and _can(actor, Capability.PRESCRIBE))
    return None


def _common(actor: Actor, patient: Patient) -> dict[str, Any]:
    return {
        "patient": patient,
        "naloxone": naloxone_status(patient, _today(actor)),
        "may_give": _may_give(actor),
        "may_prescribe": _can(actor, Capability.PRESCRIBE),
    }


@dataclass
class Entry:
    """One order on a page, with its form (bound after a refused attempt)."""

    row: Any
    form: forms.Form
    refusal: Refusal | None = None
    title: str = ""


def _entries(
    rows: list[Any],
    order_of: Callable[[Any], Any],
    make_form: Callable[[Any], forms.Form],
    attempt: tuple[Any, forms.Form, Refusal | None] | None,
) -> list[Entry]:
    entries = []
    for row in rows:
        order = order_of(row)
        if attempt is not None and attempt[0] == order.uuid:
            entries.append(Entry(row, attempt[1], attempt[2]))
        else:
            entries.append(Entry(row, make_form(row)))
    return entries


def _posted_order(request: HttpRequest, rows: list[Any], order_of: Callable[[Any], Any]) -> Any:
    """The row whose order the form names; only the patient's active orders qualify."""
    wanted = request.POST.get("order", "")
    for row in rows:
        if str(order_of(row).uuid) == wanted:
            return row
    raise Http404


# Injections ------------------------------------------------------------------------------


def _injection_form(row: ScheduleRow, data: Any = None) -> InjectionForm:
    return InjectionForm(
        data,
        medication=row.order.medication,
        product=row.product,
        auto_id=form_ids(row.order.uuid),
        initial={"order": row.order.uuid, "dose_mg": row.order.daily_dose_mg},
    )


def _injection_page(
    request: HttpRequest,
    actor: Actor,
    patient: Patient,
    *,
    rows: list[ScheduleRow] | None = None,
    attempt: tuple[Any, forms.Form, Refusal | None] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = _today(actor)
    rows = rows if rows is not None else injection_schedules(patient, today)
    entries = _entries(rows, lambda r: r.order, _injection_form, attempt)
    for entry in entries:
        order = entry.row.order
        entry.title = (
            str(InjectionProduct(entry.row.product).label)
            if entry.row.product
            else order.get_medication_display()
        )
    context = {
        **_common(actor, patient),
        "today": today,
        "entries": entries,
        "history": list(injection_history(patient)),
    }
    return render(request, "web/treatment/injections.html", context, status=status)


@staff_view(Capability.VIEW_CLINICAL)
def patient_injections(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    return _injection_page(request, actor, _patient(actor, patient_uuid, "injections"))


@staff_view(Capability.VIEW_CLINICAL)
@require_POST
def injection_give_view(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    _require_giver(actor)
    patient = _patient(actor, patient_uuid, "injection_give")
    rows = injection_schedules(patient, _today(actor))
    row = _posted_order(request, rows, lambda r: r.order)
    form = _injection_form(row, request.POST)
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            injection = injection_give(
                actor=actor,
                order=row.order,
                site=data["site"],
                lot=data["lot"],
                expiry=data["expiry"],
                dose_mg=data["dose_mg"],
                product=data.get("product") or None,
                note=data["note"],
                override_reason=data["override_reason"],
            )
        except DomainError as error:
            refusal = _apply_error(form, error, actor)
        else:
            messages.success(
                request,
                _("Injection %(number)s recorded: %(product)s, %(site)s.")
                % {
                    "number": injection.injection_number,
                    "product": injection.get_product_display(),
                    "site": injection.get_site_display(),
                },
            )
            return redirect("web:patient_injections", patient.uuid)
    return _injection_page(
        request, actor, patient, rows=rows, attempt=(row.order.uuid, form, refusal), status=422
    )


@staff_view(Capability.VIEW_CLINICAL)
def clinic_injection_list(request: HttpRequest) -> HttpResponse:
    """Due and overdue injections at the current clinic (constant queries)."""
    actor = actor_from(request)
    today = _today(actor)
    assert actor.clinic is not None
    lists = clinic_injections(actor.clinic, today)
    sections = [
        (_("Overdue"), lists.overdue, _("No one is overdue for an injection.")),
        (_("Due now"), lists.due, _("No injections are due today.")),
    ]
    return render(
        request,
        "web/treatment/injection_list.html",
        {"lists": lists, "sections": sections, "today": today},
    )


# Withdrawal medicines --------------------------------------------------------------------


def _dose_form(course: CourseStatus, data: Any = None) -> WithdrawalDoseForm:
    return WithdrawalDoseForm(
        data,
        auto_id=form_ids(course.order.uuid),
        initial={"order": course.order.uuid, "dose_mg": course.order.per_administration_mg},
    )


def _withdrawal_page(
    request: HttpRequest,
    actor: Actor,
    patient: Patient,
    *,
    courses: list[CourseStatus] | None = None,
    attempt: tuple[Any, forms.Form, Refusal | None] | None = None,
    impairment_form: ImpairmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = _today(actor)
    if courses is None:
        courses = withdrawal_courses(patient, today, now())
    context = {
        **_common(actor, patient),
        "entries": _entries(courses, lambda c: c.order, _dose_form, attempt),
        "history": list(withdrawal_doses(patient)),
        "impairment": latest_impairment(patient),
        "impairment_form": impairment_form or ImpairmentForm(initial={"assessed_on": today}),
    }
    return render(request, "web/treatment/withdrawal.html", context, status=status)


@staff_view(Capability.VIEW_CLINICAL)
def patient_withdrawal(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    return _withdrawal_page(request, actor, _patient(actor, patient_uuid, "withdrawal"))


@staff_view(Capability.VIEW_CLINICAL)
@require_POST
def withdrawal_dose_give_view(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    _require_giver(actor)
    patient = _patient(actor, patient_uuid, "withdrawal_dose_give")
    courses = withdrawal_courses(patient, _today(actor), now())
    course = _posted_order(request, courses, lambda c: c.order)
    form = _dose_form(course, request.POST)
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            dose = withdrawal_dose_give(
                actor=actor,
                order=course.order,
                dose_mg=data["dose_mg"],
                pulse_bpm=data["pulse_bpm"],
                systolic_mmhg=data["systolic_mmhg"],
                diastolic_mmhg=data["diastolic_mmhg"],
                note=data["note"],
                override_reason=data["override_reason"],
            )
        except DomainError as error:
            refusal = _apply_error(form, error, actor)
        else:
            messages.success(
                request,
                _("%(medicine)s %(dose)s mg recorded (day %(day)s of the course).")
                % {
                    "medicine": course.order.get_medication_display(),
                    "dose": dose.dose_mg.normalize(),
                    "day": dose.day_of_course,
                },
            )
            return redirect("web:patient_withdrawal", patient.uuid)
    return _withdrawal_page(
        request,
        actor,
        patient,
        courses=courses,
        attempt=(course.order.uuid, form, refusal),
        status=422,
    )


@staff_view(Capability.PRESCRIBE)
@require_POST
def impairment_record_view(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    patient = load_patient(actor, patient_uuid, Capability.PRESCRIBE, purpose="impairment_record")
    form = ImpairmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            impairment_record(
                actor=actor,
                patient=patient,
                hepatic=data["hepatic"],
                renal=data["renal"],
                assessed_on=data["assessed_on"],
                note=data["note"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Impairment grades recorded."))
            return redirect("web:patient_withdrawal", patient.uuid)
    return _withdrawal_page(request, actor, patient, impairment_form=form, status=422)


@staff_view(Capability.VIEW_CLINICAL)
def withdrawal_settings(request: HttpRequest) -> HttpResponse:
    """The clinic's clonidine choice: everyone clinical reads it, a prescriber changes it."""
    actor = actor_from(request)
    assert actor.clinic is not None
    enabled = clonidine_enabled(actor.clinic)
    form = WithdrawalSettingsForm(initial={"clonidine_enabled": enabled})
    status = 200
    if request.method == "POST":
        if not _can(actor, Capability.PRESCRIBE):
            raise PageDenied(Capability.PRESCRIBE)
        form = WithdrawalSettingsForm(request.POST)
        if form.is_valid():
            try:
                withdrawal_settings_set(
                    actor=actor,
                    clonidine_enabled=form.cleaned_data["clonidine_enabled"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("The clinic's withdrawal settings are saved."))
                return redirect("web:withdrawal_settings")
        status = 422
    context = {
        "clinic": actor.clinic,
        "enabled": enabled,
        "history": list(withdrawal_settings_history(actor.clinic)),
        "form": form,
        "may_prescribe": _can(actor, Capability.PRESCRIBE),
    }
    return render(request, "web/treatment/withdrawal_settings.html", context, status=status)


# Naloxone --------------------------------------------------------------------------------


def _naloxone_page(
    request: HttpRequest,
    actor: Actor,
    patient: Patient,
    *,
    kit_form: NaloxoneKitForm | None = None,
    offer_form: NaloxoneOfferForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _common(actor, patient)
    naloxone = context["naloxone"]
    event = str(naloxone.event) if naloxone.event else None
    context.update(
        {
            "kits": list(naloxone_kits(patient)),
            "offers": list(naloxone_offers(patient)),
            "event_label": OFFER_EVENTS.get(event) if event else None,
            "kit_form": kit_form or NaloxoneKitForm(auto_id=KIT_IDS),
            "offer_form": offer_form
            or NaloxoneOfferForm(auto_id=OFFER_IDS, initial={"event": event or "other_visit"}),
        }
    )
    return render(request, "web/treatment/naloxone.html", context, status=status)


@staff_view(Capability.VIEW_CLINICAL)
def patient_naloxone(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    return _naloxone_page(request, actor, _patient(actor, patient_uuid, "naloxone"))


@staff_view(Capability.VIEW_CLINICAL)
@require_POST
def naloxone_kit_give_view(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    _require_giver(actor)
    patient = _patient(actor, patient_uuid, "naloxone_kit_give")
    form = NaloxoneKitForm(request.POST, auto_id=KIT_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            kit = naloxone_kit_give(
                actor=actor,
                patient=patient,
                product=data["product"],
                quantity=data["quantity"],
                lot=data["lot"],
                expiry=data["expiry"],
                recipient=data["recipient"],
                recipient_name=data["recipient_name"],
                recipient_relationship=data["recipient_relationship"],
                training_recorded=data["training_recorded"],
                training_note=data["training_note"],
                note=data["note"],
            )
        except DomainError as error:
            _apply_error(form, error, actor)
        else:
            messages.success(
                request,
                _("Naloxone recorded: %(quantity)s × %(product)s.")
                % {"quantity": kit.quantity, "product": kit.get_product_display()},
            )
            return redirect("web:patient_naloxone", patient.uuid)
    return _naloxone_page(request, actor, patient, kit_form=form, status=422)


@staff_view(Capability.VIEW_CLINICAL)
@require_POST
def naloxone_offer_record_view(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    _require_giver(actor)
    patient = _patient(actor, patient_uuid, "naloxone_offer_record")
    form = NaloxoneOfferForm(request.POST, auto_id=OFFER_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            naloxone_offer_record(
                actor=actor,
                patient=patient,
                event=data["event"],
                outcome=data["outcome"],
                note=data["note"],
            )
        except DomainError as error:
            _apply_error(form, error, actor)
        else:
            messages.success(request, _("The naloxone offer is recorded."))
            return redirect("web:patient_naloxone", patient.uuid)
    return _naloxone_page(request, actor, patient, offer_form=form, status=422)

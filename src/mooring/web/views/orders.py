"""The prescriber's medication page: orders (append-only), holds, QTc, flags, dose history.

Anyone with clinical access reads the page; only a prescriber (PRESCRIBE) writes. Signing
asks the rules core through ``order_sign``: refusals and cautions are shown with their rule,
profile and sources, and a refusal the rule lets a prescriber override asks for a reason.

The new-order and change forms carry "About the start" (the last opioid and when it was
last used, in the current clinic's time zone; the COWS score; the naloxone challenge). A
refusal about one of those (``last_opioid_use_at``, ``cows_score`` ...) is shown beside it:
on the change form itself, and for a new order on the sign page, which offers the refused
draft back as a form to correct (a new draft) beside the override with a reason.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability
from mooring.core.context import Actor
from mooring.core.errors import DomainError, ValidationFailed
from mooring.core.time import today_at
from mooring.medications.models import DoseHold, MedicationOrder, PrescriberFlag
from mooring.medications.rules_bridge import RuleRefused
from mooring.medications.services import (
    flag_acknowledge,
    hold_place,
    hold_release,
    missed_dose_review,
    order_change,
    order_draft,
    order_end,
    order_sign,
    qtc_record,
)
from mooring.patients.models import Patient
from mooring.web.access import actor_from
from mooring.web.forms_dosing import (
    ChangeForm,
    EndForm,
    HoldForm,
    OrderForm,
    OverrideForm,
    QtcForm,
    ReasonForm,
    ReviewForm,
)
from mooring.web.selectors_dosing import medication_page, order_of
from mooring.web.views.common import add_domain_errors, load_patient, posted, staff_view
from mooring.web.views.patients import CLINICAL_TABS


def _today(actor: Actor) -> Any:
    return today_at(_tz(actor))


def _tz(actor: Actor) -> zoneinfo.ZoneInfo:
    """The current clinic's zone: the start fields' wall-clock times are read in it."""
    assert actor.clinic is not None
    return actor.clinic.tz


def _beside_fields(form: Any, error: DomainError) -> None:
    """Put a refusal's problems beside the fields they are about (the table keeps them all)."""
    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            if problem.field in form.fields:
                form.add_error(problem.field, problem.message)


def _patient(actor: Actor, patient_uuid: object, purpose: str) -> Patient:
    return load_patient(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose=purpose)


def _order(patient: Patient, order_uuid: object) -> MedicationOrder:
    try:
        return order_of(patient, order_uuid)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


def _page(
    request: HttpRequest, actor: Actor, patient: Patient, status: int = 200, **forms: Any
) -> HttpResponse:
    today = _today(actor)
    context = {
        "patient": patient,
        "page": medication_page(patient, today, clinic=actor.clinic),
        "tabs": list(CLINICAL_TABS.items()),
        "tab": "medication",
        "order_form": OrderForm(initial={"start_date": today}, tz=_tz(actor)),
        "qtc_form": QtcForm(initial={"measured_on": today}),
        "hold_form": HoldForm(initial={"starts_on": today}),
        **forms,
    }
    return render(request, "web/orders/medication.html", context, status=status)


@staff_view(Capability.VIEW_CLINICAL)
def patient_medication(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    return _page(request, actor, _patient(actor, patient_uuid, "chart:medication"))


def _findings(error: DomainError) -> dict[str, Any]:
    """What the sign and change pages show about a refusal."""
    if isinstance(error, RuleRefused):
        return {"findings": error.check.findings, "overridable": error.overridable}
    return {"findings": (), "overridable": False}


@staff_view(Capability.PRESCRIBE)
def order_new(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """Draft an order and try to sign it; a refusal leaves the draft to sign with a reason."""
    actor = actor_from(request)
    patient = _patient(actor, patient_uuid, "order_new")
    form = OrderForm(posted(request), tz=_tz(actor))
    if request.method != "POST" or not form.is_valid():
        return _page(request, actor, patient, status=422 if form.errors else 200, order_form=form)
    try:
        draft = order_draft(actor=actor, patient=patient, data=form.draft())
    except DomainError as error:
        add_domain_errors(form, error)
        return _page(request, actor, patient, status=422, order_form=form)
    return _sign(request, actor, patient, draft, OverrideForm(), correction=form)


@staff_view(Capability.PRESCRIBE)
def order_sign_view(request: HttpRequest, patient_uuid: object, order_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    patient = _patient(actor, patient_uuid, "order_sign")
    order = _order(patient, order_uuid)
    form = OverrideForm(posted(request))
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "web/orders/sign.html",
            {"patient": patient, "order": order, "form": form, "findings": ()},
        )
    return _sign(request, actor, patient, order, form)


def _sign(
    request: HttpRequest,
    actor: Actor,
    patient: Patient,
    order: MedicationOrder,
    form: OverrideForm,
    *,
    correction: OrderForm | None = None,
) -> HttpResponse:
    """Sign ``order``; on a refusal, the sign page with the draft offered back to correct.

    ``correction`` is the new-order form just posted (its draft was saved, not signed);
    from the sign page itself the draft's own values fill it.
    """
    reason = form.cleaned_data.get("override_reason", "") if form.is_bound else ""
    try:
        order = order_sign(actor=actor, order=order, override_reason=reason)
    except DomainError as error:
        if not isinstance(error, RuleRefused):
            add_domain_errors(form, error)
        context = {
            "patient": patient,
            "order": order,
            "form": form,
            "refusal": error,
            "saved_as_draft": correction is not None,
            **_findings(error),
        }
        if isinstance(error, RuleRefused):
            fix = correction or OrderForm(OrderForm.data_of(order, _tz(actor)), tz=_tz(actor))
            if fix.is_valid():
                _beside_fields(fix, error)
                context["correction"] = fix
        return render(request, "web/orders/sign.html", context, status=422)
    messages.success(request, _("Signed the order: %(order)s.") % {"order": _describe(order)})
    return redirect("web:patient_medication", patient_uuid=patient.uuid)


def _describe(order: MedicationOrder) -> str:
    return _("%(medication)s %(mg)s mg a day from %(start)s") % {
        "medication": order.get_medication_display(),
        "mg": f"{order.daily_dose_mg.normalize():f}",
        "start": order.start_date.isoformat(),
    }


@staff_view(Capability.PRESCRIBE)
def order_change_view(
    request: HttpRequest, patient_uuid: object, order_uuid: object
) -> HttpResponse:
    actor = actor_from(request)
    patient = _patient(actor, patient_uuid, "order_change")
    order = _order(patient, order_uuid)
    form = ChangeForm(
        posted(request), initial=ChangeForm.initial_of(order, _today(actor)), tz=_tz(actor)
    )
    context: dict[str, Any] = {"patient": patient, "order": order, "form": form, "findings": ()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = order_change(
                actor=actor,
                previous=order,
                start_date=data["start_date"],
                daily_dose_mg=data["daily_dose_mg"],
                split=data["split"],
                phase=data["phase"],
                override_reason=data["override_reason"],
                **form.start_context(),
            )
        except DomainError as error:
            if isinstance(error, RuleRefused):
                _beside_fields(form, error)
            else:
                add_domain_errors(form, error)
            context.update(refusal=error, **_findings(error))
        else:
            messages.success(
                request, _("Changed the order: %(order)s.") % {"order": _describe(new)}
            )
            return redirect("web:patient_medication", patient_uuid=patient.uuid)
    status = 422 if form.errors or "refusal" in context else 200
    return render(request, "web/orders/change.html", context, status=status)


@staff_view(Capability.PRESCRIBE)
def order_end_view(request: HttpRequest, patient_uuid: object, order_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    patient = _patient(actor, patient_uuid, "order_end")
    order = _order(patient, order_uuid)
    form = EndForm(posted(request), initial={"end_date": _today(actor)})
    if request.method == "POST" and form.is_valid():
        try:
            order_end(
                actor=actor,
                order=order,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Ended the order."))
            return redirect("web:patient_medication", patient_uuid=patient.uuid)
    return render(
        request,
        "web/orders/end.html",
        {"patient": patient, "order": order, "form": form},
        status=422 if form.errors else 200,
    )


def _post_small(
    request: HttpRequest, patient_uuid: object, form_name: str, form: Any, act: Any, done: str
) -> HttpResponse:
    """A small form on the medication page: act, then back to the page (or show the error)."""
    actor = actor_from(request)
    patient = _patient(actor, patient_uuid, form_name)
    if request.method != "POST":
        return redirect("web:patient_medication", patient_uuid=patient.uuid)
    if form.is_valid():
        try:
            act(actor, patient, form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("web:patient_medication", patient_uuid=patient.uuid)
    return _page(request, actor, patient, status=422, **{form_name: form})


@staff_view(Capability.PRESCRIBE)
def medication_qtc(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    def act(actor: Actor, patient: Patient, data: dict[str, Any]) -> None:
        qtc_record(
            actor=actor, patient=patient, measured_on=data["measured_on"], qtc_ms=data["qtc_ms"]
        )

    return _post_small(
        request, patient_uuid, "qtc_form", QtcForm(posted(request)), act, _("Recorded the QTc.")
    )


@staff_view(Capability.PRESCRIBE)
def medication_hold(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    def act(actor: Actor, patient: Patient, data: dict[str, Any]) -> None:
        hold_place(
            actor=actor,
            patient=patient,
            reason=data["reason"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            medication=data["medication"],
        )

    return _post_small(
        request,
        patient_uuid,
        "hold_form",
        HoldForm(posted(request)),
        act,
        _("Placed the hold. The dosing window will not give the dose."),
    )


@staff_view(Capability.PRESCRIBE)
def medication_hold_release(
    request: HttpRequest, patient_uuid: object, hold_uuid: object
) -> HttpResponse:
    def act(actor: Actor, patient: Patient, data: dict[str, Any]) -> None:
        hold = DoseHold.objects.filter(patient=patient, uuid=hold_uuid).first()
        if hold is None:
            raise Http404
        hold_release(actor=actor, hold=hold, reason=data["reason"])

    return _post_small(
        request,
        patient_uuid,
        "release_form",
        ReasonForm(posted(request)),
        act,
        _("Released the hold."),
    )


@staff_view(Capability.PRESCRIBE)
def medication_review(
    request: HttpRequest, patient_uuid: object, order_uuid: object
) -> HttpResponse:
    def act(actor: Actor, patient: Patient, data: dict[str, Any]) -> None:
        missed_dose_review(actor=actor, order=_order(patient, order_uuid), note=data["note"])

    return _post_small(
        request,
        patient_uuid,
        "review_form",
        ReviewForm(posted(request)),
        act,
        _("Recorded the review; today's dose may be given as ordered."),
    )


@staff_view(Capability.PRESCRIBE)
def medication_flag_acknowledge(
    request: HttpRequest, patient_uuid: object, flag_uuid: object
) -> HttpResponse:
    def act(actor: Actor, patient: Patient, data: dict[str, Any]) -> None:
        flag = PrescriberFlag.objects.filter(patient=patient, uuid=flag_uuid).first()
        if flag is None:
            raise Http404
        flag_acknowledge(actor=actor, flag=flag)

    return _post_small(
        request,
        patient_uuid,
        "ack_form",
        ReasonForm({"reason": "-"}),
        act,
        _("Acknowledged the flag."),
    )

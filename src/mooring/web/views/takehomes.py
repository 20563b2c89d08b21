"""Take-home pages: issue at the window, labels, returns, recalls, the assessment, the report.

Every decision is the take-homes app's: the rules core says how many days may go home
(``takehome_issue`` asks it again when the nurse posts), the services check who may act and
audit. These views parse the input, make one service or selector call and show the answer,
with the rule's code and its sources when Mooring refuses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, DomainError, NotFoundOrForbidden
from mooring.core.time import today_at
from mooring.medications import rules_bridge as medication_rules
from mooring.patients.models import Patient
from mooring.takehomes.models import TakeHomeBottle, TakeHomeConcern, TakeHomeRecall
from mooring.takehomes.selectors import (
    assessment_history,
    latest_assessment,
    open_recall_for,
    outstanding_bottles,
    returns_due,
)
from mooring.takehomes.services import (
    takehome_assessment_record,
    takehome_concern_acknowledge,
    takehome_issue,
    takehome_labels_print,
    takehome_recall_record,
    takehome_recall_request,
    takehome_return_check,
)
from mooring.web.access import actor_from, current_clinic, forbidden
from mooring.web.forms_takehomes import (
    AssessmentForm,
    ConcernAcknowledgeForm,
    IssueForm,
    RangeForm,
    RecallRecordForm,
    RecallRequestForm,
    ReturnCheckForm,
    criterion_label,
)
from mooring.web.selectors_takehomes import (
    IssueEntry,
    issue_page,
    takehome_report,
    worklist,
)
from mooring.web.views.common import View, add_domain_errors, load_patient, posted, staff_view
from mooring.web.views.patients import CLINICAL_TABS

REPORT_DEFAULT_DAYS = 7


def staff_view_any(*capabilities: Capability) -> Callable[[View], View]:
    """Like ``staff_view``, for a page any one of several capabilities may open."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            clinic = current_clinic(request)
            if clinic is None or not any(
                access.can(request.user, c, clinic.id) for c in capabilities
            ):
                return forbidden(request, " / ".join(str(c.label) for c in capabilities))
            try:
                return view(request, *args, **kwargs)
            except NotFoundOrForbidden:
                raise Http404 from None
            except CapabilityDenied:
                return forbidden(request, " / ".join(str(c.label) for c in capabilities))

        wrapper.mooring_capability = capabilities  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _clinic(actor: Actor) -> Clinic:
    assert actor.clinic is not None  # the decorators refuse users without a clinic
    return actor.clinic


def _today(actor: Actor) -> date:
    return today_at(_clinic(actor).tz)


def _uuids(values: list[str]) -> list[uuid.UUID]:
    """UUIDs from repeated and/or comma-separated query values; anything else is a 404."""
    found = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                try:
                    found.append(uuid.UUID(part.strip()))
                except ValueError:
                    raise Http404 from None
    return found


# Issue at the window ---------------------------------------------------------------------


def _issue_forms(
    entries: list[IssueEntry], request: HttpRequest | None = None
) -> list[tuple[IssueEntry, IssueForm]]:
    """A form per order; the posted one keeps the posted data."""
    chosen = request.POST.get("order", "") if request is not None else ""
    rows = []
    for entry in entries:
        mine = str(entry.order.uuid) == chosen
        rows.append(
            (
                entry,
                IssueForm(
                    request.POST if mine and request is not None else None,
                    day_choices=entry.day_choices,
                    bottles=entry.bottles,
                    initial={
                        "order": entry.order.uuid,
                        "dates": [d.isoformat() for d in entry.due.pending_dates],
                        "stock_bottle": str(entry.bottles[0].uuid) if entry.bottles else "",
                    },
                ),
            )
        )
    return rows


def _render_issue(
    request: HttpRequest,
    patient: Patient,
    rows: list[tuple[IssueEntry, IssueForm]],
    *,
    refusal: DomainError | None = None,
    issued: list[TakeHomeBottle] | None = None,
) -> HttpResponse:
    failed = refusal is not None or any(form.errors for _e, form in rows)
    labels_url = ""
    if issued:
        query = urlencode({"bottles": ",".join(str(b.uuid) for b in issued)})
        labels_url = f"{reverse('web:takehome_labels')}?{query}"
    return render(
        request,
        "web/takehomes/issue.html",
        {
            "patient": patient,
            "rows": rows,
            "refusal": refusal,
            "issued": issued or [],
            "labels_url": labels_url,
        },
        status=422 if failed else 200,
    )


@staff_view(Capability.DISPENSE)
def takehome_issue_view(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """What the rule allows today for the person at the window; POST hands the bottles over."""
    actor = actor_from(request)
    patient = load_patient(actor, patient_uuid, Capability.DISPENSE, purpose="takehome_issue")
    page = issue_page(patient, _clinic(actor), _today(actor))
    if request.method != "POST":
        wanted = _uuids(request.GET.getlist("issued"))
        issued = list(
            TakeHomeBottle.objects.filter(patient=patient, uuid__in=wanted).order_by("for_date")
        )
        return _render_issue(request, patient, _issue_forms(page.entries), issued=issued)
    rows = _issue_forms(page.entries, request)
    posted_row = next(((e, f) for e, f in rows if f.is_bound), None)
    if posted_row is None:  # an order that is not (or no longer) in force here today
        raise Http404
    entry, form = posted_row
    if not form.is_valid():
        return _render_issue(request, patient, rows)
    try:
        bottles = takehome_issue(
            actor=actor,
            order=entry.order,
            dates=form.cleaned_data["dates"],
            stock_bottle=form.stock(),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except CapabilityDenied:
        raise
    except DomainError as error:
        add_domain_errors(form, error)
        return _render_issue(request, patient, rows, refusal=error)
    messages.success(
        request,
        _("Handed over %(count)s take-home bottle(s): %(codes)s.")
        % {"count": len(bottles), "codes": ", ".join(b.code for b in bottles)},
    )
    query = urlencode({"issued": ",".join(str(b.uuid) for b in bottles)})
    return redirect(f"{reverse('web:takehome_issue', args=[patient.uuid])}?{query}")


@staff_view(Capability.DISPENSE)
def takehome_labels(request: HttpRequest) -> HttpResponse:
    """The labels of ``?bottles=<uuid>,<uuid>`` as a PDF; every print is audited."""
    actor = actor_from(request)
    wanted = set(_uuids(request.GET.getlist("bottles")))
    bottles = list(
        TakeHomeBottle.objects.filter(uuid__in=wanted).select_related("patient", "issue")
    )
    if not wanted or len(bottles) != len(wanted):
        raise Http404
    for patient_uuid in sorted({b.patient.uuid for b in bottles}):
        load_patient(actor, patient_uuid, Capability.DISPENSE, purpose="takehome_labels")
    pdf = takehome_labels_print(actor=actor, bottles=bottles)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="take-home-labels.pdf"'
    return response


# Returns -----------------------------------------------------------------------------------


@staff_view(Capability.DISPENSE)
def takehome_returns(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """Bottles due back from the person at the window: returned empty, not returned, tampered."""
    actor = actor_from(request)
    patient = load_patient(actor, patient_uuid, Capability.DISPENSE, purpose="takehome_returns")
    today = _today(actor)
    due = list(returns_due(_clinic(actor), today, patient=patient))
    data = posted(request)
    rows = []
    for bottle in due:
        mine = data is not None and f"{bottle.code}-bottle" in data
        rows.append(
            (
                bottle,
                ReturnCheckForm(
                    data if mine else None, prefix=bottle.code, initial={"bottle": bottle.uuid}
                ),
            )
        )
    posted_row = next(((b, f) for b, f in rows if f.is_bound), None)
    if data is not None and posted_row is None:
        raise Http404  # already checked in, or not this person's
    if posted_row is not None:
        bottle, form = posted_row
        if form.is_valid():
            try:
                takehome_return_check(
                    actor=actor,
                    bottle=bottle,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except CapabilityDenied:
                raise
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Checked in bottle %(code)s.") % {"code": bottle.code})
                return redirect("web:takehome_returns", patient_uuid=patient.uuid)
    return render(
        request,
        "web/takehomes/returns.html",
        {
            "patient": patient,
            "rows": rows,
            "holding": list(outstanding_bottles(patient, today)),
        },
        status=422 if any(f.errors for _b, f in rows) else 200,
    )


# The clinic worklist -----------------------------------------------------------------------


@staff_view_any(Capability.DISPENSE, Capability.PRESCRIBE)
def takehome_worklist(request: HttpRequest) -> HttpResponse:
    """The clinic's take-homes: bottles out, due back, open recalls and open concerns."""
    actor = actor_from(request)
    return render(
        request,
        "web/takehomes/worklist.html",
        {"page": worklist(actor, _clinic(actor), _today(actor))},
    )


@staff_view(Capability.PRESCRIBE)
def takehome_concern_acknowledge_view(request: HttpRequest, concern_uuid: object) -> HttpResponse:
    if request.method != "POST":
        return redirect("web:takehome_worklist")
    actor = actor_from(request)
    try:
        concern = TakeHomeConcern.objects.select_related("patient").get(uuid=concern_uuid)
    except ObjectDoesNotExist:
        raise Http404 from None
    load_patient(actor, concern.patient.uuid, Capability.PRESCRIBE, purpose="takehome_concern")
    form = ConcernAcknowledgeForm(request.POST)
    form.is_valid()
    try:
        takehome_concern_acknowledge(
            actor=actor, concern=concern, note=form.cleaned_data.get("note", "")
        )
    except CapabilityDenied:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Concern acknowledged."))
    return redirect("web:takehome_worklist")


# Recalls -----------------------------------------------------------------------------------


@staff_view(Capability.PRESCRIBE)
def takehome_recall_request_view(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """The prescriber calls the person back with every bottle they hold."""
    actor = actor_from(request)
    clinic = _clinic(actor)
    patient = load_patient(actor, patient_uuid, Capability.PRESCRIBE, purpose="takehome_recall")
    form = RecallRequestForm(
        posted(request),
        tz=clinic.tz,
        initial={"due_by": (_today(actor) + timedelta(days=1)).strftime("%Y-%m-%dT12:00")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            takehome_recall_request(
                actor=actor,
                patient=patient,
                reason=form.cleaned_data["reason"],
                due_by=form.cleaned_data["due_by"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Recall requested: %(name)s is asked to bring every take-home bottle in.")
                % {"name": patient.display_name},
            )
            return redirect("web:patient_medication", patient_uuid=patient.uuid)
    return render(
        request,
        "web/takehomes/recall_request.html",
        {
            "patient": patient,
            "form": form,
            "holding": list(outstanding_bottles(patient, _today(actor))),
            "open_recall": open_recall_for(patient),
        },
        status=422 if form.errors else 200,
    )


@staff_view(Capability.DISPENSE)
def takehome_recall_record_view(request: HttpRequest, recall_uuid: object) -> HttpResponse:
    """The nurse records what the recall found."""
    actor = actor_from(request)
    try:
        recall = TakeHomeRecall.objects.select_related("patient", "requested_by").get(
            uuid=recall_uuid
        )
    except ObjectDoesNotExist:
        raise Http404 from None
    patient = load_patient(actor, recall.patient.uuid, Capability.DISPENSE, purpose="recall")
    form = RecallRecordForm(
        posted(request), bottles=list(outstanding_bottles(patient, _today(actor)))
    )
    if request.method == "POST" and form.is_valid():
        try:
            takehome_recall_record(
                actor=actor,
                recall=recall,
                outcome=form.cleaned_data["outcome"],
                bottles_seen=form.chosen("bottles_seen"),
                bottles_retained=form.chosen("bottles_retained"),
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Recall recorded."))
            return redirect("web:takehome_worklist")
    return render(
        request,
        "web/takehomes/recall_record.html",
        {"patient": patient, "recall": recall, "form": form},
        status=422 if form.errors else 200,
    )


# The prescriber's assessment -------------------------------------------------------------


@staff_view(Capability.VIEW_CLINICAL)
def takehome_assessment(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """The take-home criteria: anyone clinical reads the history, a prescriber records."""
    actor = actor_from(request)
    patient = load_patient(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="takehome_assessment"
    )
    profile = medication_rules.profile_for(_clinic(actor))
    latest = latest_assessment(patient)
    form = AssessmentForm(
        posted(request),
        criteria=profile.take_homes.criteria.value,
        initial={"criteria_met": latest.criteria_met if latest else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            takehome_assessment_record(
                actor=actor,
                patient=patient,
                criteria_met=form.cleaned_data["criteria_met"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Take-home criteria assessment recorded."))
            return redirect("web:takehome_assessment", patient_uuid=patient.uuid)
    history = [
        (a, [criterion_label(c) for c in a.criteria_met]) for a in assessment_history(patient)
    ]
    return render(
        request,
        "web/takehomes/assessment.html",
        {
            "patient": patient,
            "form": form,
            "profile": profile,
            "history": history,
            "tabs": list(CLINICAL_TABS.items()),
            "tab": "medication",
        },
        status=422 if form.errors else 200,
    )


# The report --------------------------------------------------------------------------------


@staff_view_any(Capability.MANAGE_INVENTORY, Capability.DISPENSE)
def takehome_report_view(request: HttpRequest) -> HttpResponse:
    """Take-home bottles out and returned for dates in a range (a week to today by default)."""
    actor = actor_from(request)
    today = _today(actor)
    form = RangeForm(request.GET or None)
    start, end = today - timedelta(days=REPORT_DEFAULT_DAYS - 1), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    if form.is_bound and form.errors:
        report = None
    else:
        report = takehome_report(actor, _clinic(actor), start, end)
    return render(
        request,
        "web/takehomes/report.html",
        {"form": form, "report": report},
        status=422 if form.errors else 200,
    )

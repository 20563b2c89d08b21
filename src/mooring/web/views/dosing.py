"""The dosing window: today's queue, the dispense screen and the sedation check.

The nurse scans or types an MRN, the page jumps to the person, shows their photo beside the
dose, and the Dispense button posts once with a request key minted when the page was drawn,
so a double click or a retry never doses twice. Every safety decision is the domain's
(``dose_blocker`` and ``dose_dispense``); this module only asks and shows the answer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, DomainError
from mooring.core.time import today_at
from mooring.medications.services import dose_dispense, sedation_record
from mooring.web.access import actor_from
from mooring.web.forms_dosing import DispenseForm, SedationForm
from mooring.web.selectors_dosing import FILTERS, Window, WindowOrder, queue_for, window_for
from mooring.web.views.common import load_patient, posted, staff_view


def _today(actor: Actor) -> Any:
    assert actor.clinic is not None  # staff_view refused users without a clinic
    return today_at(actor.clinic.tz)


@staff_view(Capability.DISPENSE)
def dosing_queue(request: HttpRequest) -> HttpResponse:
    """Today's queue here, a page of rows at a time; an MRN that names one person in it
    opens their dispense screen.

    htmx asks for the rows alone (the scan box as the nurse types) or, with ``more``, for
    the next page's rows to append under the ones shown.
    """
    actor = actor_from(request)
    assert actor.clinic is not None
    status = request.GET.get("status", "")
    status = status if status in FILTERS else ""
    query = request.GET.get("q", "")
    queue = queue_for(
        actor.clinic,
        _today(actor),
        query=query,
        status=status,
        after=request.GET.get("after", ""),
        offset=_offset(request.GET.get("offset")),
    )
    if queue.exact is not None and not request.htmx:
        return redirect("web:dosing_dispense", patient_uuid=queue.exact)
    if request.htmx and request.GET.get("more"):
        template = "web/dosing/queue.html#row_list"
    elif request.htmx:
        template = "web/dosing/queue.html#rows"
    else:
        template = "web/dosing/queue.html"
    response = render(
        request,
        template,
        {
            "queue": queue,
            "filters": list(FILTERS.items()),
            "today": _today(actor),
            "more_query": _page_query(queue.query, status, queue.next_offset),
            "earlier_query": _page_query(queue.query, status, queue.previous_offset),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _offset(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _page_query(query: str, status: str, offset: int | None) -> str:
    """The query string of another page of the same list ("" when there is none)."""
    if offset is None:
        return ""
    params = {key: value for key, value in (("q", query), ("status", status)) if value}
    return urlencode({**params, "offset": offset})


def _forms_for(
    window: Window, request: HttpRequest, actor: Actor, posted_order: str = ""
) -> list[tuple[WindowOrder, DispenseForm, SedationForm]]:
    """A dispense and a sedation form per order; the posted one keeps the posted data."""
    assert actor.clinic is not None
    rows = []
    for row in window.orders:
        mine = str(row.order.uuid) == posted_order
        data = posted(request) if mine else None
        rows.append(
            (
                row,
                DispenseForm(
                    data if mine and f"o{row.order.pk}-order" in request.POST else None,
                    bottles=row.bottles,
                    tz=actor.clinic.tz,
                    initial={
                        "order": row.order.uuid,
                        "administration_index": row.next_index or 1,
                        "amount_mg": row.order.per_administration_mg,
                        "stock_bottle": str(row.bottles[0].uuid) if row.bottles else "",
                        "back_entered": request.GET.get("mode") == "downtime",
                    },
                    prefix=f"o{row.order.pk}",
                ),
                SedationForm(
                    data if mine and f"s{row.order.pk}-order" in request.POST else None,
                    initial={"order": row.order.uuid},
                    prefix=f"s{row.order.pk}",
                ),
            )
        )
    return rows


def _render_window(
    request: HttpRequest,
    actor: Actor,
    window: Window,
    forms: list[tuple[WindowOrder, DispenseForm, SedationForm]],
    refusal: DomainError | None = None,
) -> HttpResponse:
    return render(
        request,
        "web/dosing/dispense.html",
        {
            "patient": window.patient,
            "window": window,
            "rows": forms,
            "refusal": refusal,
            "downtime": request.GET.get("mode") == "downtime"
            or any(f.data.get(f.add_prefix("back_entered")) for _r, f, _s in forms if f.is_bound),
        },
        status=422
        if refusal is not None or any(f.errors or s.errors for _r, f, s in forms)
        else 200,
    )


def _window(actor: Actor, patient_uuid: object) -> Window:
    assert actor.clinic is not None
    patient = load_patient(actor, patient_uuid, Capability.DISPENSE, purpose="dosing_window")
    return window_for(patient, actor.clinic, _today(actor))


@staff_view(Capability.DISPENSE)
def dosing_dispense(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """The person, their order and today's dose; POST gives it."""
    actor = actor_from(request)
    window = _window(actor, patient_uuid)
    if request.method != "POST":
        return _render_window(request, actor, window, _forms_for(window, request, actor))
    order_uuid = _posted_order(request, window, "o")
    forms = _forms_for(window, request, actor, order_uuid)
    row, form, _sedation = next(f for f in forms if str(f[0].order.uuid) == order_uuid)
    if not form.is_valid():
        return _render_window(request, actor, window, forms)
    data = form.cleaned_data
    bottle = next((b for b in row.bottles if str(b.uuid) == data["stock_bottle"]), None)
    try:
        if bottle is None:  # the choices come from row.bottles, so this is a stale page
            raise Http404
        dose = dose_dispense(
            actor=actor,
            order=row.order,
            amount_mg=data["amount_mg"],
            stock_bottle=bottle,
            idempotency_key=data["idempotency_key"],
            administered_at=data["administered_at"],
            administration_index=data["administration_index"],
            back_entered=data["back_entered"],
        )
    except CapabilityDenied:
        raise
    except DomainError as error:
        return _render_window(request, actor, window, forms, refusal=error)
    messages.success(
        request,
        _("Gave %(name)s %(mg)s mg of %(medication)s.")
        % {
            "name": window.patient.display_name,
            "mg": f"{dose.amount_mg.normalize():f}",
            "medication": row.order.get_medication_display(),
        },
    )
    query = urlencode({"after": str(window.patient.uuid)})
    return redirect(f"{reverse('web:dosing_queue')}?{query}")


def _posted_order(request: HttpRequest, window: Window, prefix: str) -> str:
    """The order a form was posted for (each form's fields carry the order's prefix)."""
    for row in window.orders:
        if f"{prefix}{row.order.pk}-order" in request.POST:
            return str(row.order.uuid)
    raise Http404


@staff_view(Capability.DISPENSE)
def dosing_sedation(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """Record that the person appears sedated or intoxicated: no dose today, flag it."""
    if request.method != "POST":
        return redirect("web:dosing_dispense", patient_uuid=patient_uuid)
    actor = actor_from(request)
    window = _window(actor, patient_uuid)
    order_uuid = _posted_order(request, window, "s")
    forms = _forms_for(window, request, actor, order_uuid)
    row, _dispense, form = next(f for f in forms if str(f[0].order.uuid) == order_uuid)
    if not form.is_valid():
        return _render_window(request, actor, window, forms)
    try:
        sedation_record(
            actor=actor, order=row.order, observations=form.cleaned_data["observations"]
        )
    except CapabilityDenied:
        raise
    except DomainError as error:
        return _render_window(request, actor, window, forms, refusal=error)
    messages.warning(
        request,
        _(
            "Recorded that %(name)s appears sedated or intoxicated. No dose today; the "
            "prescriber has been told."
        )
        % {"name": window.patient.display_name},
    )
    return redirect("web:dosing_dispense", patient_uuid=window.patient.uuid)

"""Guest dosing pages: arrange for a person to be dosed at another clinic, or cancel it.

The list shows every arrangement (current, arranged, ended and cancelled, with who and
why). The home clinic's nurses and prescribers arrange; the home or the host clinic may
cancel. Who may do what, the period and its length are the services' to decide
(``guest_dosing_arrange``, ``guest_dosing_cancel``); this module parses and shows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor
from mooring.core.errors import DomainError
from mooring.medications import policy
from mooring.medications.models import MedicationOrder
from mooring.medications.services import guest_dosing_arrange, guest_dosing_cancel
from mooring.patients.models import Patient
from mooring.web.access import actor_from, forbidden
from mooring.web.forms import DateInput, StaffForm
from mooring.web.selectors_dosing import GuestPage, GuestRow, guest_page
from mooring.web.views.common import PageDenied, add_domain_errors, load_patient, posted, staff_view


class ArrangeForm(StaffForm):
    """Host, dates and reason; the order only when the person has more than one."""

    host_clinic = forms.ChoiceField(label=gettext_lazy("Host clinic"))
    start_date = forms.DateField(
        label=gettext_lazy("First day at the host clinic"), widget=DateInput()
    )
    end_date = forms.DateField(label=gettext_lazy("First day back home"), widget=DateInput())
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example a family visit, work or a court date."),
    )
    order = forms.ChoiceField(label=gettext_lazy("Order the host clinic gives"))

    def __init__(
        self, *args: Any, hosts: list[Clinic], orders: list[MedicationOrder], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.hosts = {str(c.uuid): c for c in hosts}
        self.orders = {str(o.uuid): o for o in orders}
        self.fields["host_clinic"].choices = [("", _("Choose…"))] + [
            (key, clinic.name) for key, clinic in self.hosts.items()
        ]
        self.fields["end_date"].help_text = _(
            "The person is dosed at home again from this day; a period lasts at most %(days)s days."
        ) % {"days": policy.DOSING_POLICY.max_guest_period_days}
        if len(orders) > 1:
            self.fields["order"].choices = [("", _("Choose…"))] + [
                (key, str(order)) for key, order in self.orders.items()
            ]
        else:
            # One order (or none): the service picks it, or says there is none.
            del self.fields["order"]

    def arrangement(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "host_clinic": self.hosts[data["host_clinic"]],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "reason": data["reason"],
            "order": self.orders[data["order"]] if "order" in self.fields else None,
        }


class CancelForm(StaffForm):
    reason = forms.CharField(
        label=gettext_lazy("Why is it cancelled?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _may_arrange(actor: Actor) -> bool:
    assert actor.clinic is not None  # staff_view refused users without a clinic
    return any(
        access.can(actor.user, cap, actor.clinic.pk)
        for cap in (Capability.DISPENSE, Capability.PRESCRIBE)
    )


def _load(actor: Actor, patient_uuid: object) -> tuple[Patient, GuestPage]:
    """Nurses and prescribers only; the person through the access funnel (audited)."""
    if not _may_arrange(actor):
        raise PageDenied(Capability.DISPENSE)
    patient = load_patient(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="guest_dosing")
    assert actor.clinic is not None
    return patient, guest_page(patient, actor.clinic)


def _cancel_form(row: GuestRow, data: Any = None) -> CancelForm:
    return CancelForm(data, auto_id=f"cancel-{row.arrangement.uuid.hex}-%s")


def _render(
    request: HttpRequest,
    patient: Patient,
    page: GuestPage,
    form: ArrangeForm,
    bound: dict[str, CancelForm] | None = None,
) -> HttpResponse:
    bound = bound or {}
    rows = [
        (
            row,
            (bound.get(str(row.arrangement.uuid)) or _cancel_form(row))
            if row.cancellable
            else None,
        )
        for row in page.rows
    ]
    failed = form.errors or any(f.errors for f in bound.values())
    return render(
        request,
        "web/guest/guest_dosing.html",
        {"patient": patient, "page": page, "rows": rows, "form": form},
        status=422 if failed else 200,
    )


def _arrange_form(page: GuestPage, data: Any = None) -> ArrangeForm:
    return ArrangeForm(
        data,
        hosts=page.hosts,
        orders=page.orders,
        initial={"start_date": page.today},
    )


@staff_view(Capability.VIEW_CLINICAL)
def guest_dosing(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """The person's guest dosing arrangements; POST arranges a new one (home clinic)."""
    actor = actor_from(request)
    patient, page = _load(actor, patient_uuid)
    if request.method == "POST" and not page.is_home:
        return forbidden(request, _("Only the person's home clinic arranges guest dosing."))
    form = _arrange_form(page, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            arrangement = guest_dosing_arrange(actor=actor, patient=patient, **form.arrangement())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s will be dosed at %(clinic)s from %(start)s until %(end)s.")
                % {
                    "name": patient.display_name,
                    "clinic": arrangement.host_clinic.name,
                    "start": date_format(arrangement.start_date, "SHORT_DATE_FORMAT"),
                    "end": date_format(arrangement.end_date, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect("web:guest_dosing", patient_uuid=patient.uuid)
    return _render(request, patient, page, form)


@staff_view(Capability.VIEW_CLINICAL)
def guest_dosing_cancel_view(
    request: HttpRequest, patient_uuid: object, arrangement_uuid: object
) -> HttpResponse:
    """Cancel an arrangement with a reason (home or host clinic); dosing is at home again."""
    actor = actor_from(request)
    patient, page = _load(actor, patient_uuid)
    if request.method != "POST":
        return redirect("web:guest_dosing", patient_uuid=patient.uuid)
    row = next((r for r in page.rows if str(r.arrangement.uuid) == str(arrangement_uuid)), None)
    if row is None:
        raise Http404
    form = _cancel_form(row, request.POST)
    if form.is_valid():
        try:
            guest_dosing_cancel(
                actor=actor, arrangement=row.arrangement, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Guest dosing at %(clinic)s cancelled: %(name)s is dosed at home from today.")
                % {"clinic": row.arrangement.host_clinic.name, "name": patient.display_name},
            )
            return redirect("web:guest_dosing", patient_uuid=patient.uuid)
    if not row.cancellable:
        # Ended or already cancelled: the page shows no form to put the error beside.
        problems = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(problems))
        return redirect("web:guest_dosing", patient_uuid=patient.uuid)
    return _render(request, patient, page, _arrange_form(page), {str(row.arrangement.uuid): form})

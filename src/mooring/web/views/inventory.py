"""Controlled-substance stock: bottles and balances, movements, end-of-day counts, reports.

Every movement is a service call in :mod:`mooring.inventory.services` (ledger, witness,
four-eyes closing); these pages only collect the input and show the ledger back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic, User
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, DomainError
from mooring.core.time import today_at
from mooring.inventory.models import Product, ReconciliationCount, StockBottle
from mooring.inventory.selectors import bottle_ledger, open_discrepancies
from mooring.inventory.services import (
    ledger_reverse,
    reconciliation_close,
    reconciliation_count,
    stock_adjust,
    stock_quarantine,
    stock_receive,
    stock_spill,
    stock_transfer,
    stock_waste,
)
from mooring.web.access import actor_from
from mooring.web.forms_dosing import (
    AdjustForm,
    CloseForm,
    CountForm,
    DayForm,
    ReasonForm,
    ReceiveForm,
    RemovalForm,
    TransferForm,
)
from mooring.web.selectors_dosing import clinic_bottles, dispensing_log, ledger_entry
from mooring.web.views.common import add_domain_errors, posted, staff_view


def _clinic(actor: Actor) -> Clinic:
    assert actor.clinic is not None  # staff_view refused users without a clinic
    return actor.clinic


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_home(request: HttpRequest) -> HttpResponse:
    """Bottles here with their balances, open discrepancies, and the receive form."""
    actor = actor_from(request)
    return _home(request, actor, ReceiveForm(products=list(Product.objects.all())))


def _home(request: HttpRequest, actor: Actor, form: ReceiveForm, status: int = 200) -> HttpResponse:
    clinic = _clinic(actor)
    context = {
        "bottles": list(clinic_bottles(clinic, include_empty=request.GET.get("all") == "1")),
        "discrepancies": list(open_discrepancies(clinic)),
        "receive_form": form,
        "show_all": request.GET.get("all") == "1",
    }
    return render(request, "web/inventory/home.html", context, status=status)


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_receive(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    form = ReceiveForm(posted(request), products=list(Product.objects.all()))
    if request.method != "POST":
        return redirect("web:inventory_home")
    if form.is_valid():
        data = form.cleaned_data
        try:
            received = stock_receive(
                actor=actor,
                clinic=_clinic(actor),
                product=form.products[data["product"]],
                supplier=data["supplier"],
                lot=data["lot"],
                expires_on=data["expires_on"],
                bottle_count=data["bottle_count"],
                quantity_mg_per_bottle=data["quantity_mg_per_bottle"],
                invoice_number=data["invoice_number"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Received %(n)s bottle(s): %(labels)s.")
                % {
                    "n": len(received.bottles),
                    "labels": ", ".join(b.label for b in received.bottles),
                },
            )
            return redirect("web:inventory_home")
    return _home(request, actor, form, status=422)


def _bottle(actor: Actor, bottle_uuid: object) -> StockBottle:
    try:
        return StockBottle.objects.select_related("product", "clinic").get(
            clinic=_clinic(actor), uuid=bottle_uuid
        )
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


def _witnesses(clinic: Clinic, actor: Actor) -> list[User]:
    """Staff at this clinic who may witness a movement (nurses and directors), not oneself."""
    users = (
        User.objects.filter(staff_roles__clinic=clinic, is_active=True)
        .exclude(pk=actor.user.pk)
        .distinct()
        .order_by("display_name", "username")
    )
    return [
        u
        for u in users
        if access.can(u, Capability.DISPENSE, clinic.id)
        or access.can(u, Capability.MANAGE_INVENTORY, clinic.id)
    ]


def _other_clinics(actor: Actor) -> list[Clinic]:
    here = _clinic(actor)
    ids = access.clinic_ids_with(actor.user, Capability.MANAGE_INVENTORY) - {here.id}
    return list(Clinic.objects.filter(id__in=ids).order_by("name"))


def _bottle_page(
    request: HttpRequest, actor: Actor, bottle: StockBottle, status: int = 200, **forms: Any
) -> HttpResponse:
    clinic = _clinic(actor)
    context = {
        "bottle": bottle,
        "entries": list(bottle_ledger(bottle)),
        "counts": list(bottle.counts.select_related("counted_by", "closed_by")[:10]),
        "removal_form": RemovalForm(staff=_witnesses(clinic, actor)),
        "adjust_form": AdjustForm(),
        "transfer_form": TransferForm(clinics=_other_clinics(actor)),
        "count_form": CountForm(),
        "quarantine_form": ReasonForm(),
        **forms,
    }
    return render(request, "web/inventory/bottle.html", context, status=status)


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_bottle(request: HttpRequest, bottle_uuid: object) -> HttpResponse:
    """One bottle: its perpetual ledger, counts, and the movements a nurse may record."""
    actor = actor_from(request)
    return _bottle_page(request, actor, _bottle(actor, bottle_uuid))


def _bottle_post(
    request: HttpRequest, bottle_uuid: object, name: str, form: Any, act: Any, done: str
) -> HttpResponse:
    actor = actor_from(request)
    bottle = _bottle(actor, bottle_uuid)
    if request.method != "POST":
        return redirect("web:inventory_bottle", bottle_uuid=bottle.uuid)
    if form.is_valid():
        try:
            act(actor, bottle, form)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("web:inventory_bottle", bottle_uuid=bottle.uuid)
    return _bottle_page(request, actor, bottle, status=422, **{name: form})


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_remove(request: HttpRequest, bottle_uuid: object) -> HttpResponse:
    """Waste, or a witnessed spill."""
    actor = actor_from(request)
    form = RemovalForm(posted(request), staff=_witnesses(_clinic(actor), actor))

    def act(actor: Actor, bottle: StockBottle, form: RemovalForm) -> None:
        data = form.cleaned_data
        service = stock_spill if data["kind"] == "spill" else stock_waste
        service(
            actor=actor,
            bottle=bottle,
            amount_mg=data["amount_mg"],
            reason=data["reason"],
            witness=form.witness_user(),
        )

    return _bottle_post(request, bottle_uuid, "removal_form", form, act, _("Recorded."))


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_adjust(request: HttpRequest, bottle_uuid: object) -> HttpResponse:
    def act(actor: Actor, bottle: StockBottle, form: AdjustForm) -> None:
        stock_adjust(
            actor=actor,
            bottle=bottle,
            delta_mg=form.cleaned_data["delta_mg"],
            reason=form.cleaned_data["reason"],
        )

    return _bottle_post(
        request,
        bottle_uuid,
        "adjust_form",
        AdjustForm(posted(request)),
        act,
        _("Adjusted the balance."),
    )


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_transfer(request: HttpRequest, bottle_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    form = TransferForm(posted(request), clinics=_other_clinics(actor))

    def act(actor: Actor, bottle: StockBottle, form: TransferForm) -> None:
        data = form.cleaned_data
        stock_transfer(
            actor=actor,
            bottle=bottle,
            to_clinic=form.clinics[data["to_clinic"]],
            amount_mg=data["amount_mg"],
            reason=data["reason"],
        )

    return _bottle_post(request, bottle_uuid, "transfer_form", form, act, _("Transferred."))


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_quarantine(request: HttpRequest, bottle_uuid: object) -> HttpResponse:
    def act(actor: Actor, bottle: StockBottle, form: ReasonForm) -> None:
        stock_quarantine(actor=actor, bottle=bottle, reason=form.cleaned_data["reason"])

    return _bottle_post(
        request,
        bottle_uuid,
        "quarantine_form",
        ReasonForm(posted(request)),
        act,
        _("Quarantined the bottle."),
    )


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_count(request: HttpRequest, bottle_uuid: object) -> HttpResponse:
    """The end-of-day count of one bottle; a difference stays open for a second person."""

    def act(actor: Actor, bottle: StockBottle, form: CountForm) -> None:
        data = form.cleaned_data
        count = reconciliation_count(
            actor=actor,
            bottle=bottle,
            counted_ml=data["counted_ml"],
            counted_mg=data["counted_mg"],
            comment=data["comment"],
        )
        if count.status == "open":
            messages.warning(
                request,
                _(
                    "The count differs from the book; it stays open until "
                    "a second person closes it."
                ),
            )

    return _bottle_post(
        request,
        bottle_uuid,
        "count_form",
        CountForm(posted(request)),
        act,
        _("Recorded the count."),
    )


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_reverse(request: HttpRequest, entry_uuid: object) -> HttpResponse:
    """Cancel a mistaken ledger entry with an equal and opposite one, with a reason."""
    actor = actor_from(request)
    try:
        entry = ledger_entry(_clinic(actor), entry_uuid)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None

    def act(actor: Actor, bottle: StockBottle, form: ReasonForm) -> None:
        ledger_reverse(actor=actor, entry=entry, reason=form.cleaned_data["reason"])

    return _bottle_post(
        request,
        entry.bottle.uuid,
        "reverse_form",
        ReasonForm(posted(request)),
        act,
        _("Reversed the entry."),
    )


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_reconciliation(request: HttpRequest) -> HttpResponse:
    """Today's counts: every bottle with a count form, and the open discrepancies."""
    actor = actor_from(request)
    clinic = _clinic(actor)
    today = today_at(clinic.tz)
    bottles = list(clinic_bottles(clinic))
    counted = {
        c.bottle_id: c
        for c in ReconciliationCount.objects.filter(clinic=clinic, service_date=today).order_by(
            "counted_at", "id"
        )
    }
    context = {
        "rows": [(b, counted.get(b.pk)) for b in bottles],
        "discrepancies": list(open_discrepancies(clinic)),
        "close_form": CloseForm(),
        "today": today,
        "can_close": access.can(actor.user, Capability.CLOSE_RECONCILIATION, clinic.id),
    }
    return render(request, "web/inventory/reconciliation.html", context)


@staff_view(Capability.CLOSE_RECONCILIATION)
def inventory_close(request: HttpRequest, count_uuid: object) -> HttpResponse:
    """A second person closes an open discrepancy (the four-eyes rule)."""
    actor = actor_from(request)
    count = ReconciliationCount.objects.filter(clinic=_clinic(actor), uuid=count_uuid).first()
    if count is None:
        raise Http404
    form = CloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            reconciliation_close(
                actor=actor,
                count=count,
                note=form.cleaned_data["note"],
                adjust=form.cleaned_data["adjust"],
            )
        except CapabilityDenied as error:
            if error.code != "same_person":
                raise
            messages.error(
                request,
                _("A discrepancy is closed by someone other than the person who counted it."),
            )
            return redirect("web:inventory_reconciliation")
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Closed the discrepancy."))
            return redirect("web:inventory_reconciliation")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("web:inventory_reconciliation")


@staff_view(Capability.MANAGE_INVENTORY)
def inventory_dispensing_log(request: HttpRequest) -> HttpResponse:
    """The daily dispensing log: every dose given here on a day (today by default)."""
    actor = actor_from(request)
    clinic = _clinic(actor)
    form = DayForm(request.GET or None)
    day = form.day_or(today_at(clinic.tz))
    doses = dispensing_log(actor, clinic, day)
    total = sum((d.amount_mg for d in doses), start=0)
    return render(
        request,
        "web/inventory/dispensing_log.html",
        {"form": form, "day": day, "doses": doses, "total": total},
    )

"""/inventory: the acting clinic's controlled-substance stock, through the inventory services.

Reads need the dispense or manage-inventory capability at the acting clinic; receipts and
counts need manage-inventory, closing a discrepancy close-reconciliation (a second person).
A bottle or count of another clinic is the same 404 as a missing one.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.api.auth import actor_from_api_request
from mooring.api.episodes import staff_ref
from mooring.api.patients import clinic_ref
from mooring.api.schemas import Problem
from mooring.api.schemas_dosing import (
    BottleList,
    BottleQuery,
    CountClose,
    CountCreate,
    CountList,
    CountOut,
    Ledger,
    ProductList,
    ReceiptCreate,
    ReceiptOut,
)
from mooring.audit.models import Action
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.core.time import today_at
from mooring.inventory.models import (
    InventoryLedgerEntry,
    Product,
    ReconciliationCount,
    StockBottle,
)
from mooring.inventory.selectors import bottle_ledger, open_discrepancies, usable_bottles
from mooring.inventory.services import reconciliation_close, reconciliation_count, stock_receive

router = Router(tags=["inventory"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_COUNT_RELATED = ("bottle", "counted_by", "closed_by", "adjustment")


def product_out(product: Product) -> dict[str, Any]:
    return {
        "uuid": product.uuid,
        "code": product.code,
        "name": product.name,
        "medication": product.medication,
        "form": product.form,
        "concentration_mg_per_ml": product.concentration_mg_per_ml,
        "controlled": product.controlled,
    }


def bottle_out(bottle: StockBottle) -> dict[str, Any]:
    return {
        "uuid": bottle.uuid,
        "label": bottle.label,
        "clinic": clinic_ref(bottle.clinic),
        "product": bottle.product.code,
        "medication": bottle.product.medication,
        "lot": bottle.lot,
        "expires_on": bottle.expires_on,
        "status": bottle.status,
        "opened_at": bottle.opened_at,
        "balance_mg": bottle.balance_mg,
        "balance_ml": bottle.balance_ml,
    }


def entry_out(entry: InventoryLedgerEntry) -> dict[str, Any]:
    return {
        "uuid": entry.uuid,
        "kind": entry.kind,
        "delta_mg": entry.delta_mg,
        "delta_ml": entry.delta_ml,
        "balance_after_mg": entry.balance_after_mg,
        "occurred_at": entry.occurred_at,
        "actor": staff_ref(entry.actor),
        "witness": staff_ref(entry.witness),
        "reason": entry.reason,
        "reverses": entry.reverses.uuid if entry.reverses else None,
        "reference": entry.reference,
    }


def count_out(count: ReconciliationCount) -> dict[str, Any]:
    return {
        "uuid": count.uuid,
        "bottle": count.bottle.uuid,
        "bottle_label": count.bottle.label,
        "service_date": count.service_date,
        "expected_mg": count.expected_mg,
        "counted_mg": count.counted_mg,
        "discrepancy_mg": count.discrepancy_mg,
        "expected_ml": count.expected_ml,
        "counted_ml": count.counted_ml,
        "comment": count.comment,
        "status": count.status,
        "counted_by": staff_ref(count.counted_by),
        "counted_at": count.counted_at,
        "closed_by": staff_ref(count.closed_by),
        "closed_at": count.closed_at,
        "close_note": count.close_note,
        "adjustment": count.adjustment.uuid if count.adjustment else None,
    }


def _stock_clinic(actor: Actor, *capabilities: Capability) -> Clinic:
    """The acting clinic, once the caller holds one of ``capabilities`` there."""
    clinic = actor.clinic
    if clinic is None or not any(access.can(actor.user, c, clinic.id) for c in capabilities):
        raise CapabilityDenied(
            _("Your role here does not allow this (%(what)s).") % {"what": capabilities[0].label},
            code="capability_denied",
        )
    return clinic


_READ = (Capability.MANAGE_INVENTORY, Capability.DISPENSE)


def _bottle(clinic: Clinic, bottle_uuid: UUID) -> StockBottle:
    bottle = (
        StockBottle.objects.select_related("product", "clinic")
        .filter(uuid=bottle_uuid, clinic=clinic)
        .first()
    )
    if bottle is None:
        raise NotFoundOrForbidden()
    return bottle


def _count(count: ReconciliationCount) -> ReconciliationCount:
    return ReconciliationCount.objects.select_related(*_COUNT_RELATED).get(pk=count.pk)


@router.get("/products", response={200: ProductList, **_ERRORS}, summary="Stocked products")
def product_list(request: HttpRequest) -> dict[str, Any]:
    _stock_clinic(actor_from_api_request(request), *_READ)
    products = list(Product.objects.order_by("name"))
    return {"count": len(products), "items": [product_out(p) for p in products]}


@router.get(
    "/bottles",
    response={200: BottleList, **_ERRORS},
    summary="The acting clinic's bottles (usable=true: what a nurse may draw from today)",
)
def bottle_list(request: HttpRequest, params: Query[BottleQuery]) -> dict[str, Any]:
    clinic = _stock_clinic(actor_from_api_request(request), *_READ)
    medication = params.medication.value if params.medication else None
    if params.usable:
        bottles = usable_bottles(clinic, on=today_at(clinic.tz), medication=medication)
    else:
        bottles = StockBottle.objects.filter(clinic=clinic).select_related("product")
        if medication is not None:
            bottles = bottles.filter(product__medication=medication)
    items = list(bottles.select_related("clinic"))
    return {"count": len(items), "items": [bottle_out(b) for b in items]}


@router.post(
    "/receipts",
    response={201: ReceiptOut, **_ERRORS},
    summary="Receive a delivery: one lot, sealed bottles, a receipt entry each",
)
def receipt_create(request: HttpRequest, payload: ReceiptCreate) -> Status:
    actor = actor_from_api_request(request)
    clinic = _stock_clinic(actor, Capability.MANAGE_INVENTORY)
    product = Product.objects.filter(code=payload.product).first()
    if product is None:
        raise ValidationFailed(
            _("There is no product with this code."), code="unknown_product", field="product"
        )
    received = stock_receive(
        actor=actor,
        clinic=clinic,
        product=product,
        supplier=payload.supplier,
        lot=payload.lot,
        expires_on=payload.expires_on,
        bottle_count=payload.bottle_count,
        quantity_mg_per_bottle=payload.quantity_mg_per_bottle,
        invoice_number=payload.invoice_number,
        received_at=payload.received_at,
    )
    receipt = received.receipt
    return Status(
        201,
        {
            "uuid": receipt.uuid,
            "clinic": clinic_ref(clinic),
            "product": product.code,
            "supplier": receipt.supplier,
            "invoice_number": receipt.invoice_number,
            "lot": receipt.lot,
            "expires_on": receipt.expires_on,
            "quantity_mg_per_bottle": receipt.quantity_mg_per_bottle,
            "received_at": receipt.received_at,
            "received_by": staff_ref(receipt.received_by),
            "bottles": [bottle_out(b) for b in received.bottles],
        },
    )


@router.get(
    "/bottles/{bottle_uuid}/ledger",
    response={200: Ledger, **_ERRORS},
    summary="Every movement of one bottle, oldest first, with the running balance",
)
def ledger(request: HttpRequest, bottle_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    clinic = _stock_clinic(actor, *_READ)
    bottle = _bottle(clinic, bottle_uuid)
    entries = list(bottle_ledger(bottle))
    record(
        actor=actor,
        action=Action.READ,
        object_type="stock_bottle",
        object_id=bottle.uuid,
        clinic=clinic,
        detail={"purpose": "ledger", "entries": len(entries)},
    )
    return {
        "bottle": bottle_out(bottle),
        "count": len(entries),
        "items": [entry_out(e) for e in entries],
    }


@router.post(
    "/bottles/{bottle_uuid}/counts",
    response={201: CountOut, **_ERRORS},
    summary="Count a bottle against its book balance (a difference needs a comment)",
)
def count_create(request: HttpRequest, bottle_uuid: UUID, payload: CountCreate) -> Status:
    actor = actor_from_api_request(request)
    clinic = _stock_clinic(actor, Capability.MANAGE_INVENTORY)
    bottle = _bottle(clinic, bottle_uuid)
    count = reconciliation_count(
        actor=actor,
        bottle=bottle,
        counted_ml=payload.counted_ml,
        counted_mg=payload.counted_mg,
        comment=payload.comment,
        counted_at=payload.counted_at,
    )
    return Status(201, count_out(_count(count)))


@router.get(
    "/counts",
    response={200: CountList, **_ERRORS},
    summary="Open discrepancies at the acting clinic, oldest first",
)
def count_list(request: HttpRequest) -> dict[str, Any]:
    clinic = _stock_clinic(actor_from_api_request(request), *_READ)
    counts = list(open_discrepancies(clinic).select_related("closed_by", "adjustment"))
    return {"count": len(counts), "items": [count_out(c) for c in counts]}


@router.post(
    "/counts/{count_uuid}/close",
    response={200: CountOut, **_ERRORS},
    summary="Close an open discrepancy (someone other than the counter)",
)
def count_close(request: HttpRequest, count_uuid: UUID, payload: CountClose) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    clinic = _stock_clinic(actor, Capability.CLOSE_RECONCILIATION, Capability.MANAGE_INVENTORY)
    count = ReconciliationCount.objects.filter(uuid=count_uuid, clinic=clinic).first()
    if count is None:
        raise NotFoundOrForbidden()
    count = reconciliation_close(actor=actor, count=count, note=payload.note, adjust=payload.adjust)
    return count_out(_count(count))

"""/api/v1/inventory: bottles, receipts, the ledger and four-eyes reconciliation over HTTP."""

# ruff: noqa: F811 - the dosing fixtures are imported from tests.medications.conftest
from __future__ import annotations

from decimal import Decimal

import pytest

from mooring.inventory.models import (
    CountStatus,
    InventoryLedgerEntry,
    ReconciliationCount,
    StockBottle,
)
from tests.api.conftest import assert_problem
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    ada,
    ben,
    bottle,
    clock,
    draft,
    give,
    methadone_product,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db

RECEIPT = {
    "product": "methadone-10-ml",
    "supplier": "Mallinckrodt",
    "lot": "L2026-07",
    "expires_on": "2028-01-31",
    "bottle_count": 2,
    "quantity_mg_per_bottle": "10000",
    "invoice_number": "DEA-222-0042",
}


@pytest.mark.parametrize("username", ["ben", "eve"])
def test_nurse_and_director_receive_a_delivery(api_as, methadone_product, clock, username):
    response = api_as(username).post("/inventory/receipts", RECEIPT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lot"] == "L2026-07"
    assert len(body["bottles"]) == 2
    assert {b["balance_mg"] for b in body["bottles"]} == {"10000.000"}
    assert {b["balance_ml"] for b in body["bottles"]} == {"1000.000"}
    assert {b["status"] for b in body["bottles"]} == {"sealed"}
    assert InventoryLedgerEntry.objects.filter(kind="receipt").count() == 2


@pytest.mark.parametrize(("username", "status"), [("dan", 403), ("ada", 403), ("chloe", 403)])
def test_other_roles_cannot_receive(api_as, methadone_product, clock, username, status):
    assert_problem(
        api_as(username).post("/inventory/receipts", RECEIPT), status, "capability_denied"
    )
    assert not StockBottle.objects.exists()


def test_receipt_refusals_keep_their_codes(api_as, methadone_product, clock):
    api = api_as("ben")
    assert_problem(
        api.post("/inventory/receipts", {**RECEIPT, "product": "nope"}),
        422,
        "unknown_product",
        "product",
    )
    assert_problem(
        api.post("/inventory/receipts", {**RECEIPT, "expires_on": "2026-01-01"}),
        422,
        "expired",
        "expires_on",
    )
    assert_problem(
        api.post("/inventory/receipts", {**RECEIPT, "supplier": " "}), 422, "required", "supplier"
    )
    assert_problem(
        api.post("/inventory/receipts", {**RECEIPT, "bottle_count": "2"}),
        422,
        "invalid_type",
        "bottle_count",
    )


@pytest.mark.parametrize(
    ("username", "status"), [("ben", 200), ("eve", 200), ("dan", 403), ("kai", 403)]
)
def test_listing_bottles_answers_each_persona(api_as, bottle, username, status):
    response = api_as(username).get("/inventory/bottles")
    assert response.status_code == status, response.content
    if status == 200:
        assert [b["uuid"] for b in response.json()["items"]] == [str(bottle.uuid)]


def test_sam_at_ridge_sees_none_of_harbors_stock(api_as, bottle):
    api = api_as("sam")
    assert api.get("/inventory/bottles").json()["count"] == 0
    assert_problem(api.get(f"/inventory/bottles/{bottle.uuid}/ledger"), 404, "not_found")
    assert_problem(
        api.post(f"/inventory/bottles/{bottle.uuid}/counts", {"counted_ml": "1000"}),
        404,
        "not_found",
    )


def test_usable_bottles_leave_out_empty_and_other_medications(api_as, receive, clock):
    full, _other = receive(bottles=2)
    api = api_as("ben")
    assert api.get("/inventory/bottles?usable=true&medication=methadone").json()["count"] == 2
    assert api.get("/inventory/bottles?usable=true&medication=buprenorphine").json()["count"] == 0
    assert_problem(
        api.get("/inventory/bottles?medication=heroin"), 422, "invalid_choice", "medication"
    )


def test_the_ledger_shows_each_movement_with_the_dose_as_reference(api_as, signed, give, bottle):
    dose = give(signed())
    body = api_as("ben").get(f"/inventory/bottles/{bottle.uuid}/ledger").json()
    assert body["bottle"]["balance_mg"] == "9970.000"
    assert [(e["kind"], e["delta_mg"]) for e in body["items"]] == [
        ("receipt", "10000.000"),
        ("dispense", "-30.000"),
    ]
    assert body["items"][1]["reference"] == str(dose.uuid)
    assert body["items"][1]["actor"]["name"] == "Ben Cruz"
    assert body["items"][1]["delta_ml"] == "-3.000"


def test_a_balanced_count_closes_itself(api_as, bottle, clock):
    response = api_as("ben").post(
        f"/inventory/bottles/{bottle.uuid}/counts", {"counted_ml": "1000"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "balanced"
    assert body["discrepancy_mg"] == "0.000"
    assert api_as("eve").get("/inventory/counts").json()["count"] == 0


def test_a_discrepancy_needs_a_comment_and_a_second_person(api_as, bottle, clock):
    ben_api, eve_api = api_as("ben"), api_as("eve")
    path = f"/inventory/bottles/{bottle.uuid}/counts"
    assert_problem(ben_api.post(path, {"counted_ml": "998"}), 422, "comment_required", "comment")
    assert_problem(
        ben_api.post(path, {"counted_mg": "9980"}), 422, "counted_ml_required", "counted_ml"
    )
    response = ben_api.post(path, {"counted_ml": "998", "comment": "Meniscus reads 998 mL."})
    assert response.status_code == 201, response.content
    count = response.json()
    assert count["status"] == "open"
    assert count["discrepancy_mg"] == "-20.000"
    listed = eve_api.get("/inventory/counts").json()
    assert [c["uuid"] for c in listed["items"]] == [count["uuid"]]
    close = f"/inventory/counts/{count['uuid']}/close"
    # Ben has no close-reconciliation capability; Eve may, but not as the counter.
    assert_problem(ben_api.post(close, {"note": "Rechecked."}), 403, "capability_denied")
    assert_problem(api_as("dan").post(close, {"note": "x"}), 403, "capability_denied")
    response = eve_api.post(close, {"note": "Residue in the pump line; adjusted."})
    assert response.status_code == 200, response.content
    closed = response.json()
    assert closed["status"] == "closed"
    assert closed["closed_by"]["name"] == "Eve Stone"
    assert closed["adjustment"] is not None
    assert ReconciliationCount.objects.get().status == CountStatus.CLOSED
    bottle.refresh_from_db()
    assert bottle.balance_mg == Decimal("9980")
    assert_problem(eve_api.post(close, {"note": "Again."}), 409, "not_open")


def test_products_are_listed_for_stock_staff_only(api_as, methadone_product):
    body = api_as("ben").get("/inventory/products").json()
    assert [p["code"] for p in body["items"]] == ["methadone-10-ml"]
    assert body["items"][0]["concentration_mg_per_ml"] == "10.000"
    assert_problem(api_as("dan").get("/inventory/products"), 403, "capability_denied")

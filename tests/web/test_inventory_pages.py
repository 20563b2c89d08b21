"""Stock pages: balances, receipts, waste and witnessed spills, counts, four-eyes closing."""

# ruff: noqa: F811  (the fixtures imported from tests.inventory.conftest are reused by name)
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mooring.audit.models import AuditEvent
from mooring.inventory.models import CountStatus, InventoryLedgerEntry, ReconciliationCount
from tests.inventory.conftest import ONE_LITRE_MG, bottle, methadone_product, receive  # noqa: F401
from tests.medications.conftest import TODAY, ada, ben, clock, draft, give, signed  # noqa: F401

pytestmark = pytest.mark.django_db

HOME = reverse("web:inventory_home")


def _bottle_url(bottle, name="inventory_bottle"):
    return reverse(f"web:{name}", args=[bottle.uuid])


def test_ben_sees_bottles_with_balances(login, bottle):
    response = login("ben").get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert bottle.label in body
    assert "10000 mg" in body
    assert "1000 mL" in body


def test_eve_receives_a_delivery(login, methadone_product, clock):
    response = login("eve").post(
        reverse("web:inventory_receive"),
        {
            "product": str(methadone_product.uuid),
            "supplier": "Mallinckrodt",
            "lot": "L9",
            "expires_on": "2028-01-31",
            "bottle_count": "2",
            "quantity_mg_per_bottle": "10000",
        },
    )
    assert response.status_code == 302
    assert InventoryLedgerEntry.objects.filter(kind="receipt").count() == 2


def test_an_expired_lot_is_refused_beside_the_field(login, methadone_product, clock):
    response = login("eve").post(
        reverse("web:inventory_receive"),
        {
            "product": str(methadone_product.uuid),
            "supplier": "M",
            "lot": "L9",
            "expires_on": "2020-01-31",
            "bottle_count": "1",
            "quantity_mg_per_bottle": "10",
        },
    )
    assert response.status_code == 422
    assert "already expired" in response.content.decode()


def test_a_spill_needs_a_witness(login, bottle, personas):
    client = login("ben")
    url = _bottle_url(bottle, "inventory_remove")
    data = {"kind": "spill", "amount_mg": "50", "reason": "Knocked over"}
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "A second person must witness a spill." in refused.content.decode()
    response = client.post(url, {**data, "witness": str(personas["eve"].uuid)})
    assert response.status_code == 302
    entry = InventoryLedgerEntry.objects.get(kind="spill")
    assert entry.witness == personas["eve"]
    bottle.refresh_from_db()
    assert bottle.balance_mg == ONE_LITRE_MG - 50


def test_a_reversal_restores_the_balance_with_a_reason(login, bottle):
    client = login("ben")
    client.post(
        _bottle_url(bottle, "inventory_remove"),
        {"kind": "waste", "amount_mg": "20", "reason": "Dose refused"},
    )
    waste = InventoryLedgerEntry.objects.get(kind="waste")
    url = reverse("web:inventory_reverse", args=[waste.uuid])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "Entered twice"}).status_code == 302
    bottle.refresh_from_db()
    assert bottle.balance_mg == ONE_LITRE_MG
    ledger = client.get(_bottle_url(bottle)).content.decode()
    assert "Entered twice" in ledger


def test_a_count_that_differs_waits_for_a_second_person(login, bottle):
    ben_client = login("ben")
    url = _bottle_url(bottle, "inventory_count")
    no_comment = ben_client.post(url, {"counted_ml": "990"})
    assert no_comment.status_code == 422
    assert ben_client.post(url, {"counted_ml": "990", "comment": "Short 10 mL"}).status_code == 302
    count = ReconciliationCount.objects.get()
    assert count.status == CountStatus.OPEN
    page = ben_client.get(reverse("web:inventory_reconciliation")).content.decode()
    assert "Short 10 mL" in page
    assert "A director closes it." in page
    close = reverse("web:inventory_close", args=[count.uuid])
    assert ben_client.post(close, {"note": "x"}).status_code == 403  # a nurse cannot close
    eve_client = login("eve")
    assert "still open" in eve_client.get(HOME).content.decode()
    assert (
        f'action="{close}"'
        in eve_client.get(reverse("web:inventory_reconciliation")).content.decode()
    )
    assert (
        eve_client.post(close, {"note": "Found a measuring error", "adjust": "on"}).status_code
        == 302
    )
    count.refresh_from_db()
    assert count.status == CountStatus.CLOSED
    bottle.refresh_from_db()
    assert bottle.balance_mg == Decimal("9900")


def test_the_counter_cannot_close_their_own_discrepancy(login, bottle, personas, actor_for):
    from mooring.inventory.services import reconciliation_count

    count = reconciliation_count(
        actor=actor_for(personas["eve"]), bottle=bottle, counted_ml=Decimal("990"), comment="Short"
    )
    client = login("eve")
    response = client.post(
        reverse("web:inventory_close", args=[count.uuid]), {"note": "x"}, follow=True
    )
    assert "someone other than the person who counted" in response.content.decode()
    count.refresh_from_db()
    assert count.status == CountStatus.OPEN


def test_the_dispensing_log_lists_the_days_doses_and_is_audited(login, signed, give, bottle):
    order = signed()
    give(order)
    response = login("eve").get(reverse("web:inventory_dispensing_log"), {"day": TODAY.isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    assert order.patient.mrn in body
    assert "1 dose" in body
    event = AuditEvent.objects.get(object_type="dispensing_log")
    assert event.detail["patients"] == [order.patient.mrn]
    other = login("eve").get(reverse("web:inventory_dispensing_log"), {"day": "2026-01-01"})
    assert "No doses were given" in other.content.decode()


@pytest.mark.parametrize("username", ["dan", "ada", "chloe"])
def test_staff_without_stock_duties_are_refused(login, bottle, username):
    client = login(username)
    assert client.get(HOME).status_code == 403
    assert client.get(_bottle_url(bottle)).status_code == 403


def test_sam_at_ridge_cannot_open_a_harbor_bottle(login, bottle):
    client = login("sam")
    assert bottle.label not in client.get(HOME).content.decode()
    assert client.get(_bottle_url(bottle)).status_code == 404


def test_the_stock_list_costs_the_same_queries_for_many_bottles(
    login, receive, django_assert_max_num_queries
):
    receive(bottles=2)
    client = login("eve")
    with django_assert_max_num_queries(12) as few:
        client.get(HOME)
    baseline = len(few)
    receive(bottles=30, lot="L2")
    with django_assert_max_num_queries(baseline):
        response = client.get(HOME)
    assert len(response.context["bottles"]) == 32

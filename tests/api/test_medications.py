"""/api/v1 orders, doses and the dosing queue: the medications services over HTTP."""

# ruff: noqa: F811 - the dosing fixtures are imported from tests.medications.conftest
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from mooring.audit.models import AuditEvent
from mooring.inventory.models import InventoryLedgerEntry, StockBottle
from mooring.inventory.services import stock_receive
from mooring.medications.models import DoseAdministration, MedicationOrder, OrderStatus
from mooring.medications.services import hold_place
from mooring.rules.profiles import get_profile
from tests.api.conftest import assert_problem
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    ada,
    ben,
    bottle,
    clock,
    draft,
    give,
    local,
    methadone_product,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db

DRAFT = {
    "medication": "methadone",
    "form": "oral_liquid",
    "phase": "induction",
    "daily_dose_mg": "30",
    "start_date": TODAY.isoformat(),
}


def _dose(bottle, **extra):
    return {"amount_mg": "30.00", "stock_bottle": str(bottle.uuid), **extra}


# --- orders --------------------------------------------------------------------------------


def test_a_prescriber_drafts_then_signs_an_order(api_as, make_patient, clock, personas):
    patient = make_patient()
    api = api_as("ada")
    response = api.post(f"/patients/{patient.uuid}/orders", DRAFT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["daily_dose_mg"] == "30.00"
    assert body["per_administration_mg"] == "30.00"
    assert body["created_by"]["name"] == "Ada Okafor"
    assert body["prescriber"] is None
    response = api.post(f"/orders/{body['uuid']}/sign", {})
    assert response.status_code == 200, response.content
    signed_body = response.json()
    assert signed_body["status"] == "signed"
    assert signed_body["prescriber"]["uuid"] == str(personas["ada"].uuid)
    assert signed_body["protocol_profile"] == "US-FED-2024"
    listing = api.get(f"/patients/{patient.uuid}/orders").json()
    assert listing["count"] == 1
    assert listing["items"][0]["uuid"] == body["uuid"]


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ben", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_prescriber_of_the_clinic_drafts(
    api_as, make_patient, clock, username, status, code
):
    patient = make_patient()
    response = api_as(username).post(f"/patients/{patient.uuid}/orders", DRAFT)
    assert_problem(response, status, code)
    assert not MedicationOrder.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"), [("ada", 200), ("ben", 200), ("dan", 403), ("sam", 404)]
)
def test_listing_orders_answers_each_persona(api_as, signed, username, status):
    order = signed()
    response = api_as(username).get(f"/patients/{order.patient.uuid}/orders")
    assert response.status_code == status, response.content
    single = api_as(username).get(f"/orders/{order.uuid}")
    assert single.status_code == status, single.content


def test_a_nurse_cannot_sign_and_sam_cannot_find_the_order(api_as, draft):
    order = draft()
    assert_problem(api_as("ben").post(f"/orders/{order.uuid}/sign", {}), 403, "capability_denied")
    assert_problem(api_as("sam").post(f"/orders/{order.uuid}/sign", {}), 404, "not_found")
    assert MedicationOrder.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_a_rule_refusal_names_the_rule_and_says_it_may_be_overridden(api_as, draft):
    order = draft(mg=get_profile("US-FED-2024").methadone.first_dose_max_mg.value + 10)
    api = api_as("ada")
    body = assert_problem(
        api.post(f"/orders/{order.uuid}/sign", {}), 422, "methadone.first_dose_over_limit"
    )
    assert body["overridable"] is True
    assert body["profile"].startswith("US-FED-2024")
    assert "methadone.first_dose_over_limit" in {e["code"] for e in body["errors"]}
    assert "US-FED-2024" in body["errors"][0]["message"]
    response = api.post(
        f"/orders/{order.uuid}/sign",
        {"override_reason": "Transfer patient, verified at prior OTP."},
    )
    assert response.status_code == 200, response.content
    assert "methadone.first_dose_over_limit" in response.json()["override_rule_codes"]


def test_signing_twice_is_a_conflict(api_as, signed):
    order = signed()
    assert_problem(
        api_as("ada").post(f"/orders/{order.uuid}/sign", {}), 409, "order_already_signed"
    )


def test_a_change_supersedes_and_an_end_stops(api_as, signed, clock):
    order = signed()
    api = api_as("ada")
    tomorrow = TODAY + timedelta(days=1)
    response = api.post(
        f"/orders/{order.uuid}/change",
        {"start_date": tomorrow.isoformat(), "daily_dose_mg": "35", "phase": "titration"},
    )
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["supersedes"] == str(order.uuid)
    assert new["status"] == "signed"
    assert new["daily_dose_mg"] == "35.00"
    old = api.get(f"/orders/{order.uuid}").json()
    assert old["status"] == "ended"
    assert old["end_date"] == tomorrow.isoformat()
    assert_problem(
        api.post(f"/orders/{order.uuid}/change", {"start_date": tomorrow.isoformat()}),
        409,
        "already_superseded",
    )
    response = api.post(
        f"/orders/{new['uuid']}/end",
        {"end_date": (tomorrow + timedelta(days=7)).isoformat(), "reason": "Tapered off."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["end_reason"] == "Tapered off."
    assert_problem(
        api.post(f"/orders/{new['uuid']}/end", {"end_date": "2026-03-05"}),
        422,
        "required",
        "reason",
    )


def test_request_shape_errors_use_the_field_path(api_as, make_patient, clock):
    patient = make_patient()
    api = api_as("ada")
    assert_problem(
        api.post(f"/patients/{patient.uuid}/orders", {**DRAFT, "daily_dose_mg": True}),
        422,
        "invalid_type",
        "daily_dose_mg",
    )
    assert_problem(
        api.post(f"/patients/{patient.uuid}/orders", {**DRAFT, "medication": "heroin"}),
        422,
        "invalid_choice",
        "medication",
    )
    assert_problem(
        api.post(f"/patients/{patient.uuid}/orders", {**DRAFT, "daily_dose_mg": "30.001"}),
        422,
        "too_precise",
        "daily_dose_mg",
    )


# --- doses ---------------------------------------------------------------------------------


def test_nurse_ben_dispenses_and_the_stock_moves(api_as, signed, bottle, personas):
    order = signed()
    response = api_as("ben").post(
        f"/orders/{order.uuid}/doses", _dose(bottle), **{"Idempotency-Key": "window-1-0001"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["order_uuid"] == str(order.uuid)
    assert body["amount_mg"] == "30.00"
    assert body["service_date"] == TODAY.isoformat()
    assert body["nurse"]["name"] == "Ben Cruz"
    assert body["kind"] == "observed"
    assert body["back_entered"] is False
    assert "Idempotent-Replayed" not in response
    bottle.refresh_from_db()
    assert bottle.balance_mg == Decimal("9970")
    assert AuditEvent.objects.filter(object_type="dose_administration").count() == 1


def test_a_retry_with_the_same_key_returns_the_first_dose(api_as, signed, bottle):
    order = signed()
    api = api_as("ben")
    headers = {"Idempotency-Key": "tablet-7-req-42"}
    first = api.post(f"/orders/{order.uuid}/doses", _dose(bottle), **headers)
    again = api.post(f"/orders/{order.uuid}/doses", _dose(bottle), **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert DoseAdministration.objects.count() == 1
    assert InventoryLedgerEntry.objects.filter(kind="dispense").count() == 1
    # The key may also come in the body; a body key that contradicts the header is refused.
    also = api.post(f"/orders/{order.uuid}/doses", _dose(bottle, idempotency_key="tablet-7-req-42"))
    assert also.json()["uuid"] == first.json()["uuid"]
    assert_problem(
        api.post(f"/orders/{order.uuid}/doses", _dose(bottle, idempotency_key="other"), **headers),
        422,
        "idempotency_key_mismatch",
    )


def test_a_second_dose_the_same_day_is_refused(api_as, signed, bottle):
    order = signed()
    api = api_as("ben")
    api.post(f"/orders/{order.uuid}/doses", _dose(bottle, idempotency_key="a"))
    assert_problem(
        api.post(f"/orders/{order.uuid}/doses", _dose(bottle, idempotency_key="b")),
        409,
        "already_dosed_today",
    )


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("dan", 403, "capability_denied"),
        ("ada", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_nurse_of_the_clinic_dispenses(api_as, signed, bottle, username, status, code):
    order = signed()
    response = api_as(username).post(
        f"/orders/{order.uuid}/doses", _dose(bottle, idempotency_key="k")
    )
    assert_problem(response, status, code)
    assert not DoseAdministration.objects.exists()


def test_refusals_surface_with_the_services_codes(api_as, signed, bottle, ada, receive):
    api = api_as("ben")
    order = signed()
    assert_problem(
        api.post(f"/orders/{order.uuid}/doses", _dose(bottle)), 422, "idempotency_key_required"
    )
    assert_problem(
        api.post(f"/orders/{order.uuid}/doses", _dose(bottle, amount_mg="40", idempotency_key="x")),
        422,
        "wrong_amount",
        "amount_mg",
    )
    assert_problem(
        api.post(
            f"/orders/{order.uuid}/doses",
            {
                "amount_mg": "30",
                "stock_bottle": "7c0e5a0e-2f52-4d7b-9a57-3f1e2b6c9d10",
                "idempotency_key": "y",
            },
        ),
        422,
        "unknown_bottle",
        "stock_bottle",
    )
    assert_problem(
        api.post(
            f"/orders/{order.uuid}/doses",
            _dose(bottle, idempotency_key="z", administered_at="2026-03-02T08:00:00"),
        ),
        422,
        "naive_datetime",
        "administered_at",
    )
    small = receive(mg=Decimal("20"), lot="L-small")[0]
    assert_problem(
        api.post(f"/orders/{order.uuid}/doses", _dose(small, idempotency_key="s")),
        422,
        "insufficient_stock",
    )
    hold_place(actor=ada, patient=order.patient, reason="Awaiting ECG", starts_on=TODAY)
    body = assert_problem(
        api.post(f"/orders/{order.uuid}/doses", _dose(bottle, idempotency_key="h")), 422, "on_hold"
    )
    assert "Awaiting ECG" in body["detail"]
    assert not DoseAdministration.objects.exists()


def test_a_back_entered_dose_keeps_its_time_and_flag(api_as, signed, bottle, clock):
    order = signed()
    at = local(TODAY, 6, 45).isoformat()
    response = api_as("ben").post(
        f"/orders/{order.uuid}/doses",
        _dose(bottle, administered_at=at, back_entered=True, idempotency_key="paper-log-1"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["back_entered"] is True
    assert body["administered_at"].startswith("2026-03-02T11:45:00")  # 06:45 New York, in UTC


def test_listing_doses_newest_first(api_as, signed, give, clock):
    order = signed()
    give(order)
    clock.move_to(local(TODAY + timedelta(days=1), 9))
    give(order)
    api = api_as("ben")
    body = api.get(f"/patients/{order.patient.uuid}/doses").json()
    assert [d["service_date"] for d in body["items"]] == ["2026-03-03", "2026-03-02"]
    body = api.get(f"/patients/{order.patient.uuid}/doses?since=2026-03-03").json()
    assert body["count"] == 1
    assert_problem(
        api_as("dan").get(f"/patients/{order.patient.uuid}/doses"), 403, "capability_denied"
    )
    assert_problem(api_as("sam").get(f"/patients/{order.patient.uuid}/doses"), 404, "not_found")


# --- the queue -----------------------------------------------------------------------------


def test_the_queue_lists_who_is_due_dosed_and_held(
    api_as, signed, give, ada, make_patient, clock, django_assert_max_num_queries
):
    dosed = signed(make_patient("Dee"))
    signed(make_patient("Eli"))
    held = signed(make_patient("Fay"))
    give(dosed)
    hold_place(actor=ada, patient=held.patient, reason="Awaiting ECG", starts_on=TODAY)
    api = api_as("ben")
    with django_assert_max_num_queries(20):
        response = api.get("/queue")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["service_date"] == TODAY.isoformat()
    assert body["count"] == 3
    assert body["counts"] == {"dosed": 1, "due": 1, "on_hold": 1}
    by_name = {item["patient"]["display_name"].split()[0]: item for item in body["items"]}
    assert by_name["Dee"]["status"] == "dosed"
    assert by_name["Dee"]["remaining"] == 0
    assert len(by_name["Dee"]["doses"]) == 1
    assert by_name["Eli"]["status"] == "due"
    assert by_name["Eli"]["order"]["per_administration_mg"] == "30.00"
    assert by_name["Fay"]["blocker"]["code"] == "on_hold"
    event = AuditEvent.objects.get(object_type="dosing_queue")
    assert event.detail["patients"] == 3


def test_the_queue_costs_the_same_queries_for_3_or_30_people(
    api_as, signed, make_patient, clock, django_assert_max_num_queries
):
    for n in range(30):
        signed(make_patient(f"P{n}"))
    api = api_as("ben")
    with django_assert_max_num_queries(20):
        assert api.get("/queue").json()["count"] == 30


@pytest.mark.parametrize(("username", "status"), [("ada", 200), ("dan", 403), ("chloe", 403)])
def test_the_queue_is_for_nurses_and_prescribers(api_as, signed, clock, username, status):
    signed()
    assert api_as(username).get("/queue").status_code == status


def test_sam_sees_ridges_queue_without_harbors_patients(api_as, signed, clock):
    signed()
    body = api_as("sam").get("/queue").json()
    assert body["count"] == 0
    assert body["clinic"]["name"] == "Ridge Clinic"


def test_the_queue_of_another_day(api_as, signed, clock):
    signed()
    assert api_as("ben").get("/queue?date=2026-03-01").json()["count"] == 0
    assert_problem(api_as("ben").get("/queue?date=03/02/2026"), 422, "invalid_date", "date")


def test_bottles_are_not_shared_between_clinics(
    api_as,
    signed,
    bottle,
    ridge,
    methadone_product,
    personas,
    actor_for,
):
    order = signed()
    ridge_bottle = stock_receive(
        actor=actor_for(personas["sam"], ridge),
        clinic=ridge,
        product=methadone_product,
        supplier="Mallinckrodt",
        lot="R-1",
        expires_on=TODAY + timedelta(days=400),
        bottle_count=1,
        quantity_mg_per_bottle=Decimal("10000"),
    ).bottles[0]
    assert StockBottle.objects.count() == 2
    assert_problem(
        api_as("ben").post(f"/orders/{order.uuid}/doses", _dose(ridge_bottle, idempotency_key="r")),
        422,
        "unknown_bottle",
    )

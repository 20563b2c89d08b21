"""/api/v1 naloxone: the chart panel, handing out kits, and recording declined offers."""

# ruff: noqa: F811 - the naloxone fixtures are imported from tests.naloxone.conftest
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.audit.models import AuditEvent
from mooring.naloxone.models import NaloxoneKit, NaloxoneOfferRecord
from tests.api.conftest import assert_problem
from tests.naloxone.conftest import (  # noqa: F401 (fixtures)
    EXPIRY,
    TODAY,
    ada,
    ben,
    clock,
    draft,
    hand_out,
    local,
    signed,
)

pytestmark = pytest.mark.django_db


def _kit(**extra):
    return {"product": "narcan_nasal_spray", "lot": "NC-1", "expiry": EXPIRY.isoformat(), **extra}


def test_a_nurse_hands_a_kit_to_the_patient_and_it_is_audited(
    api_as, make_patient, clock, personas
):
    patient = make_patient()
    response = api_as("ben").post(
        f"/patients/{patient.uuid}/naloxone/kits",
        _kit(quantity=2, training_recorded=True, training_note="Showed the nasal spray"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["patient_uuid"] == str(patient.uuid)
    assert body["product"] == "narcan_nasal_spray"
    assert body["product_name"] == "Narcan nasal spray"
    assert body["quantity"] == 2
    assert body["recipient"] == "patient"
    assert body["training_recorded"] is True
    assert body["order_uuid"] is None
    assert body["given_by"]["uuid"] == str(personas["ben"].uuid)
    event = AuditEvent.objects.get(object_type="naloxone_kit")
    assert event.object_id == body["uuid"]
    assert event.channel == "api"
    assert event.patient == patient


def test_a_household_member_is_named_with_the_relationship(api_as, make_patient, clock):
    patient = make_patient()
    path = f"/patients/{patient.uuid}/naloxone/kits"
    assert_problem(
        api_as("ben").post(path, _kit(recipient="household")),
        422,
        "recipient_required",
        "recipient_name",
    )
    response = api_as("ben").post(
        path,
        _kit(recipient="household", recipient_name="Jo Rivera", recipient_relationship="sister"),
    )
    assert response.status_code == 201, response.content
    assert (response.json()["recipient_name"], response.json()["recipient_relationship"]) == (
        "Jo Rivera",
        "sister",
    )


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("dan", 403, "capability_denied"),
        ("chloe", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_those_who_give_medicines_here_hand_out_kits(
    api_as, make_patient, clock, username, status, code
):
    patient = make_patient()
    response = api_as(username).post(f"/patients/{patient.uuid}/naloxone/kits", _kit())
    assert_problem(response, status, code)
    response = api_as(username).post(
        f"/patients/{patient.uuid}/naloxone/offers", {"event": "intake", "outcome": "declined"}
    )
    assert_problem(response, status, code)
    assert not NaloxoneKit.objects.exists()
    assert not NaloxoneOfferRecord.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"product": "opvee"}, "invalid_choice", "product"),
        ({"product": "evzio_auto_injector"}, "product_discontinued", "product"),
        ({"quantity": 0}, "invalid_quantity", "quantity"),
        ({"quantity": "2"}, "invalid_type", "quantity"),
        ({"lot": ""}, "required", "lot"),
        ({"expiry": (TODAY - timedelta(days=1)).isoformat()}, "kit_expired", "expiry"),
        ({"given_at": local(TODAY, 12).isoformat()}, "given_in_future", "given_at"),
        ({"recipient": "neighbour"}, "invalid_choice", "recipient"),
    ],
)
def test_bad_kits_are_refused_naming_the_field(api_as, make_patient, clock, change, code, field):
    patient = make_patient()
    response = api_as("ben").post(f"/patients/{patient.uuid}/naloxone/kits", _kit(**change))
    assert_problem(response, 422, code, field)
    assert not NaloxoneKit.objects.exists()


def test_a_prescription_product_needs_a_signed_naloxone_order(api_as, make_patient, signed, clock):
    patient = make_patient()
    path = f"/patients/{patient.uuid}/naloxone/kits"
    assert_problem(
        api_as("ben").post(path, _kit(product="kloxxado")), 422, "prescription_required", "product"
    )
    order = signed(
        patient, medication="naloxone_kit", form="nasal_spray", phase="maintenance", mg=Decimal("8")
    )
    response = api_as("ada").post(path, _kit(product="kloxxado"))
    assert response.status_code == 201, response.content
    assert response.json()["order_uuid"] == str(order.uuid)


# --- offers and the panel ------------------------------------------------------------------


def test_a_new_patient_is_due_an_offer_until_one_is_declined(api_as, make_patient, clock):
    patient = make_patient(admitted_on=TODAY)
    api = api_as("ben")
    panel = api.get(f"/patients/{patient.uuid}/naloxone").json()
    assert panel["no_kit_on_record"] is True
    assert panel["offer_due"] is True
    assert panel["event"] == "intake"
    assert panel["event_date"] == TODAY.isoformat()
    assert panel["offer"]["offer_to_household"] is True
    assert "narcan_nasal_spray" in panel["offer"]["products"]
    assert "evzio_auto_injector" not in panel["offer"]["products"]
    response = api.post(
        f"/patients/{patient.uuid}/naloxone/offers",
        {"event": "intake", "outcome": "declined", "note": "Has one at home"},
    )
    assert response.status_code == 201, response.content
    offer = response.json()
    assert (offer["event"], offer["outcome"]) == ("intake", "declined")
    event = AuditEvent.objects.get(object_type="naloxone_offer")
    assert event.object_id == offer["uuid"]
    panel = api.get(f"/patients/{patient.uuid}/naloxone").json()
    assert panel["offer_due"] is False
    assert panel["offer"] is None
    assert panel["no_kit_on_record"] is True  # still warned: no kit given
    assert [o["uuid"] for o in panel["offers"]] == [offer["uuid"]]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"event": "birthday", "outcome": "declined"}, "invalid_choice", "event"),
        ({"event": "intake", "outcome": "maybe"}, "invalid_choice", "outcome"),
        ({"event": "intake"}, "required", "outcome"),
    ],
)
def test_bad_offers_are_refused_naming_the_field(api_as, make_patient, body, code, field):
    patient = make_patient()
    response = api_as("ben").post(f"/patients/{patient.uuid}/naloxone/offers", body)
    assert_problem(response, 422, code, field)


@pytest.mark.parametrize(
    ("username", "status"),
    [("ada", 200), ("ben", 200), ("kai", 200), ("dan", 403), ("sam", 404), ("ian", 404)],
)
def test_the_panel_answers_each_persona(api_as, make_patient, clock, username, status):
    patient = make_patient()
    response = api_as(username).get(f"/patients/{patient.uuid}/naloxone")
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


def test_the_panel_lists_kits_newest_first_in_a_fixed_number_of_queries(
    api_as, make_patient, hand_out, clock
):
    patient = make_patient(admitted_on=TODAY)
    api = api_as("ben")
    path = f"/patients/{patient.uuid}/naloxone"
    api.get(path)  # the token's first use is written once
    hand_out(patient, lot="FIRST")
    with CaptureQueriesContext(connection) as one:
        assert api.get(path).status_code == 200
    for n in range(4):
        clock.move_to(local(TODAY, 9, 10 + n))
        hand_out(patient, lot=f"LATER-{n}")
    api.get(path)  # a new minute: the token's use is written again
    with CaptureQueriesContext(connection) as five:
        body = api.get(path).json()
    assert len(one) == len(five)
    assert body["kits_given"] == 5
    assert body["last_kit"]["lot"] == "LATER-3"
    assert [k["lot"] for k in body["kits"]][-1] == "FIRST"
    read = AuditEvent.objects.filter(object_type="patient", actor_username="ben").last()
    assert read.detail == {"purpose": "naloxone"}


def test_the_document_lists_the_naloxone_paths_and_products(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert set(paths["/api/v1/patients/{patient_uuid}/naloxone"]) == {"get"}
    assert set(paths["/api/v1/patients/{patient_uuid}/naloxone/kits"]) == {"post"}
    assert set(paths["/api/v1/patients/{patient_uuid}/naloxone/offers"]) == {"post"}
    assert "kloxxado" in document["components"]["schemas"]["NaloxoneProduct"]["enum"]

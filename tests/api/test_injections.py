"""/api/v1 long-acting injections: the schedule, giving one, overrides and the due list."""

# ruff: noqa: F811 - the injection fixtures are imported from tests.injections.conftest
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.audit.models import AuditEvent
from mooring.injections.models import InjectionAdministration
from mooring.rules.injectables import INJECTABLE_SPECS, InjectableProduct
from tests.api.conftest import assert_problem
from tests.injections.conftest import (  # noqa: F401 (fixtures)
    EXPIRY,
    TODAY,
    ada,
    ben,
    clock,
    draft,
    inject,
    local,
    naltrexone,
    signed,
)

pytestmark = pytest.mark.django_db
INTERVAL = INJECTABLE_SPECS[InjectableProduct.NALTREXONE_XR].intervals[0]


def _give(order, /, **extra):
    body = {
        "order": str(order.uuid),
        "dose_mg": "380",
        "site": "gluteal_left",
        "lot": "NX-2026-01",
        "expiry": EXPIRY.isoformat(),
    }
    return {**body, **extra}


def test_a_nurse_gives_an_injection_and_it_is_audited(api_as, naltrexone, clock, personas):
    order = naltrexone()
    response = api_as("ben").post(f"/patients/{order.patient.uuid}/injections", _give(order))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["order_uuid"] == str(order.uuid)
    assert body["patient_uuid"] == str(order.patient.uuid)
    assert body["product"] == "naltrexone_xr"
    assert body["injection_number"] == 1
    assert body["dose_mg"] == "380.00"
    assert body["service_date"] == TODAY.isoformat()
    assert body["given_by"]["uuid"] == str(personas["ben"].uuid)
    assert body["timing"] == "due"
    found = {f["code"] for f in body["rule_findings"]}
    assert "injectable.offer_naloxone" in found
    assert body["override_rule_codes"] == []
    event = AuditEvent.objects.get(object_type="injection_administration")
    assert event.object_id == body["uuid"]
    assert event.channel == "api"
    assert event.actor_username == "ben"
    assert event.patient == order.patient


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("dan", 403, "capability_denied"),  # front desk sees no clinical detail
        ("chloe", 403, "capability_denied"),  # a counsellor does not give medicines
        ("sam", 404, "not_found"),  # Ridge never learns of Harbor's patient
    ],
)
def test_only_those_who_give_medicines_here_may_inject(
    api_as, naltrexone, clock, username, status, code
):
    order = naltrexone()
    response = api_as(username).post(f"/patients/{order.patient.uuid}/injections", _give(order))
    assert_problem(response, status, code)
    assert not InjectionAdministration.objects.exists()


def test_an_early_injection_is_refused_and_a_prescriber_overrides_it_with_a_reason(
    api_as, naltrexone, inject, clock
):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.earliest_days - 3), 10))
    path = f"/patients/{order.patient.uuid}/injections"
    early = _give(order, site="gluteal_right")
    body = assert_problem(
        api_as("ben").post(path, early), 422, "injection.not_yet_due", "administered_at"
    )
    assert body["overridable"] is True
    assert body["profile"].startswith("LABEL:")
    assert "injection.not_yet_due" in body["errors"][0]["message"]
    nurse_override = {**early, "override_reason": "Travelling"}
    assert_problem(api_as("ben").post(path, nurse_override), 403, "override_needs_prescriber")
    reason = "Leaving the state for three weeks; early dose agreed"
    response = api_as("ada").post(path, {**early, "override_reason": reason})
    assert response.status_code == 201, response.content
    given = response.json()
    assert given["override_rule_codes"] == ["injection.not_yet_due"]
    assert given["override_reason"] == reason
    assert given["timing"] == "not_yet_due"
    event = AuditEvent.objects.filter(object_type="injection_administration").last()
    assert event.detail["override_reason"] == reason
    assert event.actor_username == "ada"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"dose_mg": "100"}, "injection.dose_not_a_strength", "administered_at"),
        ({"site": "abdomen_left"}, "injection.site_not_for_product", "administered_at"),
        ({"expiry": (TODAY - timedelta(days=1)).isoformat()}, "injection.product_expired", None),
        ({"lot": "  "}, "required", "lot"),
        ({"site": "elbow"}, "invalid_choice", "site"),
        ({"dose_mg": True}, "invalid_type", "dose_mg"),
        ({"administered_at": "2026-03-02T08:00:00"}, "naive_datetime", "administered_at"),
        ({"order": "not-a-uuid"}, "invalid_uuid", "order"),
    ],
)
def test_refusals_surface_the_services_codes_and_field_paths(
    api_as, naltrexone, clock, change, code, field
):
    order = naltrexone()
    response = api_as("ben").post(
        f"/patients/{order.patient.uuid}/injections", _give(order, **change)
    )
    body = assert_problem(response, 422, code, field)
    if code.startswith("injection."):
        assert body["overridable"] is False
    assert not InjectionAdministration.objects.exists()


def test_another_patients_order_is_unknown_here(api_as, naltrexone, make_patient, clock):
    order = naltrexone()
    other = make_patient()
    response = api_as("ben").post(f"/patients/{other.uuid}/injections", _give(order))
    assert_problem(response, 422, "unknown_order", "order")


def test_the_same_injection_twice_in_a_day_is_a_conflict(api_as, naltrexone, inject, clock):
    order = naltrexone()
    inject(order)
    response = api_as("ben").post(
        f"/patients/{order.patient.uuid}/injections", _give(order, site="gluteal_right")
    )
    assert_problem(response, 409, "already_injected_today")


def test_the_first_monthly_buprenorphine_injection_names_its_product(api_as, signed, clock):
    order = signed(
        medication="buprenorphine_xr_monthly", form="injection", phase="maintenance", mg=300
    )
    path = f"/patients/{order.patient.uuid}/injections"
    body = {**_give(order), "dose_mg": "300", "site": "abdomen_left"}
    assert_problem(api_as("ben").post(path, body), 422, "product_required", "product")
    response = api_as("ben").post(path, {**body, "product": "sublocade"})
    assert response.status_code == 201, response.content
    assert response.json()["product"] == "sublocade"


# --- the chart -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [("ada", 200), ("ben", 200), ("chloe", 200), ("dan", 403), ("sam", 404), ("olu", 404)],
)
def test_the_schedule_answers_each_persona(api_as, naltrexone, clock, username, status):
    order = naltrexone()
    response = api_as(username).get(f"/patients/{order.patient.uuid}/injections")
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


def test_the_schedule_shows_the_next_window_and_the_history(
    api_as, naltrexone, inject, clock, personas
):
    order = naltrexone()
    inject(order)
    response = api_as("chloe").get(f"/patients/{order.patient.uuid}/injections")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["as_of"] == TODAY.isoformat()
    (schedule,) = body["schedules"]
    assert schedule["order"]["uuid"] == str(order.uuid)
    assert schedule["product"] == "naltrexone_xr"
    assert schedule["injections_given"] == 1
    assert schedule["next_injection_number"] == 2
    assert schedule["timing"] == "not_yet_due"
    assert schedule["earliest"] == (TODAY + timedelta(days=INTERVAL.earliest_days)).isoformat()
    assert schedule["due"] == (TODAY + timedelta(days=INTERVAL.due_days)).isoformat()
    assert body["count"] == 1
    assert body["history"][0]["lot"] == "NX-2026-01"
    read = AuditEvent.objects.filter(object_type="patient", actor_username="chloe").last()
    assert read.detail == {"purpose": "injections"}
    assert read.data_category == "sud_treatment"


# --- the clinic's due list -----------------------------------------------------------------


def test_the_overdue_list_names_overdue_patients_most_overdue_first(
    api_as, naltrexone, inject, clock
):
    late = naltrexone()
    inject(late)
    never = naltrexone()  # never injected: due, not overdue
    as_of = TODAY + timedelta(days=INTERVAL.latest_days + 4)
    api = api_as("ben")
    response = api.get(f"/injections/due?overdue=true&date={as_of.isoformat()}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["overdue_only"] is True
    assert body["as_of"] == as_of.isoformat()
    assert [i["patient"]["uuid"] for i in body["items"]] == [str(late.patient.uuid)]
    assert body["items"][0]["days_overdue"] == 4
    assert body["items"][0]["timing"] == "overdue"
    everything = api.get(f"/injections/due?date={as_of.isoformat()}").json()
    assert everything["count"] == 2
    assert everything["counts"] == {"due": 1, "overdue": 1}
    assert str(never.patient.uuid) in {i["patient"]["uuid"] for i in everything["items"]}
    event = AuditEvent.objects.filter(object_type="injections_due").first()
    assert event.detail["overdue_only"] is True
    assert event.detail["patients"] == [late.patient.mrn]


@pytest.mark.parametrize(
    ("username", "status"), [("chloe", 200), ("sam", 200), ("dan", 403), ("olu", 403)]
)
def test_the_due_list_is_for_clinical_staff_of_the_acting_clinic(
    api_as, naltrexone, clock, username, status
):
    naltrexone()
    response = api_as(username).get("/injections/due")
    assert response.status_code == status, response.content
    if username == "sam":
        assert response.json()["count"] == 0  # Harbor's patients are not on Ridge's list


def test_the_due_list_takes_the_same_queries_for_two_and_six_patients(
    api_as, naltrexone, inject, clock
):
    api = api_as("ben")
    api.get("/injections/due")  # the token's first use is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/injections/due")
        assert response.status_code == 200
        return len(captured)

    for _ in range(2):
        inject(naltrexone())
    few = queries()
    for _ in range(4):
        inject(naltrexone())
    assert queries() == few


def test_the_document_lists_the_injection_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/patients/{patient_uuid}/injections"]) == {"get", "post"}
    assert set(paths["/api/v1/injections/due"]) == {"get"}
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "gluteal_left" in schemas["InjectionSite"]["enum"]


def test_the_schedule_takes_the_same_queries_for_one_and_four_injections(
    api_as, naltrexone, inject, clock
):
    order = naltrexone()
    api = api_as("ben")
    path = f"/patients/{order.patient.uuid}/injections"
    inject(order)
    api.get(path)  # the token's first use is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path)
        assert response.status_code == 200
        return len(captured)

    one = queries()
    for n in range(1, 4):
        day = TODAY + timedelta(days=INTERVAL.due_days * n)
        clock.move_to(local(day, 10))
        inject(order, site="gluteal_right" if n % 2 else "gluteal_left")
    api.get(path)  # a new minute: the token's use is written again
    assert queries() == one
    assert api.get(path).json()["count"] == 4

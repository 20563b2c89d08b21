"""/api/v1 withdrawal medicines: the course at a glance, giving doses, impairment grades."""

# ruff: noqa: F811 - the withdrawal fixtures are imported from tests.withdrawal.conftest
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.audit.models import AuditEvent
from mooring.rules.profiles import get_profile
from mooring.withdrawal.models import ImpairmentAssessment, WithdrawalDose
from mooring.withdrawal.services import withdrawal_settings_set
from tests.api.conftest import assert_problem
from tests.withdrawal.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    ada,
    ben,
    clock,
    clonidine,
    draft,
    give,
    local,
    lofexidine,
    signed,
    tablets,
)

pytestmark = pytest.mark.django_db
LOF = get_profile("US-FED-2024").lofexidine


def _dose(order, /, **extra):
    return {"order": str(order.uuid), "dose_mg": str(tablets(3)), **extra}


def test_a_nurse_gives_a_lofexidine_dose_and_it_is_audited(api_as, lofexidine, personas):
    order = lofexidine()
    response = api_as("ben").post(f"/patients/{order.patient.uuid}/withdrawal/doses", _dose(order))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["order_uuid"] == str(order.uuid)
    assert body["medicine"] == "lofexidine"
    assert body["dose_mg"] == "0.540"
    assert body["day_of_course"] == 1
    assert body["service_date"] == TODAY.isoformat()
    assert body["given_by"]["uuid"] == str(personas["ben"].uuid)
    assert (body["hepatic"], body["renal"]) == ("none", "none")
    assert body["protocol_profile"] == "US-FED-2024"
    event = AuditEvent.objects.get(object_type="withdrawal_dose")
    assert event.object_id == body["uuid"]
    assert event.channel == "api"
    assert event.patient == order.patient


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("dan", 403, "capability_denied"),
        ("kai", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_those_who_give_medicines_here_may_give_a_dose(
    api_as, lofexidine, username, status, code
):
    order = lofexidine()
    response = api_as(username).post(
        f"/patients/{order.patient.uuid}/withdrawal/doses", _dose(order)
    )
    assert_problem(response, status, code)
    assert not WithdrawalDose.objects.exists()


def test_a_dose_too_soon_is_refused_and_a_prescriber_overrides_it(api_as, lofexidine, give, clock):
    order = lofexidine()
    give(order)
    clock.move_to(local(TODAY, 11))
    path = f"/patients/{order.patient.uuid}/withdrawal/doses"
    body = assert_problem(api_as("ben").post(path, _dose(order)), 422, "lofexidine.too_soon")
    assert body["overridable"] is True
    assert body["errors"][0]["field"] == "dose_mg"
    assert "US-FED-2024" in body["errors"][0]["message"]
    reason = "Severe symptoms, COWS 18"
    assert_problem(
        api_as("ben").post(path, _dose(order, override_reason=reason)),
        403,
        "override_needs_prescriber",
    )
    response = api_as("ada").post(path, _dose(order, override_reason=reason))
    assert response.status_code == 201, response.content
    assert response.json()["override_rule_codes"] == ["lofexidine.too_soon"]
    assert response.json()["override_reason"] == reason
    event = AuditEvent.objects.filter(object_type="withdrawal_dose").last()
    assert (event.actor_username, event.detail["override_reason"]) == ("ada", reason)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            {"dose_mg": str(LOF.max_single_dose_mg.value + LOF.tablet_mg.value)},
            "lofexidine.single_dose_over_limit",
            "dose_mg",
        ),
        ({"dose_mg": "0.5"}, "rules_input_invalid", "dose_mg"),
        ({"pulse_bpm": 80}, "vitals_incomplete", "systolic_mmhg"),
        ({"pulse_bpm": 80, "systolic_mmhg": 900}, "implausible", "systolic_mmhg"),
        ({"pulse_bpm": "80"}, "invalid_type", "pulse_bpm"),
        ({"given_at": "2026-03-02T08:00:00"}, "naive_datetime", "given_at"),
        ({"colour": "blue"}, "unknown_field", "colour"),
    ],
)
def test_refusals_surface_the_services_codes_and_field_paths(
    api_as, lofexidine, change, code, field
):
    order = lofexidine()
    response = api_as("ada").post(
        f"/patients/{order.patient.uuid}/withdrawal/doses",
        _dose(order, override_reason="please", **change),
    )
    body = assert_problem(response, 422, code, field)
    if code.startswith("lofexidine."):
        assert body["overridable"] is False
    assert not WithdrawalDose.objects.exists()


def test_a_methadone_order_is_not_a_withdrawal_course(api_as, signed):
    order = signed()
    response = api_as("ben").post(
        f"/patients/{order.patient.uuid}/withdrawal/doses", _dose(order, dose_mg="30")
    )
    assert_problem(response, 422, "order_not_withdrawal_medicine", "order")


def test_clonidine_waits_for_the_clinic_and_then_needs_vitals(api_as, clonidine, ada):
    order = clonidine()
    path = f"/patients/{order.patient.uuid}/withdrawal/doses"
    vitals = {"pulse_bpm": 80, "systolic_mmhg": 120, "diastolic_mmhg": 75}
    body = assert_problem(
        api_as("ben").post(path, _dose(order, dose_mg="0.2", **vitals)),
        422,
        "clonidine.not_enabled",
    )
    assert body["overridable"] is False
    withdrawal_settings_set(actor=ada, clonidine_enabled=True, reason="Medical director's protocol")
    response = api_as("ben").post(path, _dose(order, dose_mg="0.2", **vitals))
    assert response.status_code == 201, response.content
    assert response.json()["protocol_profile"] == "US-FED-2024@harbor"
    assert response.json()["systolic_mmhg"] == 120


# --- the chart -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"), [("ada", 200), ("ben", 200), ("kai", 200), ("dan", 403), ("sam", 404)]
)
def test_the_withdrawal_chart_answers_each_persona(api_as, lofexidine, username, status):
    order = lofexidine()
    response = api_as(username).get(f"/patients/{order.patient.uuid}/withdrawal")
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


def test_the_chart_shows_the_course_day_limits_and_doses(api_as, lofexidine, give, clock):
    order = lofexidine()
    give(order)
    clock.move_to(local(TODAY + timedelta(days=2), 8))
    give(order)
    response = api_as("ben").get(f"/patients/{order.patient.uuid}/withdrawal")
    assert response.status_code == 200, response.content
    body = response.json()
    (course,) = body["courses"]
    assert course["order"]["uuid"] == str(order.uuid)
    assert course["day_of_course"] == 3
    assert course["doses_today_mg"] == ["0.540"]
    assert course["given_today_mg"] == "0.540"
    assert course["daily_max_mg"] == "2.16"
    assert course["remaining_today_mg"] == "1.620"
    assert course["taper_tablets_per_dose"][0] == 2
    assert course["clonidine_enabled"] is False
    assert body["impairment"]["uuid"] is None
    assert body["count"] == 2
    assert body["doses"][0]["day_of_course"] == 3
    read = AuditEvent.objects.filter(object_type="patient", actor_username="ben").last()
    assert read.detail == {"purpose": "withdrawal"}


# --- impairment ----------------------------------------------------------------------------


def test_a_prescriber_records_impairment_which_lowers_the_limits(api_as, lofexidine, personas):
    order = lofexidine()
    response = api_as("ada").post(
        f"/patients/{order.patient.uuid}/impairment",
        {"hepatic": "moderate", "renal": "none", "assessed_on": TODAY.isoformat()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["hepatic"], body["renal"]) == ("moderate", "none")
    assert body["recorded_by"]["uuid"] == str(personas["ada"].uuid)
    event = AuditEvent.objects.get(object_type="impairment_assessment")
    assert event.object_id == body["uuid"]
    chart = api_as("ben").get(f"/patients/{order.patient.uuid}/withdrawal").json()
    assert chart["impairment"]["uuid"] == body["uuid"]
    assert chart["courses"][0]["daily_max_mg"] == str(LOF.hepatic_moderate_daily_max_mg.value)
    # Three tablets are now above a quarter of the lowered daily limit.
    assert_problem(
        api_as("ben").post(f"/patients/{order.patient.uuid}/withdrawal/doses", _dose(order)),
        422,
        "lofexidine.single_dose_over_limit",
    )


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ben", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_prescriber_records_impairment(api_as, lofexidine, username, status, code):
    order = lofexidine()
    response = api_as(username).post(
        f"/patients/{order.patient.uuid}/impairment",
        {"hepatic": "mild", "renal": "none", "assessed_on": TODAY.isoformat()},
    )
    assert_problem(response, status, code)
    assert not ImpairmentAssessment.objects.exists()


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (
            {"hepatic": "mild", "renal": "mild", "assessed_on": TODAY.isoformat()},
            "invalid_choice",
            "renal",
        ),
        (
            {
                "hepatic": "mild",
                "renal": "none",
                "assessed_on": (TODAY + timedelta(days=1)).isoformat(),
            },
            "future_date",
            "assessed_on",
        ),
        (
            {"hepatic": "mild", "renal": "none", "assessed_on": "02/03/2026"},
            "invalid_date",
            "assessed_on",
        ),
    ],
)
def test_impairment_refusals_name_the_field(api_as, lofexidine, body, code, field):
    order = lofexidine()
    response = api_as("ada").post(f"/patients/{order.patient.uuid}/impairment", body)
    assert_problem(response, 422, code, field)


def test_the_document_lists_the_withdrawal_paths(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert set(paths["/api/v1/patients/{patient_uuid}/withdrawal"]) == {"get"}
    assert set(paths["/api/v1/patients/{patient_uuid}/withdrawal/doses"]) == {"post"}
    assert set(paths["/api/v1/patients/{patient_uuid}/impairment"]) == {"post"}
    assert document["components"]["schemas"]["Renal"]["enum"] == ["none", "moderate", "severe"]


def test_the_chart_takes_the_same_queries_for_one_and_three_doses(api_as, lofexidine, give, clock):
    order = lofexidine()
    api = api_as("ben")
    path = f"/patients/{order.patient.uuid}/withdrawal"
    give(order)
    api.get(path)  # the token's first use is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path)
        assert response.status_code == 200
        return len(captured)

    one = queries()
    for hour in (14, 19):
        clock.move_to(local(TODAY, hour))
        give(order)
    api.get(path)  # a new minute: the token's use is written again
    assert queries() == one
    assert api.get(path).json()["count"] == 3

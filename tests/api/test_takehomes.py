"""/api/v1 take-homes: eligibility, assessments, hand-overs, labels, returns, recalls, worklist."""

# ruff: noqa: F811 - the take-home fixtures are imported from tests.takehomes.conftest
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.audit.models import Action, AuditEvent
from mooring.inventory.models import InventoryLedgerEntry, StockBottle
from mooring.takehomes.models import TakeHomeBottle, TakeHomeConcern, TakeHomeRecall
from mooring.takehomes.services import takehome_recall_request
from tests.api.conftest import assert_problem
from tests.medications.conftest import local
from tests.takehomes.conftest import (  # noqa: F401 (fixtures)
    ALL_2024_CRITERIA,
    TODAY,
    ada,
    assess,
    ben,
    bottle,
    clock,
    days,
    draft,
    issue,
    methadone_product,
    patient_on_day,
    ready,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db

HARBOR_HEADER = "X-Mooring-Clinic"


def _issue_body(bottle, dates, **extra):
    return {"dates": [d.isoformat() for d in dates], "stock_bottle": str(bottle.uuid), **extra}


def _next_morning(clock, bottles):
    """The day after the last bottle's date, at 09:00: every bottle is due back."""
    clock.move_to(local(max(b.for_date for b in bottles) + timedelta(days=1), 9))


# --- the patient's take-homes --------------------------------------------------------------


def test_the_overview_gives_the_rule_per_order_and_the_bottles_out(api_as, ready, issue):
    order = ready(40)
    issue(order, days(1, 2))
    response = api_as("ada").get(f"/patients/{order.patient.uuid}/takehomes")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assessment"]["criteria_met"] == ALL_2024_CRITERIA
    assert body["assessment"]["assessed_by"]["name"] == "Ada Okafor"
    [row] = body["eligibility"]
    assert row["order"]["uuid"] == str(order.uuid)
    assert row["reason"] == ""
    assert row["profile"] == "US-FED-2024"
    assert row["days_in_treatment"] == 40
    assert row["max_days"] >= 14
    assert row["unmet_criteria"] == []
    assert row["issued_dates"] == [d.isoformat() for d in days(1, 2)]
    assert days(3, 3)[0].isoformat() in row["pending_dates"]
    assert "take_homes.phase_limit" in {f["code"] for f in row["findings"]}
    assert [b["for_date"] for b in body["bottles_out"]] == [d.isoformat() for d in days(1, 2)]
    assert body["due_back"] == []
    assert body["open_recall"] is None
    # The read is audited, once, as a read of this patient.
    assert AuditEvent.objects.filter(
        action=Action.READ, object_id=str(order.patient.uuid), detail__purpose="takehomes"
    ).exists()


def test_without_an_assessment_the_overview_says_why_and_lists_unmet_criteria(
    api_as, patient_on_day, assess, signed
):
    unassessed = signed(patient_on_day(40))
    body = api_as("ben").get(f"/patients/{unassessed.patient.uuid}/takehomes").json()
    assert body["assessment"] is None
    assert body["eligibility"][0]["reason"] == "no_assessment"
    assert body["eligibility"][0]["allowed_dates"] == []
    partly = patient_on_day(40, "Robin")
    assess(partly, ["regular_attendance"])
    signed(partly)
    row = api_as("ben").get(f"/patients/{partly.uuid}/takehomes").json()["eligibility"][0]
    assert row["reason"] == "takehome_not_allowed"
    assert row["max_days"] == 0
    assert "no_recent_diversion" in row["unmet_criteria"]


@pytest.mark.parametrize(("username", "status"), [("dan", 403), ("sam", 404)])
def test_the_overview_refuses_front_desk_and_other_clinics(api_as, ready, username, status):
    order = ready(40)
    response = api_as(username).get(f"/patients/{order.patient.uuid}/takehomes")
    assert_problem(response, status, "capability_denied" if status == 403 else "not_found")


# --- assessments ---------------------------------------------------------------------------


def test_a_prescriber_records_an_assessment(api_as, patient_on_day, clock):
    patient = patient_on_day(40)
    response = api_as("ada").post(
        f"/patients/{patient.uuid}/takehomes/assessments",
        {"criteria_met": ["regular_attendance", "no_recent_diversion"], "note": "Reviewed"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["criteria_met"] == ["regular_attendance", "no_recent_diversion"]
    assert body["protocol_profile"] == "US-FED-2024"
    assert body["patient_uuid"] == str(patient.uuid)
    assert AuditEvent.objects.filter(
        object_type="takehome_assessment", object_id=body["uuid"], action=Action.CREATE
    ).exists()


def test_an_assessment_refuses_unknown_criteria_and_a_missing_list(api_as, patient_on_day, clock):
    patient = patient_on_day(40)
    api = api_as("ada")
    path = f"/patients/{patient.uuid}/takehomes/assessments"
    assert_problem(
        api.post(path, {"criteria_met": ["is_nice"]}), 422, "unknown_criterion", "criteria_met"
    )
    assert_problem(api.post(path, {}), 422, "required", "criteria_met")
    # pydantic's list_type has no code of ours yet (api/errors.py): the fallback "invalid".
    assert_problem(api.post(path, {"criteria_met": "all"}), 422, "invalid", "criteria_met")


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ben", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_prescriber_of_the_clinic_assesses(
    api_as, patient_on_day, clock, username, status, code
):
    patient = patient_on_day(40)
    response = api_as(username).post(
        f"/patients/{patient.uuid}/takehomes/assessments", {"criteria_met": ALL_2024_CRITERIA}
    )
    assert_problem(response, status, code)


# --- hand-over -----------------------------------------------------------------------------


def test_a_nurse_hands_over_bottles_and_a_retry_returns_the_same_ones(api_as, ready, bottle):
    order = ready(10)
    api = api_as("ben")
    body = _issue_body(bottle, days(1, 3))
    first = api.post(f"/orders/{order.uuid}/takehomes", body, **{"Idempotency-Key": "win-1"})
    assert first.status_code == 201, first.content
    issued = first.json()
    assert [b["for_date"] for b in issued["bottles"]] == [d.isoformat() for d in days(1, 3)]
    assert issued["days_in_treatment"] == 10
    assert issued["max_days"] == 7
    assert issued["bottles"][0]["amount_mg"] == "30.00"
    assert issued["bottles"][0]["code"].startswith("TH-")
    assert issued["labels"].startswith("/api/v1/takehomes/labels?bottles=")
    assert "Idempotent-Replayed" not in first
    balance = StockBottle.objects.get(pk=bottle.pk).balance_mg
    entries = InventoryLedgerEntry.objects.count()
    # The answer was lost; the tablet sends the same request with the same key (in the body).
    again = api.post(f"/orders/{order.uuid}/takehomes", {**body, "idempotency_key": "win-1"})
    assert again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true"
    assert [b["uuid"] for b in again.json()["bottles"]] == [b["uuid"] for b in issued["bottles"]]
    assert again.json()["uuid"] == issued["uuid"]
    assert StockBottle.objects.get(pk=bottle.pk).balance_mg == balance
    assert InventoryLedgerEntry.objects.count() == entries
    assert TakeHomeBottle.objects.count() == 3


def test_hand_over_refusals_surface_with_the_services_codes(
    api_as, ready, bottle, patient_on_day, signed
):
    order = ready(10)
    api = api_as("ben")
    path = f"/orders/{order.uuid}/takehomes"
    assert_problem(
        api.post(path, _issue_body(bottle, days(1, 8), idempotency_key="k-8")),
        422,
        "takehome_limit_exceeded",
        "dates",
    )
    assert_problem(api.post(path, _issue_body(bottle, days(1, 1))), 422, "idempotency_key_required")
    assert_problem(
        api.post(path, _issue_body(bottle, days(0, 0), idempotency_key="k-0")),
        422,
        "date_not_after_today",
    )
    assert_problem(
        api.post(
            path, _issue_body(bottle, days(1, 1), idempotency_key="a"), **{"Idempotency-Key": "b"}
        ),
        422,
        "idempotency_key_mismatch",
    )
    assert_problem(
        api.post(
            path, {"dates": ["2026-03-03"], "stock_bottle": str(order.uuid), "idempotency_key": "x"}
        ),
        422,
        "unknown_bottle",
        "stock_bottle",
    )
    assert_problem(
        api.post(path, {"dates": ["tomorrow"], "stock_bottle": str(bottle.uuid)}),
        422,
        "invalid_date",
    )
    assert api.post(path, _issue_body(bottle, days(1, 2), idempotency_key="k-1")).status_code == 201
    # Another key for a date already handed over; the first key for other dates.
    assert_problem(
        api.post(path, _issue_body(bottle, days(2, 3), idempotency_key="k-2")),
        409,
        "takehome_already_issued",
    )
    assert_problem(
        api.post(path, _issue_body(bottle, days(3, 4), idempotency_key="k-1")),
        409,
        "idempotency_key_reused",
    )
    unassessed = signed(patient_on_day(40, "Robin"))
    assert_problem(
        api.post(
            f"/orders/{unassessed.uuid}/takehomes",
            _issue_body(bottle, days(1, 1), idempotency_key="k-3"),
        ),
        422,
        "no_takehome_assessment",
    )


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ada", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_nurse_of_the_clinic_hands_over(api_as, ready, bottle, username, status, code):
    order = ready(10)
    response = api_as(username).post(
        f"/orders/{order.uuid}/takehomes", _issue_body(bottle, days(1, 1), idempotency_key="k")
    )
    assert_problem(response, status, code)
    assert not TakeHomeBottle.objects.exists()


# --- labels --------------------------------------------------------------------------------


def test_labels_come_as_a_pdf_and_every_print_is_audited(api_as, ready, issue):
    bottles = issue(ready(10), days(1, 2))
    query = ",".join(str(b.uuid) for b in bottles)
    response = api_as("ben").get(f"/takehomes/labels?bottles={query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action=Action.PRINT, object_type="takehome_label").get()
    assert sorted(event.detail["bottles"]) == sorted(b.code for b in bottles)


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ada", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_labels_are_for_the_clinics_nurses(api_as, ready, issue, username, status, code):
    bottles = issue(ready(10), days(1, 1))
    response = api_as(username).get(f"/takehomes/labels?bottles={bottles[0].uuid}")
    assert_problem(response, status, code)
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()


def test_labels_need_known_bottles(api_as, ready, issue):
    api = api_as("ben")
    assert_problem(api.get("/takehomes/labels"), 422, "required", "bottles")
    assert_problem(api.get("/takehomes/labels?bottles=nope"), 422, "invalid_uuid", "bottles")
    bottles = issue(ready(10), days(1, 1))
    missing = f"{bottles[0].uuid},{bottles[0].issue.uuid}"
    assert_problem(api.get(f"/takehomes/labels?bottles={missing}"), 404, "not_found")


# --- returns -------------------------------------------------------------------------------


def test_a_nurse_checks_bottles_in_and_a_missing_one_raises_a_concern(api_as, ready, issue, clock):
    bottles = issue(ready(10), days(1, 2))
    _next_morning(clock, bottles)
    api = api_as("ben")
    empty = api.post(f"/takehomes/bottles/{bottles[0].uuid}/return", {"outcome": "returned_empty"})
    assert empty.status_code == 201, empty.content
    assert empty.json()["bottle"]["status"] == "returned_empty"
    assert empty.json()["concern"] is None
    missing = api.post(
        f"/takehomes/bottles/{bottles[1].uuid}/return",
        {"outcome": "not_returned", "note": "Says it was left at a friend's"},
    )
    assert missing.status_code == 201, missing.content
    concern = missing.json()["concern"]
    assert concern["kind"] == "not_returned"
    assert concern["bottle"] == bottles[1].code
    assert_problem(
        api.post(f"/takehomes/bottles/{bottles[0].uuid}/return", {"outcome": "returned_empty"}),
        409,
        "already_checked_in",
    )


def test_a_return_check_refuses_bad_input(api_as, ready, issue, clock):
    bottles = issue(ready(10), days(1, 1))
    _next_morning(clock, bottles)
    api = api_as("ben")
    path = f"/takehomes/bottles/{bottles[0].uuid}/return"
    assert_problem(api.post(path, {"outcome": "tampered"}), 422, "required", "note")
    assert_problem(api.post(path, {"outcome": "lost"}), 422, "invalid_choice", "outcome")
    assert_problem(
        api.post(
            f"/takehomes/bottles/{bottles[0].issue.uuid}/return", {"outcome": "returned_empty"}
        ),
        404,
        "not_found",
    )


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ada", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_nurse_of_the_clinic_checks_bottles_in(
    api_as, ready, issue, clock, username, status, code
):
    bottles = issue(ready(10), days(1, 1))
    _next_morning(clock, bottles)
    response = api_as(username).post(
        f"/takehomes/bottles/{bottles[0].uuid}/return", {"outcome": "returned_empty"}
    )
    assert_problem(response, status, code)
    assert TakeHomeBottle.objects.get(pk=bottles[0].pk).status == "issued"


# --- recalls -------------------------------------------------------------------------------


def _due_by(hours: int = 24) -> str:
    return (local(TODAY, 9) + timedelta(hours=hours)).isoformat()


def test_a_prescriber_recalls_and_a_nurse_records_all_present(api_as, ready, issue, clock):
    order = ready(10)
    bottles = issue(order, days(1, 3))
    response = api_as("ada").post(
        f"/patients/{order.patient.uuid}/takehomes/recalls",
        {"reason": "Report of bottles offered for sale", "due_by": _due_by()},
    )
    assert response.status_code == 201, response.content
    recall = response.json()
    assert recall["status"] == "open"
    assert recall["patient"]["uuid"] == str(order.patient.uuid)
    assert_problem(
        api_as("ada").post(
            f"/patients/{order.patient.uuid}/takehomes/recalls",
            {"reason": "Again", "due_by": _due_by()},
        ),
        409,
        "recall_already_open",
    )
    overview = api_as("ben").get(f"/patients/{order.patient.uuid}/takehomes").json()
    assert overview["open_recall"]["uuid"] == recall["uuid"]
    clock.move_to(local(TODAY, 15))
    recorded = api_as("ben").post(
        f"/takehomes/recalls/{recall['uuid']}/outcome",
        {"outcome": "all_present", "bottles_seen": [str(b.uuid) for b in bottles]},
    )
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert body["status"] == "recorded"
    assert body["outcome"] == "all_present"
    assert body["bottles_seen"] == sorted(b.code for b in bottles)
    assert body["concern"] is None
    assert_problem(
        api_as("ben").post(
            f"/takehomes/recalls/{recall['uuid']}/outcome",
            {"outcome": "all_present", "bottles_seen": [str(b.uuid) for b in bottles]},
        ),
        409,
        "recall_recorded",
    )


def test_a_recall_with_a_bottle_missing_raises_a_concern(api_as, ready, issue, ada, clock):
    order = ready(10)
    bottles = issue(order, days(1, 3))
    recall = takehome_recall_request(
        actor=ada, patient=order.patient, reason="Call-back", due_by=local(TODAY, 17)
    )
    api = api_as("ben")
    path = f"/takehomes/recalls/{recall.uuid}/outcome"
    seen = [str(b.uuid) for b in bottles[:2]]
    assert_problem(
        api.post(path, {"outcome": "all_present", "bottles_seen": seen}),
        422,
        "bottles_unaccounted",
        "bottles_seen",
    )
    assert_problem(
        api.post(path, {"outcome": "discrepancy", "bottles_seen": [str(order.uuid)], "note": "x"}),
        422,
        "unknown_bottle",
        "bottles_seen",
    )
    assert_problem(
        api.post(path, {"outcome": "discrepancy", "bottles_seen": seen}), 422, "required"
    )
    response = api.post(
        path,
        {
            "outcome": "discrepancy",
            "bottles_seen": seen,
            "bottles_retained": seen[:1],
            "note": "One bottle not brought in",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["concern"]["kind"] == "recall_discrepancy"
    assert bottles[2].code in body["concern"]["message"]
    assert TakeHomeBottle.objects.get(pk=bottles[0].pk).status == "recalled"


def test_a_recall_needs_bottles_out_and_a_future_aware_time(api_as, ready, clock):
    order = ready(10)
    api = api_as("ada")
    path = f"/patients/{order.patient.uuid}/takehomes/recalls"
    assert_problem(api.post(path, {"reason": "Check", "due_by": _due_by()}), 422, "no_bottles_out")
    assert_problem(
        api.post(path, {"reason": "Check", "due_by": "2026-03-03T12:00:00"}),
        422,
        "naive_datetime",
        "due_by",
    )
    assert_problem(api.post(path, {"due_by": _due_by()}), 422, "required", "reason")


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ben", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_prescriber_of_the_clinic_recalls(api_as, ready, issue, username, status, code):
    order = ready(10)
    issue(order, days(1, 1))
    response = api_as(username).post(
        f"/patients/{order.patient.uuid}/takehomes/recalls",
        {"reason": "Check", "due_by": _due_by()},
    )
    assert_problem(response, status, code)
    assert not TakeHomeRecall.objects.exists()


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("ada", 403, "capability_denied"),
        ("dan", 403, "capability_denied"),
        ("sam", 404, "not_found"),
    ],
)
def test_only_a_nurse_of_the_clinic_records_a_recall(
    api_as, ready, issue, ada, username, status, code
):
    order = ready(10)
    issue(order, days(1, 1))
    recall = takehome_recall_request(
        actor=ada, patient=order.patient, reason="Check", due_by=local(TODAY, 17)
    )
    response = api_as(username).post(
        f"/takehomes/recalls/{recall.uuid}/outcome", {"outcome": "did_not_attend", "note": "x"}
    )
    assert_problem(response, status, code)
    assert TakeHomeRecall.objects.get().status == "open"


# --- the worklist --------------------------------------------------------------------------


def _worklist_world(ready, issue, ada, clock, given):
    order = ready(10, given)
    bottles = issue(order, days(1, 2))
    takehome_recall_request(
        actor=ada, patient=order.patient, reason="Call-back", due_by=local(TODAY, 17)
    )
    return bottles


def test_the_worklist_lists_concerns_recalls_and_bottles_due_back_in_constant_queries(
    api_as, ready, issue, ada, ben, clock
):
    from mooring.takehomes.services import takehome_return_check

    first = _worklist_world(ready, issue, ada, clock, "Alex")
    api = api_as("ben")
    clock.move_to(local(TODAY + timedelta(days=3), 9))
    takehome_return_check(actor=ben, bottle=first[0], outcome="not_returned", note="Lost")
    api.get("/takehomes/worklist")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        response = api.get("/takehomes/worklist")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"] == {"concerns": 1, "recalls": 1, "due_back": 1}
    assert body["concerns"][0]["kind"] == "not_returned"
    assert body["recalls"][0]["reason"] == "Call-back"
    assert body["due_back"][0]["uuid"] == str(first[1].uuid)
    assert body["due_back"][0]["patient"]["mrn"] == first[1].patient.mrn
    clock.move_to(local(TODAY, 9))
    for given in ("Robin", "Sasha"):
        more = _worklist_world(ready, issue, ada, clock, given)
        clock.move_to(local(TODAY + timedelta(days=3), 9))
        takehome_return_check(actor=ben, bottle=more[0], outcome="not_returned", note="Lost")
        clock.move_to(local(TODAY, 9))
    clock.move_to(local(TODAY + timedelta(days=3), 9))
    with CaptureQueriesContext(connection) as three:
        body = api.get("/takehomes/worklist").json()
    assert body["counts"] == {"concerns": 3, "recalls": 3, "due_back": 3}
    assert len(three) == len(one)
    event = AuditEvent.objects.filter(object_type="takehome_worklist").last()
    assert len(event.detail["patients"]) == 3
    assert api_as("ada").get("/takehomes/worklist").json()["counts"]["concerns"] == 3


def test_the_worklist_is_for_nurses_and_prescribers_of_the_acting_clinic(
    api_as, ready, issue, ada, clock
):
    _worklist_world(ready, issue, ada, clock, "Alex")
    assert_problem(api_as("dan").get("/takehomes/worklist"), 403, "capability_denied")
    ridge = api_as("sam").get("/takehomes/worklist").json()
    assert ridge["clinic"]["name"] != "Harbor Clinic"
    assert ridge["counts"] == {"concerns": 0, "recalls": 0, "due_back": 0}


def test_a_concern_has_no_database_id(api_as, ready, issue, clock):
    bottles = issue(ready(10), days(1, 1))
    _next_morning(clock, bottles)
    body = (
        api_as("ben")
        .post(f"/takehomes/bottles/{bottles[0].uuid}/return", {"outcome": "not_returned"})
        .json()
    )
    assert "id" not in body["concern"]
    assert TakeHomeConcern.objects.get().uuid.hex == body["concern"]["uuid"].replace("-", "")
    assert Decimal(body["bottle"]["amount_mg"]) == Decimal("30")


# --- acknowledging a concern ---------------------------------------------------------------


def _concern(api_as, ready, issue, clock):
    bottles = issue(ready(10), days(1, 1))
    _next_morning(clock, bottles)
    response = api_as("ben").post(
        f"/takehomes/bottles/{bottles[0].uuid}/return", {"outcome": "not_returned"}
    )
    return response.json()["concern"]["uuid"]


def test_a_prescriber_acknowledges_a_concern_and_it_leaves_the_worklist(
    api_as, ready, issue, clock
):
    concern = _concern(api_as, ready, issue, clock)
    api = api_as("ada")
    assert api.get("/takehomes/worklist").json()["counts"]["concerns"] == 1
    response = api.post(
        f"/takehomes/concerns/{concern}/acknowledge", {"note": "Reassessed: back to daily"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["acknowledged_by"]["name"] == "Ada Okafor"
    assert body["acknowledged_at"] is not None
    assert body["acknowledgement_note"] == "Reassessed: back to daily"
    assert api.get("/takehomes/worklist").json()["counts"]["concerns"] == 0
    event = AuditEvent.objects.filter(object_type="takehome_concern", object_id=concern).get()
    assert event.detail == {"kind": "not_returned", "acknowledged": True}
    assert_problem(
        api.post(f"/takehomes/concerns/{concern}/acknowledge", {}), 409, "already_acknowledged"
    )


def test_only_a_prescriber_acknowledges_and_a_stranger_learns_nothing(api_as, ready, issue, clock):
    concern = _concern(api_as, ready, issue, clock)
    path = f"/takehomes/concerns/{concern}/acknowledge"
    assert_problem(api_as("ben").post(path, {}), 403, "capability_denied")
    assert_problem(api_as("sam").post(path, {}), 404, "not_found")
    assert TakeHomeConcern.objects.get().acknowledged_at is None

"""/api/v1 orders: the start fields (last opioid use, COWS, naloxone challenge) and refusals.

US-FED-2024 (read from the profile): a buprenorphine induction waits 12 h after a
short-acting opioid and needs COWS >= 8.
"""

# ruff: noqa: F811 - the dosing fixtures are imported from tests.medications.conftest
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.rules.profiles import get_profile
from tests.api.conftest import assert_problem
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    NEW_YORK,
    TODAY,
    ada,
    clock,
    draft,
    local,
    signed,
)

pytestmark = pytest.mark.django_db
BUPRENORPHINE = get_profile("US-FED-2024").buprenorphine
NOW = local(TODAY, 9)


def _induction(**extra):
    return {
        "medication": "buprenorphine_naloxone",
        "form": "film",
        "phase": "induction",
        "daily_dose_mg": "4",
        "start_date": TODAY.isoformat(),
        **extra,
    }


def _naltrexone(**extra):
    return {
        "medication": "naltrexone_oral",
        "form": "tablet",
        "phase": "induction",
        "daily_dose_mg": "50",
        "start_date": TODAY.isoformat(),
        "observed": False,
        **extra,
    }


def _create_and_sign(api, patient, body, reason=""):
    created = api.post(f"/patients/{patient.uuid}/orders", body)
    assert created.status_code == 201, created.content
    return created.json(), api.post(
        f"/orders/{created.json()['uuid']}/sign", {"override_reason": reason}
    )


def _refused(response, code: str, field: str) -> dict:
    """A rules refusal: problem+json whose errors put the rule ``code`` on ``field``."""
    body = assert_problem(response, 422, response.json().get("code", ""), field)
    assert body["code"] == body["errors"][0]["code"]  # the first refusal names the problem
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in body["errors"]
    ], body["errors"]
    return body


def test_the_profile_numbers_these_tests_rely_on():
    assert BUPRENORPHINE.wait_after_short_acting_hours.value == 12
    assert BUPRENORPHINE.min_cows_to_start.value == 8


def test_an_induction_14_hours_after_heroin_with_cows_13_is_signed(api_as, make_patient, clock):
    api = api_as("ada")
    last_use = NOW - timedelta(hours=14)
    created, response = _create_and_sign(
        api,
        make_patient(),
        _induction(
            last_opioid="short_acting", last_opioid_use_at=last_use.isoformat(), cows_score=13
        ),
    )
    assert created["last_opioid"] == "short_acting"
    assert created["cows_score"] == 13
    assert created["naloxone_challenge"] is None
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "signed"
    assert datetime.fromisoformat(body["last_opioid_use_at"]) == last_use
    assert body["rule_findings"] == []


def test_an_induction_6_hours_after_heroin_is_refused_on_the_time(api_as, make_patient, clock):
    api = api_as("ada")
    last_use = (NOW - timedelta(hours=6)).astimezone(UTC)
    created, response = _create_and_sign(
        api,
        make_patient(),
        _induction(
            last_opioid="short_acting",
            last_opioid_use_at=last_use.isoformat().replace("+00:00", "Z"),
            cows_score=13,
        ),
    )
    body = _refused(response, "buprenorphine.wait_not_met", "last_opioid_use_at")
    refusal = next(e for e in body["errors"] if e["field"] == "last_opioid_use_at")
    assert "buprenorphine.wait_not_met" in refusal["message"]
    assert "6.0 h" in refusal["message"]
    assert body["overridable"] is True
    assert body["profile"] == "US-FED-2024"
    assert MedicationOrder.objects.get(uuid=created["uuid"]).status == OrderStatus.DRAFT


def test_a_low_or_missing_cows_is_refused_on_the_score(api_as, make_patient, clock):
    api = api_as("ada")
    last_use = (NOW - timedelta(hours=20)).isoformat()
    _created, low = _create_and_sign(
        api,
        make_patient(),
        _induction(last_opioid="short_acting", last_opioid_use_at=last_use, cows_score=7),
    )
    _refused(low, "buprenorphine.cows_below_threshold", "cows_score")
    _created, missing = _create_and_sign(
        api, make_patient(), _induction(last_opioid="short_acting", last_opioid_use_at=last_use)
    )
    _refused(missing, "buprenorphine.cows_missing", "cows_score")


def test_a_naltrexone_start_without_the_last_use_is_refused_then_signed_with_a_reason(
    api_as, make_patient, clock, personas
):
    api = api_as("ada")
    created, response = _create_and_sign(
        api, make_patient(), _naltrexone(naloxone_challenge="negative")
    )
    body = _refused(response, "naltrexone.last_use_unknown", "last_opioid_use_at")
    assert [e["code"] for e in body["errors"]] == ["naltrexone.last_use_unknown"]
    assert body["overridable"] is True
    reason = "Negative naloxone challenge in clinic today."
    signed_now = api.post(f"/orders/{created['uuid']}/sign", {"override_reason": reason})
    assert signed_now.status_code == 200, signed_now.content
    result = signed_now.json()
    assert result["prescriber"]["uuid"] == str(personas["ada"].uuid)
    assert result["override_rule_codes"] == ["naltrexone.last_use_unknown"]
    assert result["override_reason"] == reason
    assert result["naloxone_challenge"] == "negative"


def test_a_positive_challenge_refuses_naltrexone_even_with_a_reason(api_as, make_patient, clock):
    api = api_as("ada")
    created, response = _create_and_sign(
        api,
        make_patient(),
        _naltrexone(
            last_opioid="short_acting",
            last_opioid_use_at=(NOW - timedelta(days=12)).isoformat(),
            naloxone_challenge="positive",
        ),
        reason="I am sure.",
    )
    body = _refused(response, "naltrexone.challenge_positive", "naloxone_challenge")
    assert body["overridable"] is False
    assert MedicationOrder.objects.get(uuid=created["uuid"]).status == OrderStatus.DRAFT


def test_bad_start_fields_are_refused_with_their_codes(api_as, make_patient, clock):
    api = api_as("ada")
    url = f"/patients/{make_patient().uuid}/orders"
    naive = _induction(last_opioid="short_acting", last_opioid_use_at="2026-03-01T19:00:00")
    assert_problem(api.post(url, naive), 422, "naive_datetime", "last_opioid_use_at")
    assert_problem(
        api.post(url, _induction(last_opioid="heroin")), 422, "invalid_choice", "last_opioid"
    )
    assert_problem(
        api.post(url, _induction(naloxone_challenge="maybe")),
        422,
        "invalid_choice",
        "naloxone_challenge",
    )
    assert_problem(api.post(url, _induction(cows_score=49)), 422, "out_of_range", "cows_score")
    assert_problem(api.post(url, _induction(cows_score="13")), 422, "invalid_type", "cows_score")
    assert_problem(
        api.post(url, _induction(last_opioid="short_acting")),
        422,
        "last_opioid_incomplete",
        "last_opioid_use_at",
    )
    future = (NOW + timedelta(hours=1)).isoformat()
    assert_problem(
        api.post(url, _induction(last_opioid="short_acting", last_opioid_use_at=future)),
        422,
        "future_time",
        "last_opioid_use_at",
    )
    assert not MedicationOrder.objects.exists()


def test_an_offset_is_honoured_across_the_spring_change(api_as, make_patient, clock):
    # Clocks went forward at 02:00 on 8 March 2026 in New York; it is now 12:00 EDT.
    clock.move_to(datetime(2026, 3, 8, 12, 0, tzinfo=NEW_YORK))
    api = api_as("ada")
    body = _induction(start_date="2026-03-08", last_opioid="short_acting", cows_score=13)
    # 23:30 EST the evening before: 11.5 real hours ago.
    _created, refused = _create_and_sign(
        api, make_patient(), {**body, "last_opioid_use_at": "2026-03-07T23:30:00-05:00"}
    )
    problem = _refused(refused, "buprenorphine.wait_not_met", "last_opioid_use_at")
    assert any("11.5 h" in e["message"] for e in problem["errors"])
    _created, ok = _create_and_sign(
        api, make_patient(), {**body, "last_opioid_use_at": "2026-03-07T22:30:00-05:00"}
    )
    assert ok.status_code == 200, ok.content


def test_a_change_takes_and_carries_the_start_fields(api_as, signed, clock):
    order = signed(
        medication="buprenorphine_naloxone",
        form="film",
        mg=4,
        last_opioid="short_acting",
        last_opioid_use_at=NOW - timedelta(hours=14),
        cows_score=13,
    )
    api = api_as("ada")
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    refused = api.post(f"/orders/{order.uuid}/change", {"start_date": tomorrow, "cows_score": 5})
    _refused(refused, "buprenorphine.cows_below_threshold", "cows_score")
    assert_problem(
        api.post(f"/orders/{order.uuid}/change", {"start_date": tomorrow, "cows_score": -1}),
        422,
        "out_of_range",
        "cows_score",
    )
    changed = api.post(f"/orders/{order.uuid}/change", {"start_date": tomorrow, "cows_score": 11})
    assert changed.status_code == 201, changed.content
    body = changed.json()
    assert body["cows_score"] == 11
    assert body["last_opioid"] == "short_acting"
    assert datetime.fromisoformat(body["last_opioid_use_at"]) == order.last_opioid_use_at
    assert body["supersedes"] == str(order.uuid)

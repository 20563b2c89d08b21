"""Issuing take-homes at the window: the rule's answer shown, its limit enforced, once only."""
# ruff: noqa: F811  (the fixtures imported from the take-home and dosing conftests)

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mooring.accounts.models import ClinicClosure
from mooring.takehomes.models import TakeHomeBottle
from tests.takehomes.conftest import (  # noqa: F401 (fixtures)
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


def _url(patient):
    return reverse("web:takehome_issue", args=[patient.uuid])


def _form_data(response, order, dates=None):
    """What the browser posts: the hidden fields as drawn, the ticked dates and the bottle."""
    body = response.content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', body).group(1)
    ticked = re.findall(r'name="dates" value="([0-9-]+)"[^>]*checked', body)
    bottle = re.search(r'<option value="([^"]+)" selected>', body).group(1)
    return {
        "order": str(order.uuid),
        "idempotency_key": key,
        "dates": [d.isoformat() for d in dates] if dates is not None else ticked,
        "stock_bottle": bottle,
    }


def test_the_page_shows_the_rule_answer_and_prefills_the_plan(login, ready, bottle):
    order = ready(10)
    response = login("ben").get(_url(order.patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Days in treatment" in body
    assert ">10<" in body
    assert "US-FED-2024" in body
    assert "Most days the rule allows now" in body
    assert ">7<" in body
    ticked = re.findall(r'name="dates" value="([0-9-]+)"[^>]*checked', body)
    assert ticked == [d.isoformat() for d in days(1, 7)]
    # Days beyond the plan are offered unticked, so the rule can be asked and say no.
    assert f'value="{days(8, 8)[0].isoformat()}"' in body
    assert bottle.label in body
    assert "take_homes.phase_limit" in body


def test_ben_issues_the_planned_bottles_and_is_offered_the_labels(login, ready, bottle):
    order = ready(10)
    client = login("ben")
    page = client.get(_url(order.patient))
    response = client.post(_url(order.patient), _form_data(page, order))
    assert response.status_code == 302
    bottles = list(TakeHomeBottle.objects.order_by("for_date"))
    assert [b.for_date for b in bottles] == days(1, 7)
    assert {b.issued_by.username for b in bottles} == {"ben"}
    after = client.get(response["Location"])
    body = after.content.decode()
    assert "Bottles handed over" in body
    assert all(b.code in body for b in bottles)
    labels = re.search(r'href="(/takehomes/labels/\?bottles=[^"]+)"', body).group(1)
    assert all(str(b.uuid) in labels.replace("%2C", ",") for b in bottles)
    assert "Print labels" in body


def test_a_double_post_hands_over_one_set_of_bottles(login, ready, bottle):
    order = ready(10)
    client = login("ben")
    data = _form_data(client.get(_url(order.patient)), order)
    first = client.post(_url(order.patient), data)
    second = client.post(_url(order.patient), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert TakeHomeBottle.objects.count() == 7
    bottle.refresh_from_db()
    assert bottle.balance_mg == 10000 - 7 * 30


def test_a_date_beyond_the_limit_is_refused_with_the_rule_profile_and_sources(login, ready, bottle):
    order = ready(10)
    client = login("ben")
    page = client.get(_url(order.patient))
    response = client.post(_url(order.patient), _form_data(page, order, days(1, 8)))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Not issued." in body
    assert "takehome_limit_exceeded" in body
    assert "take_homes.phase_limit" in body
    assert "US-FED-2024" in body
    assert "sources S-" in body
    assert not TakeHomeBottle.objects.exists()


def test_unmet_criteria_are_shown_with_their_reasons_and_nothing_can_go(
    login, patient_on_day, assess, signed, bottle
):
    patient = patient_on_day(40)
    assess(patient, ["regular_attendance"])
    signed(patient)
    body = login("ben").get(_url(patient)).content.decode()
    assert "Criteria not judged met:" in body
    assert "take_homes.criteria_unmet" in body
    assert "No take-home dose may go out today." in body
    assert "Issue take-homes</button>" not in body


def test_without_an_assessment_the_page_says_a_prescriber_must_record_one(
    login, patient_on_day, signed, bottle
):
    patient = patient_on_day(40)
    signed(patient)
    body = login("ben").get(_url(patient)).content.decode()
    assert "No take-home criteria assessment is on file" in body
    assert "Issue take-homes</button>" not in body
    assert reverse("web:takehome_assessment", args=[patient.uuid]) not in body  # ben: no link
    prescriber = login("ada")
    assert prescriber.get(_url(patient)).status_code == 403


def test_the_dispense_screen_offers_take_homes_only_when_the_rule_allows(
    login, ready, patient_on_day, signed, bottle
):
    allowed = ready(10, "Able")
    refused = signed(patient_on_day(10, "Nora"))
    client = login("ben")
    dispense = reverse("web:dosing_dispense", args=[allowed.patient.uuid])
    assert _url(allowed.patient) in client.get(dispense).content.decode()
    dispense = reverse("web:dosing_dispense", args=[refused.patient.uuid])
    assert _url(refused.patient) not in client.get(dispense).content.decode()


def test_front_desk_is_refused_and_ridge_sees_no_harbor_patient(login, ready, bottle):
    order = ready(10)
    assert login("dan").get(_url(order.patient)).status_code == 403
    client = login("sam")
    assert client.get(_url(order.patient)).status_code == 404
    assert client.post(_url(order.patient), {"order": str(order.uuid)}).status_code == 404
    assert not TakeHomeBottle.objects.exists()


def test_the_page_answers_in_the_same_queries_for_one_or_seven_bottles_shown(login, ready, issue):
    bottles = issue(ready(10), days(1, 7))
    client = login("ben")
    url = f"{_url(bottles[0].patient)}?issued="
    client.get(url + str(bottles[0].uuid))
    with CaptureQueriesContext(connection) as one:
        client.get(url + str(bottles[0].uuid))
    with CaptureQueriesContext(connection) as seven:
        response = client.get(url + ",".join(str(b.uuid) for b in bottles))
    assert len(response.context["issued"]) == 7
    assert len(seven) == len(one)


def test_a_closed_day_dose_is_shown_planned_and_can_be_issued(
    login, harbor, patient_on_day, assess, signed, bottle
):
    # Virginia: in the first week no regular supply, but a dose for a day the clinic is shut.
    harbor.protocol_profile = "US-VA"
    harbor.save()
    tomorrow = days(1, 1)[0]
    ClinicClosure.objects.create(clinic=harbor, date=tomorrow, reason="Storm")
    patient = patient_on_day(3)
    assess(patient)
    order = signed(patient)
    client = login("ben")
    page = client.get(_url(patient))
    body = page.content.decode()
    assert "US-VA" in body
    assert "clinic closed: closed-day dose" in body
    ticked = re.findall(r'name="dates" value="([0-9-]+)"[^>]*checked', body)
    assert ticked == [tomorrow.isoformat()]
    assert client.post(_url(patient), _form_data(page, order)).status_code == 302
    assert TakeHomeBottle.objects.get().closed_day

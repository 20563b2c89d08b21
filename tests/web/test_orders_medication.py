"""The medication page: current order, history, holds, QTc, flags and the 90-day chart."""

# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.medications.models import DoseHold, MissedDoseReview, PrescriberFlag, QtcMeasurement
from mooring.medications.services import hold_place, sedation_record
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


def _url(patient, name="patient_medication", *args):
    return reverse(f"web:{name}", args=[patient.uuid, *args])


def test_the_page_shows_the_current_order_and_the_dose_chart(login, signed, give, clock):
    order = signed()
    give(order)
    response = login("ben").get(_url(order.patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Current orders" in body
    assert "US-FED-2024" in body
    assert "<svg" in body
    assert "<polyline" in body
    assert "style=" not in body
    assert "New order" not in body  # Ben reads; only a prescriber writes
    assert len(response.context["page"].chart.points) == 1


def test_an_empty_record_says_so(login, make_patient, clock):
    body = login("ada").get(_url(make_patient())).content.decode()
    assert "No order is in force today." in body
    assert "No doses in the last 90 days." in body
    assert "No signed orders yet." in body
    assert "New order" in body


def test_the_chart_tab_links_here(login, make_patient, clock):
    patient = make_patient()
    chart = login("ada").get(reverse("web:patient_chart", args=[patient.uuid])).content.decode()
    assert f'href="{_url(patient)}"' in chart


def test_ada_places_and_releases_a_hold(login, signed, clock):
    order = signed()
    client = login("ada")
    response = client.post(
        _url(order.patient, "medication_hold"),
        {"reason": "Awaiting ECG", "starts_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    hold = DoseHold.objects.get()
    assert "Awaiting ECG" in client.get(_url(order.patient)).content.decode()
    url = _url(order.patient, "medication_hold_release", hold.uuid)
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "ECG normal"}).status_code == 302
    hold.refresh_from_db()
    assert hold.release_reason == "ECG normal"


def test_ada_records_a_qtc_and_a_future_date_is_refused(login, make_patient, clock):
    patient = make_patient()
    client = login("ada")
    url = _url(patient, "medication_qtc")
    future = client.post(
        url, {"measured_on": (TODAY + timedelta(days=1)).isoformat(), "qtc_ms": "430"}
    )
    assert future.status_code == 422
    assert "The ECG date cannot be in the future." in future.content.decode()
    assert client.post(url, {"measured_on": TODAY.isoformat(), "qtc_ms": "430"}).status_code == 302
    assert QtcMeasurement.objects.get().qtc_ms == 430


def test_ada_acknowledges_a_sedation_flag(login, signed, ben, clock):
    order = signed()
    sedation_record(actor=ben, order=order, observations="Slurred speech")
    client = login("ada")
    assert "Slurred speech" in client.get(_url(order.patient)).content.decode()
    flag = PrescriberFlag.objects.get()
    assert (
        client.post(_url(order.patient, "medication_flag_acknowledge", flag.uuid)).status_code
        == 302
    )
    flag.refresh_from_db()
    assert flag.acknowledged_by.username == "ada"


def test_ada_reviews_missed_doses_so_the_window_may_dose(login, signed, give, clock):
    order = signed()
    give(order)
    later = TODAY + timedelta(days=4)
    clock.move_to(local(later, 9))
    client = login("ada")
    page = client.get(_url(order.patient)).content.decode()
    assert "Let today" in page
    response = client.post(
        _url(order.patient, "medication_review", order.uuid),
        {"note": "Was in hospital; dose as ordered."},
    )
    assert response.status_code == 302
    assert MissedDoseReview.objects.get().service_date == later


def test_nurse_ben_cannot_hold_or_acknowledge(login, signed, clock):
    order = signed()
    client = login("ben")
    data = {"reason": "x", "starts_on": TODAY.isoformat()}
    assert client.post(_url(order.patient, "medication_hold"), data).status_code == 403
    assert not DoseHold.objects.exists()


def test_front_desk_and_other_clinics_are_refused(login, signed, clock):
    order = signed()
    assert login("dan").get(_url(order.patient)).status_code == 403
    assert login("sam").get(_url(order.patient)).status_code == 404


def test_the_page_costs_the_same_queries_however_long_the_history(
    login, signed, give, clock, ada, django_assert_max_num_queries
):
    order = signed()
    give(order)
    client = login("ada")
    with django_assert_max_num_queries(40) as few:
        client.get(_url(order.patient))
    baseline = len(few)  # read now: each request resets Django's query log
    for day in range(1, 12):
        clock.move_to(local(TODAY + timedelta(days=day), 9))
        give(order)
    hold_place(
        actor=ada, patient=order.patient, reason="Review", starts_on=TODAY + timedelta(days=11)
    )
    client = login("ada")  # eleven days on, the idle time-out has ended the first session
    client.get(_url(order.patient))
    with django_assert_max_num_queries(baseline):
        response = client.get(_url(order.patient))
    assert len(response.context["page"].chart.points) == 12

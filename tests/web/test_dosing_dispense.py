"""The dispense screen: identify, check, give once, and show refusals with their rule code."""
# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from mooring.inventory.models import InventoryLedgerEntry
from mooring.medications.models import DoseAdministration
from mooring.medications.services import hold_place
from tests.inventory.conftest import ONE_LITRE_MG
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    NEW_YORK,
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


def _url(patient):
    return reverse("web:dosing_dispense", args=[patient.uuid])


def _form_data(response, order, **extra):
    """What the browser would post: the hidden fields as drawn, plus the chosen bottle."""
    body = response.content.decode()
    prefix = f"o{order.pk}"
    data = {}
    for name in ("order", "administration_index", "amount_mg", "idempotency_key"):
        match = re.search(rf'name="{prefix}-{name}" value="([^"]*)"', body)
        assert match, name
        data[f"{prefix}-{name}"] = match.group(1)
    selected = re.search(r'<option value="([^"]+)" selected>', body)
    data[f"{prefix}-stock_bottle"] = selected.group(1)
    data.update({f"{prefix}-{k}": v for k, v in extra.items()})
    return data


def test_the_screen_shows_the_person_the_dose_and_the_bottle(login, signed, bottle, make_patient):
    order = signed(make_patient("Eli", "Due"))
    response = login("ben").get(_url(order.patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Eli Due" in body
    assert order.patient.mrn in body
    assert "30 mg" in body
    assert bottle.label in body
    assert "Dispense 30 mg" in body
    assert re.search(rf'name="o{order.pk}-idempotency_key" value="[0-9a-f]{{32}}"', body)
    assert "Appears sedated or intoxicated" in body


def test_dispensing_gives_one_dose_moves_stock_and_returns_to_the_queue(
    login, signed, bottle, make_patient
):
    order = signed(make_patient("Eli", "Due"))
    client = login("ben")
    page = client.get(_url(order.patient))
    response = client.post(_url(order.patient), _form_data(page, order))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:dosing_queue')}?after={order.patient.uuid}"
    dose = DoseAdministration.objects.get()
    assert (dose.amount_mg, dose.nurse.username, dose.back_entered) == (Decimal(30), "ben", False)
    bottle.refresh_from_db()
    assert bottle.balance_mg == ONE_LITRE_MG - 30
    queue = client.get(response["Location"])
    assert "Gave Eli Due 30 mg of Methadone." in queue.content.decode()
    assert [r.status for r in queue.context["queue"].rows] == ["dosed"]


def test_a_double_click_or_retry_gives_one_dose(login, signed, bottle, make_patient):
    order = signed(make_patient("Eli", "Due"))
    client = login("ben")
    data = _form_data(client.get(_url(order.patient)), order)
    first = client.post(_url(order.patient), data)
    second = client.post(_url(order.patient), data)
    assert first.status_code == second.status_code == 302
    assert DoseAdministration.objects.count() == 1
    assert InventoryLedgerEntry.objects.filter(kind="dispense").count() == 1


def test_a_fresh_page_after_dosing_offers_no_second_dose(login, signed, give, make_patient):
    order = signed(make_patient("Eli", "Due"))
    give(order)
    body = login("ben").get(_url(order.patient)).content.decode()
    assert "All of today" in body
    assert "Dispense 30 mg" not in body


def test_a_hold_stops_the_dose_and_a_stale_page_is_refused_with_the_rule(
    login, signed, bottle, ada, make_patient
):
    order = signed(make_patient("Fay", "Held"))
    client = login("ben")
    stale = client.get(_url(order.patient))
    hold_place(actor=ada, patient=order.patient, reason="Awaiting ECG", starts_on=TODAY)
    fresh = client.get(_url(order.patient)).content.decode()
    assert "Do not dose today." in fresh
    assert "on_hold" in fresh
    assert "Dispense 30 mg" not in fresh
    response = client.post(_url(order.patient), _form_data(stale, order))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Not given." in body
    assert "On hold: Awaiting ECG" in body
    assert "Rule: on_hold" in body
    assert not DoseAdministration.objects.exists()


def test_no_usable_stock_says_so(login, signed, make_patient, clock):
    order = signed(make_patient("Eli", "Due"))
    body = login("ben").get(_url(order.patient)).content.decode()
    assert "No usable stock bottle of Methadone" in body


def test_downtime_back_entry_records_the_real_time(login, signed, bottle, make_patient):
    order = signed(make_patient("Eli", "Due"))
    client = login("ben")
    page = client.get(_url(order.patient) + "?mode=downtime")
    assert "Downtime mode" in page.content.decode()
    data = _form_data(page, order, back_entered="on", administered_at="2026-03-02T07:40")
    response = client.post(_url(order.patient) + "?mode=downtime", data)
    assert response.status_code == 302
    dose = DoseAdministration.objects.get()
    assert dose.back_entered is True
    assert dose.administered_at == datetime(2026, 3, 2, 7, 40, tzinfo=NEW_YORK)
    assert dose.entered_at == datetime(2026, 3, 2, 9, 0, tzinfo=NEW_YORK)


def test_downtime_without_a_time_is_refused(login, signed, bottle, make_patient):
    order = signed(make_patient("Eli", "Due"))
    client = login("ben")
    data = _form_data(client.get(_url(order.patient) + "?mode=downtime"), order, back_entered="on")
    response = client.post(_url(order.patient), data)
    assert response.status_code == 422
    assert "Give the time the dose was actually given." in response.content.decode()
    assert not DoseAdministration.objects.exists()


def test_a_future_time_is_refused_by_the_service(login, signed, bottle, make_patient):
    order = signed(make_patient("Eli", "Due"))
    client = login("ben")
    page = client.get(_url(order.patient))
    data = _form_data(page, order, back_entered="on", administered_at="2026-03-02T11:00")
    response = client.post(_url(order.patient), data)
    assert response.status_code == 422
    assert "Rule: administered_in_future" in response.content.decode()


def test_no_order_is_an_honest_empty_state(login, make_patient, clock):
    patient = make_patient("No", "Order")
    body = login("ben").get(_url(patient)).content.decode()
    assert "No signed observed order is in force" in body


def test_front_desk_dan_is_refused(login, signed, make_patient):
    order = signed(make_patient())
    assert login("dan").get(_url(order.patient)).status_code == 403


def test_sam_at_ridge_gets_404_for_a_harbor_patient(login, signed, make_patient):
    order = signed(make_patient())
    client = login("sam")
    assert client.get(_url(order.patient)).status_code == 404
    assert client.post(_url(order.patient), {}).status_code == 404


def test_the_read_is_audited(login, signed, make_patient):
    from mooring.audit.models import AuditEvent

    order = signed(make_patient())
    login("ben").get(_url(order.patient))
    event = AuditEvent.objects.filter(object_type="patient", actor__username="ben").get()
    assert event.detail == {"purpose": "dosing_window"}

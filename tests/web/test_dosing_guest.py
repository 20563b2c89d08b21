"""The dosing window with a guest: Sam at Ridge doses a Harbor guest, Ben at Harbor is stopped.

The pages judge every order for the clinic the nurse works at, so a guest is due at the
host (not "dosing elsewhere"), marked as a guest from the home clinic, and the home
clinic's window shows the stop flag; a take-home day and another clinic's dose read as
such, never as "due".
"""
# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.medications.models import DoseAdministration
from mooring.medications.services import dose_dispense, guest_dosing_arrange
from tests.inventory.conftest import ONE_LITRE_MG
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

QUEUE = reverse("web:dosing_queue")
BACK = TODAY + timedelta(days=3)


def _url(patient):
    return reverse("web:dosing_dispense", args=[patient.uuid])


@pytest.fixture
def ridge_bottle(personas, actor_for, ridge, methadone_product, clock):
    from mooring.inventory.services import stock_receive

    return stock_receive(
        actor=actor_for(personas["sam"], ridge),
        clinic=ridge,
        product=methadone_product,
        supplier="Mallinckrodt",
        lot="R2026-01",
        expires_on=TODAY + timedelta(days=700),
        bottle_count=1,
        quantity_mg_per_bottle=ONE_LITRE_MG,
    ).bottles[0]


@pytest.fixture
def guest(signed, make_patient, ben, ridge):
    """Harbor's Eli Guest, dosed at Ridge from today until BACK."""
    order = signed(make_patient("Eli", "Guest"))
    guest_dosing_arrange(
        actor=ben,
        patient=order.patient,
        host_clinic=ridge,
        start_date=TODAY,
        end_date=BACK,
        reason="Family visit",
    )
    return order


def _form_data(response, order):
    body = response.content.decode()
    prefix = f"o{order.pk}"
    data = {}
    for name in ("order", "administration_index", "amount_mg", "idempotency_key"):
        match = re.search(rf'name="{prefix}-{name}" value="([^"]*)"', body)
        assert match, name
        data[f"{prefix}-{name}"] = match.group(1)
    selected = re.search(r'<option value="([^"]+)" selected>', body)
    data[f"{prefix}-stock_bottle"] = selected.group(1)
    return data


def test_sam_at_ridge_sees_the_guest_due_and_marked_in_the_queue(login, guest, ridge_bottle):
    response = login("sam").get(QUEUE)
    assert response.status_code == 200
    (row,) = response.context["queue"].rows
    assert (row.patient, row.status, row.group) == (guest.patient, "due", "due")
    assert "Guest from Harbor Clinic" in response.content.decode()


def test_sam_at_ridge_doses_the_harbor_guest_through_the_page(login, guest, ridge_bottle, ridge):
    client = login("sam")
    page = client.get(_url(guest.patient))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Guest from Harbor Clinic until" in body
    assert "Do not dose today." not in body
    assert "Dispense 30 mg" in body
    response = client.post(_url(guest.patient), _form_data(page, guest))
    assert response.status_code == 302
    dose = DoseAdministration.objects.get()
    assert (dose.clinic, dose.order, dose.stock_bottle) == (ridge, guest, ridge_bottle)
    queue = client.get(response["Location"])
    assert [r.status for r in queue.context["queue"].rows] == ["dosed"]


def test_ben_at_harbor_sees_the_stop_flag_in_the_queue_and_on_the_screen(
    login, guest, bottle, signed, make_patient
):
    signed(make_patient("Dee", "Home"))
    client = login("ben")
    response = client.get(QUEUE)
    rows = {row.patient.display_name: row for row in response.context["queue"].rows}
    away = rows["Eli Guest"]
    assert (away.status, away.group, away.label) == (
        "guest_dosing_elsewhere",
        "elsewhere",
        "Dosing elsewhere",
    )
    assert rows["Dee Home"].status == "due"
    assert response.context["queue"].counts == {"due": 1, "dosed": 0, "held": 0, "elsewhere": 1}
    body = response.content.decode()
    assert "Dosing elsewhere: guest at Ridge Clinic until" in body
    assert "Guest from" not in body
    page = client.get(_url(guest.patient)).content.decode()
    assert "Dosing elsewhere: guest at Ridge Clinic until" in page
    assert "Do not dose today." in page
    assert "Rule: guest_dosing_elsewhere" in page
    assert "Dispense 30 mg" not in page


def test_the_elsewhere_filter_lists_only_people_dosed_elsewhere(
    login, guest, bottle, signed, make_patient
):
    signed(make_patient("Dee", "Home"))
    response = login("ben").get(QUEUE, {"status": "elsewhere"})
    assert [r.patient.display_name for r in response.context["queue"].rows] == ["Eli Guest"]


def test_half_a_split_dose_given_at_the_host_stops_home_after_cancelling(
    login, signed, make_patient, bottle, ridge_bottle, personas, actor_for, ridge, ben
):
    from mooring.medications.services import guest_dosing_cancel

    order = signed(make_patient("Eli", "Split"), split=2)
    arrangement = guest_dosing_arrange(
        actor=ben,
        patient=order.patient,
        host_clinic=ridge,
        start_date=TODAY,
        end_date=BACK,
        reason="Court date",
    )
    dose_dispense(
        actor=actor_for(personas["sam"], ridge),
        order=order,
        amount_mg=order.per_administration_mg,
        stock_bottle=ridge_bottle,
        idempotency_key="ridge-1",
    )
    guest_dosing_cancel(actor=ben, arrangement=arrangement, reason="Came home early")
    client = login("ben")
    (row,) = client.get(QUEUE).context["queue"].rows
    assert (row.status, row.group) == ("dosed_elsewhere_today", "elsewhere")
    assert row.label == "Dosed at another clinic today"
    page = client.get(_url(order.patient)).content.decode()
    assert "Already dosed today at Ridge Clinic." in page
    assert "Rule: dosed_elsewhere_today" in page
    assert "Dispense 15 mg" not in page


def test_ada_s_medication_page_at_harbor_says_why_not_today(login, guest, clock):
    body = login("ada").get(reverse("web:patient_medication", args=[guest.patient.uuid]))
    assert "guest at Ridge Clinic" in body.content.decode()


def test_the_host_prescriber_s_medication_page_judges_for_the_host(client, guest, clock,
                                                                   personas, clinics):
    from tests.conftest import _ridge_prescriber

    client.force_login(_ridge_prescriber(personas, clinics))
    body = client.get(reverse("web:patient_medication", args=[guest.patient.uuid]))
    assert body.status_code == 200
    assert "guest at Ridge Clinic" not in body.content.decode()


@pytest.mark.parametrize("guests", [2, 12])
def test_the_host_queue_page_costs_the_same_queries_with_guests(
    guests, login, signed, make_patient, ben, ridge, ridge_bottle, django_assert_max_num_queries
):
    for n in range(guests):
        order = signed(make_patient(f"G{n}", "Guest"))
        guest_dosing_arrange(
            actor=ben,
            patient=order.patient,
            host_clinic=ridge,
            start_date=TODAY,
            end_date=BACK,
            reason="Work",
        )
    client = login("sam")
    with django_assert_max_num_queries(13):
        response = client.get(QUEUE)
    assert len(response.context["queue"].rows) == guests
    assert response.content.decode().count("Guest from Harbor Clinic") == guests


def test_next_day_after_the_period_ridge_no_longer_sees_the_guest(login, guest, clock):
    clock.move_to(local(BACK, 9))
    client = login("sam")
    assert client.get(QUEUE).context["queue"].rows == []
    assert client.get(_url(guest.patient)).status_code == 404

"""The dosing window's queue: who is due, dosed or held today, and the MRN scan box."""
# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.medications.services import hold_place
from tests.medications.conftest import (  # noqa: F401 (fixtures)
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

QUEUE = reverse("web:dosing_queue")


def _statuses(response):
    return {row.patient.display_name: row.status for row in response.context["queue"].rows}


def test_ben_sees_who_is_due_dosed_and_held(login, signed, give, ada, make_patient):
    dosed = signed(make_patient("Dee", "Dosed"))
    signed(make_patient("Eli", "Due"))
    held = signed(make_patient("Fay", "Held"))
    give(dosed)
    hold_place(actor=ada, patient=held.patient, reason="Awaiting ECG", starts_on=TODAY)
    response = login("ben").get(QUEUE)
    assert response.status_code == 200
    assert _statuses(response) == {"Dee Dosed": "dosed", "Eli Due": "due", "Fay Held": "on_hold"}
    body = response.content.decode()
    assert "On hold: Awaiting ECG" in body
    assert 'id="dosing-scan"' in body
    assert "autofocus" in body
    assert response.context["queue"].counts == {"due": 1, "dosed": 1, "held": 1, "elsewhere": 0}


def test_the_status_filter_narrows_the_list(login, signed, give, make_patient):
    give(signed(make_patient("Dee", "Dosed")))
    signed(make_patient("Eli", "Due"))
    response = login("ben").get(QUEUE, {"status": "dosed"})
    assert _statuses(response) == {"Dee Dosed": "dosed"}


def test_an_exact_mrn_scan_opens_the_dispense_screen(login, signed, make_patient):
    order = signed(make_patient("Eli", "Due"))
    response = login("ben").get(QUEUE, {"q": order.patient.mrn.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dosing_dispense", args=[order.patient.uuid])


def test_typing_a_name_filters_and_htmx_gets_the_rows_alone(login, signed, make_patient):
    signed(make_patient("José", "Álvarez"))
    signed(make_patient("Eli", "Due"))
    response = login("ben").get(QUEUE, {"q": "jose"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "José Álvarez" in body
    assert "Eli Due" not in body
    assert "HX-Request" in response["Vary"]


def test_no_match_and_an_empty_morning_say_so(login, clock, personas):
    client = login("ben")
    assert "No one is due for observed dosing" in client.get(QUEUE).content.decode()
    assert "No one in today" in client.get(QUEUE, {"q": "H999999"}).content.decode()


def test_after_a_dose_the_next_person_due_is_focused(login, signed, give, make_patient):
    first = signed(make_patient("Ann", "Aaa"))
    second = signed(make_patient("Bob", "Bbb"))
    give(first)
    response = login("ben").get(QUEUE, {"after": str(first.patient.uuid)})
    assert response.context["queue"].focus == second.patient.uuid
    body = response.content.decode()
    link = f'href="{reverse("web:dosing_dispense", args=[second.patient.uuid])}" autofocus'
    assert link in body


def test_front_desk_dan_is_refused(login, clock, personas):
    assert login("dan").get(QUEUE).status_code == 403


def test_prescriber_ada_is_not_at_the_window(login, clock, personas):
    assert login("ada").get(QUEUE).status_code == 403


def test_sam_sees_ridges_queue_only(login, signed, make_patient):
    signed(make_patient("Harbor", "Person"))
    response = login("sam").get(QUEUE)
    assert response.status_code == 200
    assert response.context["queue"].rows == []
    assert "Harbor Person" not in response.content.decode()


def test_the_nav_shows_the_window_to_nurses_only(login, clock, personas):
    assert 'href="/dosing/"' in login("ben").get("/").content.decode()
    assert 'href="/dosing/"' not in login("dan").get("/").content.decode()


@pytest.mark.parametrize("people", [5, 50])
def test_the_queue_page_costs_the_same_queries_for_5_or_50(
    people, login, signed, give, ada, make_patient, django_assert_max_num_queries
):
    orders = [signed(make_patient(f"P{n}", f"Person{n:02d}")) for n in range(people)]
    for order in orders[::3]:
        give(order)
    hold_place(actor=ada, patient=orders[1].patient, reason="Review", starts_on=TODAY)
    client = login("ben")
    with django_assert_max_num_queries(13):
        response = client.get(QUEUE)
    assert len(response.context["queue"].rows) == people

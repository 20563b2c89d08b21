"""Checking in take-home bottles at the window: returned empty, not returned, tampered."""
# ruff: noqa: F811  (the fixtures imported from the take-home and dosing conftests)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.takehomes.models import TakeHomeBottle, TakeHomeConcern
from tests.medications.conftest import local
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
    return reverse("web:takehome_returns", args=[patient.uuid])


@pytest.fixture
def back(ready, issue, clock):
    """Three bottles for the next three days, and the clock moved to the fourth morning."""
    bottles = issue(ready(10), days(1, 3))
    clock.move_to(local(TODAY + timedelta(days=4), 9))
    return bottles


def _post(client, bottle, outcome, note=""):
    prefix = bottle.code
    return client.post(
        _url(bottle.patient),
        {
            f"{prefix}-bottle": str(bottle.uuid),
            f"{prefix}-outcome": outcome,
            f"{prefix}-note": note,
        },
    )


def test_the_page_lists_each_bottle_due_back_with_the_three_outcomes(login, back):
    body = login("ben").get(_url(back[0].patient)).content.decode()
    assert all(b.code in body for b in back)
    assert body.count('value="returned_empty"') == 3
    assert "Returned tampered" in body
    assert "Not returned" in body


def test_the_dispense_screen_links_to_the_check_in(login, back):
    patient = back[0].patient
    body = login("ben").get(reverse("web:dosing_dispense", args=[patient.uuid])).content
    assert _url(patient) in body.decode()


def test_returned_empty_checks_the_bottle_in(login, back):
    client = login("ben")
    response = _post(client, back[0], "returned_empty")
    assert response.status_code == 302
    back[0].refresh_from_db()
    assert back[0].status == "returned_empty"
    page = client.get(_url(back[0].patient)).content.decode()
    assert f'name="{back[0].code}-outcome"' not in page
    assert f'name="{back[1].code}-outcome"' in page
    assert not TakeHomeConcern.objects.exists()


def test_tampered_needs_a_note_and_then_opens_a_concern(login, back):
    client = login("ben")
    response = _post(client, back[1], "tampered")
    assert response.status_code == 422
    assert "Say what was seen on the tampered bottle." in response.content.decode()
    assert TakeHomeBottle.objects.get(pk=back[1].pk).status == "issued"
    assert _post(client, back[1], "tampered", "Seal broken, liquid cloudy").status_code == 302
    concern = TakeHomeConcern.objects.get()
    assert concern.kind == "tampered"
    assert "Seal broken" in concern.message


def test_not_returned_opens_a_concern(login, back):
    assert _post(login("ben"), back[2], "not_returned").status_code == 302
    assert TakeHomeConcern.objects.get().kind == "not_returned"


def test_a_bottle_already_checked_in_cannot_be_posted_again(login, back):
    client = login("ben")
    _post(client, back[0], "returned_empty")
    assert _post(client, back[0], "not_returned").status_code == 404
    assert TakeHomeBottle.objects.get(pk=back[0].pk).status == "returned_empty"


def test_an_honest_empty_state_when_nothing_is_due(login, ready, issue):
    bottles = issue(ready(10), days(1, 2))
    body = login("ben").get(_url(bottles[0].patient)).content.decode()
    assert "No bottle is due back from this person." in body
    assert bottles[0].code in body  # still at home, listed read-only


def test_front_desk_is_refused_and_ridge_sees_no_harbor_patient(login, back):
    assert login("dan").get(_url(back[0].patient)).status_code == 403
    assert login("sam").get(_url(back[0].patient)).status_code == 404
    assert _post(login("sam"), back[0], "returned_empty").status_code == 404
    assert TakeHomeBottle.objects.get(pk=back[0].pk).status == "issued"

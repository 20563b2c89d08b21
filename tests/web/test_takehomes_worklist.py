"""The clinic's take-home worklist: bottles out, due back, open recalls and open concerns."""
# ruff: noqa: F811  (the fixtures imported from the take-home and dosing conftests)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.takehomes.models import TakeHomeConcern
from mooring.takehomes.services import takehome_recall_request, takehome_return_check
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
URL = reverse("web:takehome_worklist")
THIRD_DAY = TODAY + timedelta(days=3)


@pytest.fixture
def people(ready, issue, clock, ada, ben):
    """``n`` people, each with: a bottle not returned (a concern), one due back, two out and
    an open recall; the clock on the third day after the hand-over."""

    def make(n: int):
        clock.move_to(local(TODAY, 9))
        patients = []
        bottles = [issue(ready(10, f"P{i}"), days(1, 4)) for i in range(n)]
        clock.move_to(local(THIRD_DAY, 9))
        for held in bottles:
            takehome_return_check(actor=ben, bottle=held[0], outcome="not_returned")
            takehome_recall_request(
                actor=ada,
                patient=held[0].patient,
                reason="Call-back check",
                due_by=local(THIRD_DAY, 17),
            )
            patients.append(held[0].patient)
        return bottles

    return make


def test_the_worklist_shows_each_section(login, people):
    (held,) = people(1)
    response = login("ben").get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Open concerns for the prescriber" in body
    assert "Bottle not returned" in body
    assert "Call-back check" in body
    assert (
        reverse("web:takehome_recall_record", args=[held[0].patient.takehome_recalls.get().uuid])
        in body
    )
    assert held[1].code in body  # due back
    assert held[2].code in body
    assert held[3].code in body
    assert reverse("web:takehome_returns", args=[held[0].patient.uuid]) in body
    # Ben is a nurse: he records recalls, the prescriber acknowledges concerns.
    assert "/acknowledge/" not in body
    assert 'name="note"' not in body
    event = AuditEvent.objects.filter(object_type="takehome_worklist").get()
    assert event.action == Action.READ
    assert event.detail["patients"] == [held[0].patient.mrn]


def test_honest_empty_states(login):
    body = login("ada").get(URL).content.decode()
    for text in (
        "No open take-home concern.",
        "No open recall.",
        "No bottle is due back.",
        "No take-home bottle is out.",
    ):
        assert text in body


def test_ada_acknowledges_a_concern_from_the_worklist(login, people):
    people(1)
    concern = TakeHomeConcern.objects.get()
    client = login("ada")
    body = client.get(URL).content.decode()
    action = reverse("web:takehome_concern_acknowledge", args=[concern.uuid])
    assert action in body
    response = client.post(action, {"note": "New assessment booked"})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.acknowledged_by.username == "ada"
    assert concern.acknowledgement_note == "New assessment booked"
    assert "No open take-home concern." in client.get(URL).content.decode()


def test_only_a_prescriber_acknowledges_and_ridge_cannot_touch_harbor_concerns(login, people):
    people(1)
    concern = TakeHomeConcern.objects.get()
    action = reverse("web:takehome_concern_acknowledge", args=[concern.uuid])
    assert login("ben").post(action).status_code == 403
    assert login("sam").post(action).status_code == 403  # not a prescriber anywhere
    concern.refresh_from_db()
    assert concern.acknowledged_at is None


def test_front_desk_and_counsellors_are_refused(login):
    assert login("dan").get(URL).status_code == 403
    assert login("chloe").get(URL).status_code == 403


def test_ridge_sees_none_of_harbor_take_homes(login, people):
    (held,) = people(1)
    body = login("sam").get(URL).content.decode()
    assert held[0].patient.display_name not in body
    assert "No take-home bottle is out." in body


def _queries(client):
    client.get(URL)  # the first page after signing in also saves the session's seen-at time
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_worklist_answers_in_the_same_queries_for_5_and_50_people(login, people):
    people(5)
    five = _queries(login("ben"))
    people(45)
    assert _queries(login("ben")) == five

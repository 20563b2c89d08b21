"""The guest dosing page: arrange a period at another clinic, list them all, cancel one.

The home clinic's nurses and prescribers arrange; the home or the host clinic cancels, with
a reason; everything else (the period, its length, overlaps, who) is the service's answer,
shown beside the field it concerns.
"""
# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.medications.models import GuestDosingArrangement
from mooring.medications.services import guest_dosing_arrange, guest_dosing_cancel
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

FIRST = TODAY + timedelta(days=1)
BACK = TODAY + timedelta(days=4)


def _url(patient):
    return reverse("web:guest_dosing", args=[patient.uuid])


def _cancel_url(arrangement):
    return reverse("web:guest_dosing_cancel", args=[arrangement.patient.uuid, arrangement.uuid])


@pytest.fixture
def order(signed, make_patient):
    return signed(make_patient("Eli", "Visitor"))


@pytest.fixture
def arrange(ben, ridge):
    def do(order, *, start=FIRST, end=BACK, reason="Family visit", actor=None):
        return guest_dosing_arrange(
            actor=actor or ben,
            patient=order.patient,
            host_clinic=ridge,
            start_date=start,
            end_date=end,
            reason=reason,
        )

    return do


def _arrange_data(ridge, *, start=FIRST, end=BACK, reason="Family visit", **extra):
    data = {
        "host_clinic": str(ridge.uuid),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "reason": reason,
    }
    data.update(extra)
    return data


def test_ben_arranges_a_period_at_ridge(login, order, ridge):
    client = login("ben")
    page = client.get(_url(order.patient))
    assert page.status_code == 200
    body = page.content.decode()
    assert "No guest dosing has been arranged" in body
    assert f'<option value="{ridge.uuid}">Ridge Clinic</option>' in body
    assert 'name="order"' not in body  # one order: the service picks it
    response = client.post(_url(order.patient), _arrange_data(ridge))
    assert response.status_code == 302
    assert response["Location"] == _url(order.patient)
    arrangement = GuestDosingArrangement.objects.get()
    assert (arrangement.host_clinic, arrangement.order, arrangement.start_date) == (
        ridge,
        order,
        FIRST,
    )
    assert arrangement.arranged_by.username == "ben"
    event = AuditEvent.objects.get(object_type="guest_dosing_arrangement")
    assert event.action == Action.CREATE
    listed = client.get(response["Location"])
    text = listed.content.decode()
    assert "will be dosed at Ridge Clinic" in text
    ((row, cancel),) = listed.context["rows"]
    assert (row.status, row.label, row.cancellable) == ("future", "Arranged", True)
    assert cancel is not None
    assert "Cancel guest dosing at Ridge Clinic" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"end": FIRST}, "end_date", "The period must end after it starts."),
        ({"end": FIRST + timedelta(days=15)}, "end_date", "at most 14 days"),
        ({"start": TODAY - timedelta(days=1)}, "start_date", "cannot start in the past"),
        ({"reason": ""}, "reason", "This field is required."),
    ],
)
def test_the_service_s_refusals_are_shown_beside_the_field(
    login, order, ridge, data, field, message
):
    response = login("ben").post(_url(order.patient), _arrange_data(ridge, **data))
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message in response.content.decode()
    assert not GuestDosingArrangement.objects.exists()


def test_an_overlapping_period_is_refused_on_the_first_day(login, order, ridge, arrange):
    arrange(order)
    response = login("ada").post(
        _url(order.patient),
        _arrange_data(ridge, start=BACK - timedelta(days=1), end=BACK + timedelta(days=2)),
    )
    assert response.status_code == 422
    assert "already a guest at Ridge Clinic" in " ".join(
        response.context["form"].errors["start_date"]
    )
    assert GuestDosingArrangement.objects.count() == 1


def test_with_two_orders_the_order_is_chosen(login, order, signed, ridge):
    bup = signed(
        order.patient,
        medication="buprenorphine",
        form="sublingual_tablet",
        mg=4,
        phase="maintenance",
    )
    client = login("ada")
    body = client.get(_url(order.patient)).content.decode()
    assert 'name="order"' in body
    missing = client.post(_url(order.patient), _arrange_data(ridge))
    assert missing.status_code == 422
    assert "order" in missing.context["form"].errors
    response = client.post(_url(order.patient), _arrange_data(ridge, order=str(bup.uuid)))
    assert response.status_code == 302
    assert GuestDosingArrangement.objects.get().order == bup


def test_the_list_shows_past_current_future_and_cancelled_with_who_and_why(
    login, order, arrange, ben, clock
):
    past = arrange(order, start=TODAY, end=FIRST, reason="Court date")
    clock.move_to(local(FIRST + timedelta(days=1), 9))
    today = FIRST + timedelta(days=1)
    current = arrange(order, start=today, end=today + timedelta(days=2), reason="Work")
    future = arrange(
        order, start=today + timedelta(days=3), end=today + timedelta(days=5), reason="Wedding"
    )
    cancelled = arrange(
        order, start=today + timedelta(days=6), end=today + timedelta(days=8), reason="Trip"
    )
    guest_dosing_cancel(actor=ben, arrangement=cancelled, reason="Trip called off")
    response = login("ben").get(_url(order.patient))
    statuses = {
        row.arrangement: (row.status, row.cancellable) for row, _f in response.context["rows"]
    }
    assert statuses == {
        past: ("past", False),
        current: ("current", True),
        future: ("future", True),
        cancelled: ("cancelled", False),
    }
    body = response.content.decode()
    for text in ("Court date", "Work", "Wedding", "Trip called off", "Cancelled by Ben Cruz"):
        assert text in body
    assert body.count("Cancel guest dosing at Ridge Clinic") == 2


def test_the_page_costs_the_same_queries_for_1_or_6_periods(login, order, arrange, ben):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        start = FIRST + timedelta(days=3 * n)
        arrangement = arrange(order, start=start, end=start + timedelta(days=2))
        if n % 2:
            guest_dosing_cancel(actor=ben, arrangement=arrangement, reason="Not needed")

    client = login("ben")
    counts = []
    for periods in (range(1), range(1, 6)):
        for n in periods:
            add(n)
        client.get(_url(order.patient))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(order.patient))
        counts.append(len(queries))
    assert len(response.context["rows"]) == 6
    assert counts[0] == counts[1] <= 20


def test_ben_cancels_with_a_reason(login, order, arrange):
    arrangement = arrange(order)
    client = login("ben")
    refused = client.post(_cancel_url(arrangement), {"reason": " "})
    assert refused.status_code == 422
    assert "This field is required." in refused.content.decode()
    response = client.post(_cancel_url(arrangement), {"reason": "Trip called off"})
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert (arrangement.cancel_reason, arrangement.cancelled_by.username) == (
        "Trip called off",
        "ben",
    )
    assert (
        "Guest dosing at Ridge Clinic cancelled" in client.get(_url(order.patient)).content.decode()
    )
    again = client.post(_cancel_url(arrangement), {"reason": "Twice"})
    assert again.status_code == 302
    assert "already cancelled" in client.get(again["Location"]).content.decode()


def test_a_get_on_cancel_goes_back_to_the_page_and_an_unknown_one_is_404(login, order, arrange):
    arrangement = arrange(order)
    client = login("ben")
    assert client.get(_cancel_url(arrangement))["Location"] == _url(order.patient)
    unknown = reverse("web:guest_dosing_cancel", args=[order.patient.uuid, order.uuid])
    assert client.post(unknown, {"reason": "x"}).status_code == 404


def test_sam_at_ridge_sees_the_page_only_during_the_period_and_may_cancel_not_arrange(
    login, order, arrange, ridge, clock
):
    arrangement = arrange(order)
    client = login("sam")
    assert client.get(_url(order.patient)).status_code == 404
    clock.move_to(local(FIRST, 9))
    client = login("sam")  # a new day, a new session (the idle time-out)
    page = client.get(_url(order.patient))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Guest dosing is arranged by the person's home clinic" in body
    assert 'name="host_clinic"' not in body
    assert client.post(_url(order.patient), _arrange_data(ridge)).status_code == 403
    response = client.post(_cancel_url(arrangement), {"reason": "Went home early"})
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert arrangement.cancelled_by.username == "sam"
    assert client.get(_url(order.patient)).status_code == 404  # no longer a guest here


@pytest.mark.parametrize("username", ["dan", "chloe", "kai"])
def test_staff_who_neither_dose_nor_prescribe_are_refused(login, order, arrange, username):
    arrangement = arrange(order)
    client = login(username)
    assert client.get(_url(order.patient)).status_code == 403
    assert client.post(_cancel_url(arrangement), {"reason": "x"}).status_code == 403
    assert GuestDosingArrangement.objects.get().cancelled_at is None


def test_the_dispense_screen_and_the_medication_page_link_here(login, order, bottle):
    link = f'href="{_url(order.patient)}"'
    assert (
        link
        in login("ben")
        .get(reverse("web:dosing_dispense", args=[order.patient.uuid]))
        .content.decode()
    )
    assert (
        link
        in login("ada")
        .get(reverse("web:patient_medication", args=[order.patient.uuid]))
        .content.decode()
    )
    assert (
        link
        not in login("chloe")
        .get(reverse("web:patient_medication", args=[order.patient.uuid]))
        .content.decode()
    )


def test_opening_the_page_is_audited(login, order):
    login("ben").get(_url(order.patient))
    event = AuditEvent.objects.filter(action=Action.READ, patient=order.patient).last()
    assert event is not None
    assert event.detail.get("purpose") == "guest_dosing"

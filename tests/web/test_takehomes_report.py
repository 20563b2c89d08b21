"""The take-home report: bottles out and returned over a date range, for stock and dosing staff."""
# ruff: noqa: F811  (the fixtures imported from the take-home and dosing conftests)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mooring.audit.models import AuditEvent
from mooring.takehomes.services import takehome_return_check
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
URL = reverse("web:takehome_report")


def _range(start, end):
    return f"{URL}?start={start.isoformat()}&end={end.isoformat()}"


@pytest.fixture
def week(ready, issue, clock, ben):
    """Four bottles; on the third day one came back empty and one was not returned."""
    bottles = issue(ready(10), days(1, 4))
    clock.move_to(local(TODAY + timedelta(days=3), 9))
    takehome_return_check(actor=ben, bottle=bottles[0], outcome="returned_empty")
    takehome_return_check(actor=ben, bottle=bottles[1], outcome="not_returned")
    return bottles


def test_eve_sees_bottles_and_how_they_came_back(login, week):
    response = login("eve").get(_range(TODAY, TODAY + timedelta(days=7)))
    assert response.status_code == 200
    report = response.context["report"]
    assert [b.code for b in report.bottles] == [b.code for b in week]
    assert report.counts["returned_empty"] == 1
    assert report.counts["not_returned"] == 1
    assert report.counts["issued"] == 2
    assert report.total_mg == 120
    body = response.content.decode()
    assert all(b.code in body for b in week)
    assert "Returned empty" in body
    event = AuditEvent.objects.get(object_type="takehome_report")
    assert event.detail["bottles"] == 4


def test_the_range_limits_the_bottles(login, week):
    day2 = TODAY + timedelta(days=2)
    report = login("ben").get(_range(day2, day2)).context["report"]
    assert [b.for_date for b in report.bottles] == [day2]


def test_the_default_is_the_last_week_and_an_empty_range_says_so(login, week):
    body = login("ben").get(_range(TODAY - timedelta(days=30), TODAY - timedelta(days=20)))
    assert "No take-home bottle was issued for these dates." in body.content.decode()
    default = login("ben").get(URL).context["report"]
    assert default.end == TODAY + timedelta(days=3)
    assert default.start == TODAY - timedelta(days=3)


def test_a_backwards_range_is_refused_beside_the_field(login):
    response = login("eve").get(_range(TODAY, TODAY - timedelta(days=1)))
    assert response.status_code == 422
    assert "The end date is before the start date." in response.content.decode()


def test_prescribers_front_desk_and_counsellors_are_refused(login):
    for username in ("ada", "dan", "chloe"):
        assert login(username).get(URL).status_code == 403, username


def test_ridge_sees_none_of_harbor_bottles(login, week):
    report = login("sam").get(_range(TODAY, TODAY + timedelta(days=7))).context["report"]
    assert report.bottles == []


def test_the_report_answers_in_the_same_queries_for_1_and_6_people(login, ready, issue, clock):
    url = _range(TODAY, TODAY + timedelta(days=7))
    issue(ready(10, "First"), days(1, 2))
    client = login("eve")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        issue(ready(10, f"P{n}"), days(1, 2))
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(url).context["report"].bottles) == 12
    assert len(six) == len(one)

"""The dosing queue draws a page of rows at a time; htmx appends the next page on request."""
# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("mooring.web.selectors_dosing.QUEUE_PAGE", 3)


@pytest.fixture
def seven(signed, make_patient):
    """Seven people due, named so that the queue's order is A..G."""
    return [signed(make_patient(f"P{letter}", f"{letter}person")) for letter in "ABCDEFG"]


def _names(response):
    return [row.patient.display_name for row in response.context["queue"].rows]


def test_the_first_page_shows_a_page_and_counts_everyone(login, small_pages, seven, give):
    give(seven[0])
    response = login("ben").get(QUEUE)
    assert _names(response) == ["PA Aperson", "PB Bperson", "PC Cperson"]
    queue = response.context["queue"]
    assert queue.total == queue.matched == 7
    assert queue.counts == {"due": 6, "dosed": 1, "held": 0, "elsewhere": 0}
    body = response.content.decode()
    assert "1–3 of 7" in body
    assert "Show more (4 more)" in body
    assert f'href="{QUEUE}?offset=3"' in body
    assert f'hx-get="{QUEUE}?offset=3&amp;more=1"' in body
    assert "Show earlier" not in body


def test_htmx_appends_the_next_page_rows_alone(login, small_pages, seven):
    response = login("ben").get(QUEUE, {"offset": "3", "more": "1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "<table" not in body
    assert body.count("<tr class=") == 4  # three people and the next "show more" row
    names = [
        name
        for name in ("PC Cperson", "PD Dperson", "PE Eperson", "PF Fperson", "PG Gperson")
        if name in body
    ]
    assert names == ["PD Dperson", "PE Eperson", "PF Fperson"]
    assert "Show more (1 more)" in body
    assert "offset=6" in body


def test_the_last_page_has_no_more_link_and_a_way_back(login, small_pages, seven):
    response = login("ben").get(QUEUE, {"offset": "6"})
    assert _names(response) == ["PG Gperson"]
    body = response.content.decode()
    assert "Show more" not in body
    assert f'href="{QUEUE}?offset=3"' in body
    assert "Show earlier" in body


def test_paging_keeps_the_filter_and_the_search(login, small_pages, seven, give):
    for order in seven[:5]:
        give(order)
    response = login("ben").get(QUEUE, {"status": "dosed", "q": "person"})
    assert _names(response) == ["PA Aperson", "PB Bperson", "PC Cperson"]
    assert "q=person&amp;status=dosed&amp;offset=3" in response.content.decode()


def test_after_a_dose_the_page_holding_the_next_person_is_shown(login, small_pages, seven, give):
    give(seven[3])
    response = login("ben").get(QUEUE, {"after": str(seven[3].patient.uuid)})
    queue = response.context["queue"]
    assert queue.focus == seven[4].patient.uuid
    assert queue.offset == 3
    link = f'href="{reverse("web:dosing_dispense", args=[seven[4].patient.uuid])}" autofocus'
    assert link in response.content.decode()


def test_a_scan_still_finds_someone_beyond_the_first_page(login, small_pages, seven):
    last = seven[-1].patient
    response = login("ben").get(QUEUE, {"q": last.mrn})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dosing_dispense", args=[last.uuid])


def test_a_nonsense_offset_is_the_first_page(login, small_pages, seven):
    assert _names(login("ben").get(QUEUE, {"offset": "-4"}))[0] == "PA Aperson"
    assert _names(login("ben").get(QUEUE, {"offset": "999"})) == ["PG Gperson"]


def test_a_full_page_costs_the_same_queries_and_bytes_for_30_or_60(
    login, seven, signed, make_patient, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("mooring.web.selectors_dosing.QUEUE_PAGE", 10)
    client = login("ben")
    sizes = []
    for count in (30, 60):
        while len(seven) < count:
            seven.append(signed(make_patient("Q", f"Zz{len(seven):03d}")))
        with django_assert_max_num_queries(13):
            response = client.get(QUEUE)
        assert len(response.context["queue"].rows) == 10
        sizes.append(len(response.content))
    assert abs(sizes[1] - sizes[0]) < 200  # the counts' digits, not thirty more rows


def test_looking_again_at_the_queue_writes_nothing(login, seven):
    """A read-only page: no session save, no audit row, no commit to wait for."""
    client = login("ben")
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(QUEUE).status_code == 200
    writes = [q["sql"] for q in captured if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []

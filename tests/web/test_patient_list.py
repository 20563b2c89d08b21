"""The patient list and the search box that answers while one types."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.patients.services import episode_discharge

pytestmark = pytest.mark.django_db


@pytest.fixture
def jose(make_patient):
    return make_patient("José", "Álvarez", dob=date(1988, 3, 2), preferred_name="Pepe")


def _mrns(response):
    """The MRNs shown in the results table (the partial carries no template context)."""
    return re.findall(r"<td>(H\d{6})</td>", response.content.decode())


def _search_events():
    return AuditEvent.objects.filter(object_type="patient_search").order_by("id")


def test_without_a_query_the_list_shows_patients_in_care_here(
    login, make_patient, jose, personas, actor_for
):
    gone = make_patient("Gone", "Away")
    episode_discharge(
        actor=actor_for(personas["ada"]),
        episode=gone.episodes.get(),
        discharged_on=date(2026, 2, 1),
        reason="1",
    )
    make_patient("Rita", "Ridge", clinic="ridge")
    response = login("ben").get(reverse("web:patient_list"))
    assert response.status_code == 200
    names = [row.display_name for row in response.context["rows"]]
    assert names == ["Pepe Álvarez"]
    assert not _search_events().exists()


def test_the_search_box_is_wired_for_htmx(login, db, personas):
    body = login("ben").get(reverse("web:patient_list")).content.decode()
    assert 'hx-get="/patients/search/"' in body
    assert 'hx-trigger="input changed delay:250ms, search"' in body
    assert '<label for="patient-search"' in body


def test_jose_alvarez_finds_jose_with_accents_and_is_audited(login, jose):
    response = login("ben").get(reverse("web:patient_search"), {"q": "Jose Alvarez"})
    assert response.status_code == 200
    assert _mrns(response) == [jose.mrn]
    body = response.content.decode()
    assert "<html" not in body  # the partial alone
    assert "José Álvarez" in body  # legal name beside the preferred one
    assert response["HX-Replace-Url"] == "/patients/?q=Jose+Alvarez"
    event = _search_events().get()
    assert event.action == Action.READ
    assert event.data_category == "demographics"
    assert event.detail == {"query": "Jose Alvarez", "results": [jose.mrn]}
    assert event.actor.username == "ben"


def test_a_typo_still_finds_him(login, jose):
    response = login("ben").get(reverse("web:patient_search"), {"q": "Alvares"})
    assert _mrns(response) == [jose.mrn]


def test_search_by_mrn_and_by_date_of_birth(login, jose, make_patient):
    make_patient("Other", "Person", dob=date(1970, 1, 1))
    client = login("dan")
    by_mrn = client.get(reverse("web:patient_search"), {"q": jose.mrn})
    assert _mrns(by_mrn) == [jose.mrn]
    by_birth = client.get(reverse("web:patient_search"), {"q": "1988-03-02"})
    assert _mrns(by_birth) == [jose.mrn]


def test_no_match_says_so_and_is_still_audited(login, jose):
    response = login("ben").get(reverse("web:patient_search"), {"q": "Zebediah"})
    assert "No one found for" in response.content.decode()
    assert _search_events().get().detail["results"] == []


def test_sam_at_ridge_never_finds_harbor_patients(login, jose):
    response = login("sam").get(reverse("web:patient_search"), {"q": "Jose Alvarez"})
    assert _mrns(response) == []
    assert "No one found for" in response.content.decode()


def test_the_full_page_answers_a_query_without_javascript(login, jose):
    response = login("dan").get(reverse("web:patient_list"), {"q": "alvarez"})
    assert [row.mrn for row in response.context["rows"]] == [jose.mrn]
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("username", ["olu", "ian"])
def test_roles_without_search_are_refused(login, db, personas, username):
    client = login(username)
    assert client.get(reverse("web:patient_list")).status_code == 403
    assert client.get(reverse("web:patient_search"), {"q": "a"}).status_code == 403


def test_anonymous_visitors_go_to_login(client, db):
    response = client.get(reverse("web:patient_search"), {"q": "x"})
    assert response.status_code == 302


def test_the_list_is_paginated(login, make_patient, monkeypatch):
    from mooring.web.views import patients

    monkeypatch.setattr(patients, "PAGE_SIZE", 2)
    for n in range(5):
        make_patient("Page", f"Person{n}")
    response = login("ben").get(reverse("web:patient_list"), {"page": 3})
    assert response.context["page"].number == 3
    assert len(response.context["rows"]) == 1


def test_query_counts_do_not_grow_with_patients(
    login, make_patient, django_assert_max_num_queries, png_bytes
):
    client = login("ben")
    make_patient("Alex", "Count0")
    with django_assert_max_num_queries(20) as list_few:
        client.get(reverse("web:patient_list"))
    with django_assert_max_num_queries(20) as search_few:
        client.get(reverse("web:patient_search"), {"q": "alex"})
    for n in range(1, 12):
        make_patient("Alex", f"Count{n}")
    with django_assert_max_num_queries(len(list_few.captured_queries)):
        listed = client.get(reverse("web:patient_list"))
    with django_assert_max_num_queries(len(search_few.captured_queries)):
        found = client.get(reverse("web:patient_search"), {"q": "alex"})
    assert len(listed.context["rows"]) == 12
    assert len(_mrns(found)) == 12


def test_the_list_is_not_cached(login, db, personas):
    assert login("dan").get(reverse("web:patient_list"))["Cache-Control"] == "no-store"

"""The auditor's report: who may see it, filters, sorting, and an audited CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_patient, personas, login):
    patient = make_patient("José", "Álvarez")
    make_patient("Maria", "Lopez")
    client = login("ben")
    client.get(reverse("web:patient_chart", args=[patient.uuid]))
    client.logout()
    return patient


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("olu", 200),
        ("ian", 200),
        ("ada", 403),
        ("ben", 403),
        ("dan", 403),
        ("eve", 403),
        ("sam", 403),
    ],
)
def test_only_auditors_and_administrators_read_the_log(login, username, status):
    assert login(username).get(reverse("web:audit_report")).status_code == status


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("web:audit_report"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_filters_by_user_and_patient(login, history):
    client = login("olu")
    by_ben = client.get(reverse("web:audit_report"), {"user": "ben"})
    rows = list(by_ben.context["page"].object_list)
    assert rows
    assert {e.actor_username for e in rows} == {"ben"}
    by_patient = client.get(reverse("web:audit_report"), {"patient": history.mrn})
    events = list(by_patient.context["page"].object_list)
    assert {e.patient_id for e in events} == {history.pk}
    assert {e.action for e in events} >= {"create", "read"}


def test_sorts_by_any_column(login, history):
    client = login("olu")
    ascending = client.get(reverse("web:audit_report"), {"sort": "user", "dir": "asc"})
    names = [e.actor_username for e in ascending.context["page"].object_list]
    assert names == sorted(names)
    descending = client.get(reverse("web:audit_report"), {"sort": "action", "dir": "desc"})
    actions = [e.action for e in descending.context["page"].object_list]
    assert actions == sorted(actions, reverse=True)


def test_an_end_before_the_start_is_explained(login, db):
    response = login("olu").get(
        reverse("web:audit_report"), {"start": "2026-05-02", "end": "2026-05-01"}
    )
    assert "cannot be before the start" in response.content.decode()
    assert response.context["page"] is None


def test_the_csv_export_is_itself_audited(login, history):
    client = login("olu")
    response = client.get(reverse("web:audit_export"), {"patient": history.mrn})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["occurred_at", "actor_username", "role"]
    assert all(row[4] == history.mrn for row in rows[1:])
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor_username == "olu"
    assert export.detail["patient"] == history.mrn
    assert export.detail["rows"] == len(rows) - 1


def test_the_report_page_query_count_does_not_grow_with_events(
    login, history, django_assert_max_num_queries
):
    client = login("olu")
    with django_assert_max_num_queries(12):
        client.get(reverse("web:audit_report"))

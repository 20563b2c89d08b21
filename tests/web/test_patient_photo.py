"""The identification photo: streamed from storage through the access funnel, never cached."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.patients.services import patient_update
from mooring.web.forms import DemographicsForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def pictured(make_patient, personas, actor_for, png_bytes):
    patient = make_patient("Pia", "Photo")
    form = DemographicsForm(
        data={
            name: getattr(patient, name) for name in DemographicsForm.base_fields if name != "photo"
        }
    )
    assert form.is_valid(), form.errors
    photo = SimpleUploadedFile("p.png", png_bytes, content_type="image/png")
    return patient_update(
        actor=actor_for(personas["dan"]), patient=patient, data=form.demographics(), photo=photo
    )


def _url(patient):
    return reverse("web:patient_photo", args=[patient.uuid])


def test_front_desk_gets_the_photo_and_the_read_is_audited(login, pictured, png_bytes, personas):
    response = login("dan").get(_url(pictured))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == png_bytes
    event = AuditEvent.objects.filter(action=Action.READ, patient=pictured).last()
    assert event.detail == {"purpose": "photo"}
    assert event.actor == personas["dan"]


def test_the_chart_header_shows_it(login, pictured):
    body = login("ada").get(reverse("web:patient_chart", args=[pictured.uuid])).content.decode()
    assert f'src="{_url(pictured)}"' in body


def test_sam_at_ridge_gets_404(login, pictured):
    assert login("sam").get(_url(pictured)).status_code == 404


def test_the_auditor_is_refused(login, pictured):
    assert login("olu").get(_url(pictured)).status_code == 403


def test_no_photo_is_404(login, make_patient):
    patient = make_patient("No", "Picture")
    assert login("ada").get(_url(patient)).status_code == 404


def test_anonymous_visitors_go_to_login(client, pictured):
    assert client.get(_url(pictured)).status_code == 302

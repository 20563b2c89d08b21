"""The "appears sedated or intoxicated" check at the window: recorded, flagged, dose refused."""
# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.medications.models import PrescriberFlag, SedationAssessment
from tests.medications.conftest import (  # noqa: F401 (fixtures)
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


def _url(patient):
    return reverse("web:dosing_sedation", args=[patient.uuid])


def test_ben_records_sedation_and_todays_dose_is_refused(login, signed, bottle, make_patient):
    order = signed(make_patient("Gus", "Nod"))
    client = login("ben")
    response = client.post(
        _url(order.patient),
        {f"s{order.pk}-order": order.uuid, f"s{order.pk}-observations": "Nodding off"},
    )
    assert response.status_code == 302
    assessment = SedationAssessment.objects.get()
    assert assessment.observations == "Nodding off"
    assert PrescriberFlag.objects.get().kind == "appears_sedated"
    page = client.get(response["Location"]).content.decode()
    assert "appears sedated or intoxicated" in page
    assert "Rule: appears_sedated" in page
    assert "Dispense 30 mg" not in page


def test_observations_are_required(login, signed, bottle, make_patient):
    order = signed(make_patient())
    response = login("ben").post(
        _url(order.patient), {f"s{order.pk}-order": order.uuid, f"s{order.pk}-observations": ""}
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not SedationAssessment.objects.exists()


def test_dan_and_sam_cannot_record_it(login, signed, make_patient):
    order = signed(make_patient())
    data = {f"s{order.pk}-order": order.uuid, f"s{order.pk}-observations": "x"}
    assert login("dan").post(_url(order.patient), data).status_code == 403
    assert login("sam").post(_url(order.patient), data).status_code == 404
    assert not SedationAssessment.objects.exists()

"""Writing and signing an order: rule findings shown with rule, profile and sources."""

# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)
from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.rules.profiles import get_profile
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    ada,
    ben,
    clock,
    draft,
    signed,
)

pytestmark = pytest.mark.django_db
METHADONE = get_profile("US-FED-2024").methadone


def _new(patient):
    return reverse("web:order_new", args=[patient.uuid])


def _order_data(mg, **extra):
    return {
        "medication": "methadone",
        "form": "oral_liquid",
        "phase": "induction",
        "daily_dose_mg": str(mg),
        "split": "1",
        "observed": "on",
        "start_date": TODAY.isoformat(),
        **extra,
    }


def test_ada_signs_an_order_within_the_rules(login, make_patient, clock):
    patient = make_patient()
    response = login("ada").post(_new(patient), _order_data(30))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:patient_medication", args=[patient.uuid])
    order = MedicationOrder.objects.get()
    assert (order.status, order.prescriber.username) == (OrderStatus.SIGNED, "ada")
    assert order.protocol_profile == "US-FED-2024"


def test_a_refusal_keeps_the_draft_and_names_rule_profile_and_sources(login, make_patient, clock):
    patient = make_patient()
    response = login("ada").post(_new(patient), _order_data(METHADONE.first_dose_max_mg.value + 10))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Saved as a draft, not signed." in body
    assert "methadone.first_dose_over_limit" in body
    assert "US-FED-2024" in body
    assert METHADONE.first_dose_max_mg.evidence[0] in body
    assert "Reason for overriding the refusal" in body
    assert MedicationOrder.objects.get().status == OrderStatus.DRAFT


def test_an_overridable_refusal_signs_with_a_reason(login, make_patient, clock):
    patient = make_patient()
    client = login("ada")
    client.post(_new(patient), _order_data(METHADONE.first_dose_max_mg.value + 10))
    draft_order = MedicationOrder.objects.get()
    url = reverse("web:order_sign", args=[patient.uuid, draft_order.uuid])
    blank = client.post(url, {"override_reason": "  "})
    assert blank.status_code == 422
    response = client.post(
        url, {"override_reason": "Transfer patient, verified dose at prior OTP."}
    )
    assert response.status_code == 302
    draft_order.refresh_from_db()
    assert draft_order.status == OrderStatus.SIGNED
    assert "methadone.first_dose_over_limit" in draft_order.override_rule_codes
    page = client.get(reverse("web:patient_medication", args=[patient.uuid])).content.decode()
    assert "Transfer patient, verified dose at prior OTP." in page


def test_bad_input_is_shown_beside_the_field(login, make_patient, clock):
    patient = make_patient()
    response = login("ada").post(_new(patient), _order_data(0))
    assert response.status_code == 422
    assert 'id="id_daily_dose_mg_error"' in response.content.decode()
    assert not MedicationOrder.objects.exists()


def test_nurse_ben_cannot_sign(login, make_patient, draft, clock):
    patient = make_patient()
    client = login("ben")
    assert client.post(_new(patient), _order_data(30)).status_code == 403
    order = draft(patient)
    url = reverse("web:order_sign", args=[patient.uuid, order.uuid])
    assert client.post(url, {"override_reason": ""}).status_code == 403
    assert MedicationOrder.objects.get().status == OrderStatus.DRAFT


def test_sam_gets_404_for_a_harbor_patient(login, make_patient, clock):
    patient = make_patient()
    assert login("sam").post(_new(patient), _order_data(30)).status_code in (403, 404)
    assert not MedicationOrder.objects.exists()

"""The withdrawal-medicine page: the course at a glance, giving doses, impairment grades."""
# ruff: noqa: F811  (the fixtures imported from tests.withdrawal.conftest are reused by name)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.audit.models import AuditEvent
from mooring.rules.profiles import get_profile
from mooring.withdrawal.models import ImpairmentAssessment, WithdrawalDose
from mooring.withdrawal.services import withdrawal_settings_set
from tests.withdrawal.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    ada,
    ben,
    clock,
    clonidine,
    draft,
    give,
    local,
    lofexidine,
    signed,
    tablets,
)

pytestmark = pytest.mark.django_db
LOF = get_profile("US-FED-2024").lofexidine


def _page(patient):
    return reverse("web:patient_withdrawal", args=[patient.uuid])


def _give(client, order, **overrides):
    data = {
        "order": str(order.uuid),
        "dose_mg": str(order.per_administration_mg),
        "pulse_bpm": "",
        "systolic_mmhg": "",
        "diastolic_mmhg": "",
        "note": "",
        "override_reason": "",
        **overrides,
    }
    return client.post(reverse("web:withdrawal_dose_give", args=[order.patient.uuid]), data)


def test_ben_sees_the_course_and_an_empty_history(login, lofexidine):
    order = lofexidine()
    response = login("ben").get(_page(order.patient))
    assert response.status_code == 200
    course = response.context["entries"][0].row
    assert course.day_of_course == 1
    assert course.taper_tablets_per_dose
    body = response.content.decode()
    assert "Lofexidine" in body
    assert "Today&#x27;s limit" in body or "Today's limit" in body
    assert "US-FED-2024" in body
    assert "No withdrawal-medicine doses recorded." in body
    assert "No impairment assessment recorded" in body
    assert 'name="pulse_bpm"' in body
    assert 'name="hepatic"' not in body  # the assessment form is for prescribers


def test_ben_gives_a_dose_with_vitals_and_it_is_audited(login, lofexidine, personas):
    order = lofexidine()
    client = login("ben")
    response = _give(client, order, pulse_bpm="72", systolic_mmhg="118", diastolic_mmhg="76")
    assert response.status_code == 302
    dose = WithdrawalDose.objects.get()
    assert (dose.pulse_bpm, dose.systolic_mmhg, dose.diastolic_mmhg) == (72, 118, 76)
    assert dose.given_by == personas["ben"]
    event = AuditEvent.objects.get(object_type="withdrawal_dose")
    assert event.actor == personas["ben"]
    page = client.get(_page(order.patient))
    body = page.content.decode()
    assert "day 1 of the course" in body
    assert "118/76" in body
    course = page.context["entries"][0].row
    assert course.given_today_mg == tablets(3)


def test_a_dose_too_soon_shows_the_rule_profile_and_source(login, lofexidine, give, clock):
    order = lofexidine()
    give(order)
    clock.move_to(local(TODAY, 11))
    response = _give(login("ben"), order)
    assert response.status_code == 422
    body = response.content.decode()
    assert "lofexidine.too_soon" in body
    assert "US-FED-2024" in body
    assert LOF.min_hours_between_doses.evidence[0] in body
    assert 'name="override_reason"' not in body
    assert WithdrawalDose.objects.count() == 1


def test_ada_overrides_a_dose_too_soon_with_a_reason(login, lofexidine, give, clock, personas):
    order = lofexidine()
    give(order)
    clock.move_to(local(TODAY, 11))
    client = login("ada")
    refused = _give(client, order)
    assert 'name="override_reason"' in refused.content.decode()
    reason = "Severe symptoms, COWS 18"
    assert _give(client, order, override_reason=reason).status_code == 302
    dose = WithdrawalDose.objects.latest("id")
    assert dose.override_reason == reason
    assert dose.override_rule_codes == ["lofexidine.too_soon"]
    assert reason in client.get(_page(order.patient)).content.decode()


def test_a_dose_past_the_single_limit_cannot_be_overridden(login, lofexidine):
    order = lofexidine()
    too_many = LOF.max_single_dose_mg.value + LOF.tablet_mg.value
    response = _give(login("ada"), order, dose_mg=str(too_many), override_reason="please")
    assert response.status_code == 422
    body = response.content.decode()
    assert "lofexidine.single_dose_over_limit" in body
    assert "cannot be overridden" in body
    assert not WithdrawalDose.objects.exists()


def test_incomplete_vitals_are_put_beside_the_form(login, lofexidine):
    order = lofexidine()
    response = _give(login("ben"), order, systolic_mmhg="120")
    assert response.status_code == 422
    assert not WithdrawalDose.objects.exists()


def test_clonidine_is_refused_until_the_clinic_turns_it_on(login, clonidine, ada):
    order = clonidine()
    client = login("ben")
    page = client.get(_page(order.patient)).content.decode()
    assert "Clonidine is not turned on at this clinic" in page
    vitals = {"pulse_bpm": "80", "systolic_mmhg": "120", "diastolic_mmhg": "75"}
    response = _give(client, order, **vitals)
    assert response.status_code == 422
    assert "clonidine.not_enabled" in response.content.decode()
    withdrawal_settings_set(actor=ada, clonidine_enabled=True, reason="Medical director")
    assert _give(client, order, **vitals).status_code == 302
    assert WithdrawalDose.objects.get().protocol_profile == "US-FED-2024@harbor"


def test_ada_records_impairment_and_the_limits_follow(login, lofexidine, personas):
    order = lofexidine()
    client = login("ada")
    response = client.post(
        reverse("web:impairment_record", args=[order.patient.uuid]),
        {"hepatic": "moderate", "renal": "none", "assessed_on": TODAY.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    row = ImpairmentAssessment.objects.get()
    assert row.recorded_by == personas["ada"]
    assert AuditEvent.objects.filter(object_type="impairment_assessment").count() == 1
    page = client.get(_page(order.patient))
    assert page.context["entries"][0].row.daily_max_mg == LOF.hepatic_moderate_daily_max_mg.value
    assert "Moderate (Child-Pugh 7-9)" in page.content.decode()


def test_a_future_assessment_date_is_refused_beside_the_field(login, lofexidine):
    order = lofexidine()
    response = login("ada").post(
        reverse("web:impairment_record", args=[order.patient.uuid]),
        {
            "hepatic": "none",
            "renal": "none",
            "assessed_on": (TODAY + timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "cannot be in the future" in response.content.decode()
    assert not ImpairmentAssessment.objects.exists()


def test_ben_cannot_record_impairment(login, lofexidine):
    order = lofexidine()
    response = login("ben").post(
        reverse("web:impairment_record", args=[order.patient.uuid]),
        {"hepatic": "none", "renal": "none", "assessed_on": TODAY.isoformat()},
    )
    assert response.status_code == 403
    assert not ImpairmentAssessment.objects.exists()


def test_front_desk_dan_cannot_read_or_give(login, lofexidine):
    order = lofexidine()
    client = login("dan")
    assert client.get(_page(order.patient)).status_code == 403
    assert _give(client, order).status_code == 403
    assert not WithdrawalDose.objects.exists()


def test_key_worker_kai_reads_but_cannot_give(login, lofexidine):
    order = lofexidine()
    client = login("kai")
    assert 'name="dose_mg"' not in client.get(_page(order.patient)).content.decode()
    assert _give(client, order).status_code == 403


def test_sam_at_ridge_gets_not_found(login, lofexidine):
    order = lofexidine()
    client = login("sam")
    assert client.get(_page(order.patient)).status_code == 404
    assert _give(client, order).status_code == 404


def test_a_patient_without_a_course_is_told_so(login, make_patient):
    body = login("ben").get(_page(make_patient())).content.decode()
    assert "No lofexidine or clonidine order is in force today." in body


def test_the_history_costs_the_same_queries_for_1_or_4_doses(
    login, lofexidine, give, clock, make_patient, django_assert_max_num_queries
):
    few_doses, many_doses = lofexidine(make_patient()), lofexidine(make_patient())
    gap = timedelta(hours=LOF.min_hours_between_doses.value)
    first = local(TODAY, 0, 30)
    clock.move_to(first + 3 * gap + timedelta(minutes=10))
    give(few_doses, given_at=first)
    for n in range(4):
        give(many_doses, given_at=first + n * gap)
    client = login("ben")
    with django_assert_max_num_queries(40) as few:
        client.get(_page(few_doses.patient))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_page(many_doses.patient))
    assert response.status_code == 200
    assert len(response.context["history"]) == 4

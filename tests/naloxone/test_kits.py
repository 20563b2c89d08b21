"""Naloxone kits and offers: who may hand them out, what is checked, and the chart's panel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.audit.models import AuditEvent
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.naloxone.models import PRODUCTS, NaloxoneKit
from mooring.naloxone.selectors import naloxone_status
from mooring.naloxone.services import naloxone_offer_record
from mooring.rules.naloxone import NALOXONE_PRODUCTS, Availability
from tests.naloxone.conftest import TODAY, local

pytestmark = pytest.mark.django_db


def test_every_rules_product_has_a_stable_key():
    assert len(PRODUCTS) == len(NALOXONE_PRODUCTS)
    assert PRODUCTS["narcan_nasal_spray"].availability is Availability.OVER_THE_COUNTER


def test_a_kit_for_the_patient_is_recorded_with_training_and_audited(
    make_patient, hand_out, personas
):
    patient = make_patient()
    kit = hand_out(
        patient,
        quantity=2,
        training_recorded=True,
        training_note="Showed the nasal spray; call 911 first",
    )
    assert (kit.recipient, kit.quantity, kit.given_by) == ("patient", 2, personas["ben"])
    assert kit.training_recorded
    event = AuditEvent.objects.get(object_type="naloxone_kit")
    assert event.patient == patient
    assert event.data_category == "sud_treatment"
    assert event.detail["training_recorded"] is True


def test_a_household_member_is_named(make_patient, hand_out):
    patient = make_patient()
    with pytest.raises(ValidationFailed) as caught:
        hand_out(patient, recipient="household", recipient_name="Jo")
    assert caught.value.code == "recipient_required"
    kit = hand_out(
        patient, recipient="household", recipient_name="Jo Rivera", recipient_relationship="sister"
    )
    assert (kit.recipient_name, kit.recipient_relationship) == ("Jo Rivera", "sister")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"product": "opvee"}, "invalid_choice"),
        ({"product": "evzio_auto_injector"}, "product_discontinued"),
        ({"quantity": 0}, "invalid_quantity"),
        ({"lot": ""}, "required"),
        ({"expiry": TODAY - timedelta(days=1)}, "kit_expired"),
        ({"given_at": local(TODAY, 12)}, "given_in_future"),
    ],
)
def test_bad_kits_are_refused_naming_the_field(make_patient, hand_out, kwargs, code):
    with pytest.raises(ValidationFailed) as caught:
        hand_out(make_patient(), **kwargs)
    assert code in {p.code for p in caught.value.problems}
    assert not NaloxoneKit.objects.exists()


def test_a_prescription_product_needs_a_signed_naloxone_order(make_patient, hand_out, signed):
    patient = make_patient()
    with pytest.raises(ValidationFailed) as caught:
        hand_out(patient, product="kloxxado")
    assert caught.value.code == "prescription_required"
    order = signed(
        patient, medication="naloxone_kit", form="nasal_spray", phase="maintenance", mg=Decimal("8")
    )
    kit = hand_out(patient, product="kloxxado")
    assert kit.order == order


@pytest.mark.parametrize("username", ["dan", "chloe"])
def test_front_desk_and_counsellors_cannot_hand_out_kits(
    make_patient, hand_out, personas, actor_for, username
):
    with pytest.raises(CapabilityDenied):
        hand_out(make_patient(), actor=actor_for(personas[username]))


def test_a_ridge_nurse_cannot_act_on_a_harbor_patient(
    make_patient, hand_out, personas, actor_for, ridge
):
    with pytest.raises(NotFoundOrForbidden):
        hand_out(make_patient(), actor=actor_for(personas["sam"], ridge))


def test_a_new_patient_has_no_kit_and_an_offer_is_due_at_intake(make_patient, clock):
    patient = make_patient(admitted_on=TODAY)
    status = naloxone_status(patient)
    assert status.no_kit_on_record
    assert status.offer_due
    assert status.event == "intake"
    assert status.offer.offer_to_household
    assert status.offer.findings[0].code == "naloxone.offer"


def test_a_kit_satisfies_the_offer_until_the_next_start(make_patient, hand_out, signed, clock):
    patient = make_patient(admitted_on=TODAY)
    hand_out(patient)
    status = naloxone_status(patient)
    assert not status.no_kit_on_record
    assert not status.offer_due
    assert status.last_kit.lot == "NC-1"
    clock.move_to(local(TODAY + timedelta(days=1), 9))
    signed(patient, start=TODAY + timedelta(days=1))  # a methadone start
    status = naloxone_status(patient)
    assert status.offer_due
    assert status.event == "medication_start"


def test_a_declined_offer_is_recorded_and_stops_the_reminder(make_patient, ben, clock):
    patient = make_patient(admitted_on=TODAY)
    naloxone_offer_record(actor=ben, patient=patient, event="intake", outcome="declined")
    status = naloxone_status(patient)
    assert not status.offer_due
    assert status.no_kit_on_record  # the chart still warns: no kit on record
    assert AuditEvent.objects.filter(object_type="naloxone_offer").count() == 1


def test_an_injection_makes_a_new_offer_due(make_patient, hand_out, signed, clock, ben):
    from mooring.injections.services import injection_give

    patient = make_patient(admitted_on=TODAY)
    order = signed(
        patient,
        medication="naltrexone_xr",
        form="injection",
        phase="maintenance",
        mg=Decimal("380"),
        last_opioid="short_acting",
        last_opioid_use_at=local(TODAY - timedelta(days=14), 9),
    )
    hand_out(patient)
    clock.move_to(local(TODAY + timedelta(days=1), 9))
    injection_give(
        actor=ben,
        order=order,
        site="gluteal_left",
        lot="NX",
        expiry=TODAY + timedelta(days=300),
        dose_mg=Decimal("380"),
    )
    status = naloxone_status(patient)
    assert status.offer_due
    assert status.event == "injection"


def test_the_panel_takes_a_fixed_number_of_queries(make_patient, hand_out, clock):
    patient = make_patient(admitted_on=TODAY)
    hand_out(patient)
    with CaptureQueriesContext(connection) as one:
        naloxone_status(patient)
    for _ in range(5):
        hand_out(patient)
    with CaptureQueriesContext(connection) as six:
        naloxone_status(patient)
    assert len(one) == len(six)


def test_a_kit_row_is_never_changed(make_patient, hand_out):
    kit = hand_out(make_patient())
    with pytest.raises(RuntimeError):
        kit.save()

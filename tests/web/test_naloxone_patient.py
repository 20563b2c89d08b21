"""The naloxone page and the chart's naloxone warnings: kits, offers, and who may record them."""
# ruff: noqa: F811  (the fixtures imported from tests.naloxone.conftest are reused by name)

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mooring.audit.models import AuditEvent
from mooring.naloxone.models import NaloxoneKit, NaloxoneOfferRecord
from tests.naloxone.conftest import (  # noqa: F401 (fixtures)
    EXPIRY,
    TODAY,
    ada,
    ben,
    clock,
    draft,
    hand_out,
    local,
    signed,
)

pytestmark = pytest.mark.django_db
NO_KIT = "No naloxone kit on record"
OFFER_DUE = "Naloxone offer due"


@pytest.fixture
def newcomer(make_patient, clock):
    """Admitted today: no kit yet, and the intake offer is due."""
    return make_patient("Noor", "Haddad", admitted_on=TODAY)


def _page(patient):
    return reverse("web:patient_naloxone", args=[patient.uuid])


def _chart(client, patient):
    return client.get(reverse("web:patient_chart", args=[patient.uuid]))


def _kit(client, patient, **overrides):
    data = {
        "recipient": "patient",
        "recipient_name": "",
        "recipient_relationship": "",
        "product": "narcan_nasal_spray",
        "quantity": "2",
        "lot": "NC-77",
        "expiry": EXPIRY.isoformat(),
        "training_note": "",
        "note": "",
        **overrides,
    }
    return client.post(reverse("web:naloxone_kit_give", args=[patient.uuid]), data)


def _offer(client, patient, **overrides):
    data = {"event": "intake", "outcome": "declined", "note": "", **overrides}
    return client.post(reverse("web:naloxone_offer_record", args=[patient.uuid]), data)


def test_a_newcomer_shows_both_warnings_on_the_page_and_the_chart(login, newcomer):
    client = login("ben")
    body = client.get(_page(newcomer)).content.decode()
    assert NO_KIT in body
    assert OFFER_DUE in body
    assert "No kits given yet." in body
    assert "No declined offers recorded." in body
    assert 'for="kit_lot"' in body  # labelled, and distinct from the offer form's fields
    assert 'for="offer_note"' in body
    chart = _chart(client, newcomer).content.decode()
    assert NO_KIT in chart
    assert OFFER_DUE in chart
    assert _page(newcomer) in chart  # the chart links to the naloxone page


def test_ben_gives_a_kit_to_the_patient_with_training_and_the_warnings_clear(
    login, newcomer, personas
):
    client = login("ben")
    response = _kit(client, newcomer, training_recorded="on", training_note="Showed the spray")
    assert response.status_code == 302
    kit = NaloxoneKit.objects.get()
    assert (kit.recipient, kit.quantity, kit.training_recorded) == ("patient", 2, True)
    event = AuditEvent.objects.get(object_type="naloxone_kit")
    assert event.actor == personas["ben"]
    assert event.patient == newcomer
    body = client.get(_page(newcomer)).content.decode()
    assert "Narcan" in body
    assert "NC-77" in body
    assert "Shown how to use it: Showed the spray" in body
    assert "Ben Cruz" in body
    chart = _chart(client, newcomer).content.decode()
    assert NO_KIT not in chart
    assert OFFER_DUE not in chart


def test_a_kit_for_a_household_member_names_them(login, newcomer):
    client = login("ben")
    response = _kit(
        client,
        newcomer,
        recipient="household",
        recipient_name="Sami Haddad",
        recipient_relationship="Brother",
    )
    assert response.status_code == 302
    body = client.get(_page(newcomer)).content.decode()
    assert "Sami Haddad (Brother)" in body


def test_a_household_kit_without_a_name_is_refused_beside_the_field(login, newcomer):
    response = _kit(login("ben"), newcomer, recipient="household")
    assert response.status_code == 422
    assert "household member&#x27;s name and relationship" in response.content.decode()
    assert not NaloxoneKit.objects.exists()


def test_a_prescription_product_without_an_order_shows_the_refusal(login, newcomer):
    response = _kit(login("ben"), newcomer, product="kloxxado")
    assert response.status_code == 422
    assert "needs a prescription" in response.content.decode()
    assert not NaloxoneKit.objects.exists()


def test_an_expired_kit_is_refused(login, newcomer):
    response = _kit(login("ben"), newcomer, expiry=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "expired" in response.content.decode()
    assert not NaloxoneKit.objects.exists()


def test_a_declined_offer_stops_the_reminder_but_not_the_no_kit_warning(login, newcomer, personas):
    client = login("ben")
    assert _offer(client, newcomer).status_code == 302
    row = NaloxoneOfferRecord.objects.get()
    assert (row.event, row.outcome, row.offered_by) == ("intake", "declined", personas["ben"])
    assert AuditEvent.objects.filter(object_type="naloxone_offer").count() == 1
    chart = _chart(client, newcomer).content.decode()
    assert NO_KIT in chart
    assert OFFER_DUE not in chart
    assert "Declined" in client.get(_page(newcomer)).content.decode()


def test_an_offer_needs_an_answer(login, newcomer):
    response = _offer(login("ben"), newcomer, outcome="")
    assert response.status_code == 422
    assert not NaloxoneOfferRecord.objects.exists()


def test_ada_may_give_a_kit_too(login, newcomer):
    assert _kit(login("ada"), newcomer).status_code == 302


def test_front_desk_dan_cannot_read_or_record(login, newcomer):
    client = login("dan")
    assert client.get(_page(newcomer)).status_code == 403
    assert _kit(client, newcomer).status_code == 403
    assert _offer(client, newcomer).status_code == 403
    assert not NaloxoneKit.objects.exists()
    chart = _chart(client, newcomer).content.decode()  # demographics only: no clinical flags
    assert NO_KIT not in chart


def test_counsellor_chloe_reads_and_sees_the_warning_but_cannot_record(login, newcomer):
    client = login("chloe")
    body = client.get(_page(newcomer)).content.decode()
    assert NO_KIT in body
    assert 'name="lot"' not in body
    assert _kit(client, newcomer).status_code == 403
    assert _offer(client, newcomer).status_code == 403


def test_sam_at_ridge_gets_not_found(login, newcomer):
    client = login("sam")
    assert client.get(_page(newcomer)).status_code == 404
    assert _kit(client, newcomer).status_code == 404
    assert _offer(client, newcomer).status_code == 404
    assert not NaloxoneKit.objects.exists()


def test_the_page_costs_the_same_queries_for_1_or_6_kits(
    login, make_patient, hand_out, django_assert_max_num_queries
):
    few, many = make_patient(admitted_on=TODAY), make_patient(admitted_on=TODAY)
    hand_out(few)
    for n in range(6):
        hand_out(many, lot=f"NC-{n}", expiry=date(2027, 1, 1))
    client = login("ben")
    with django_assert_max_num_queries(40) as baseline:
        client.get(_page(few))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(_page(many))
    assert len(response.context["kits"]) == 6

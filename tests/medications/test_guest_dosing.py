"""Guest dosing: Harbor's patient dosed at Ridge for a set period, and never twice a day."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from mooring.accounts.models import Clinic, Program
from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import (
    CapabilityDenied,
    Conflict,
    NotFoundOrForbidden,
    ValidationFailed,
)
from mooring.inventory.models import InventoryLedgerEntry, StockBottle
from mooring.medications import policy
from mooring.medications.models import DoseAdministration, GuestDosingArrangement
from mooring.medications.selectors import (
    active_guest_arrangement,
    dosing_queue,
    guest_arrangements_for,
    guests_at,
)
from mooring.medications.services import (
    dose_dispense,
    guest_dosing_arrange,
    guest_dosing_cancel,
    hold_place,
)
from mooring.patients.selectors import patient_for
from tests.inventory.conftest import ONE_LITRE_MG
from tests.medications.conftest import TODAY, local

pytestmark = pytest.mark.django_db

FIRST = TODAY + timedelta(days=1)  # the first day at Ridge
BACK = TODAY + timedelta(days=4)  # the first day back at Harbor


@pytest.fixture
def sam(personas, actor_for, ridge):
    return actor_for(personas["sam"], ridge)


@pytest.fixture
def ridge_bottle(sam, ridge, methadone_product, clock):
    from mooring.inventory.services import stock_receive

    return stock_receive(
        actor=sam,
        clinic=ridge,
        product=methadone_product,
        supplier="Mallinckrodt",
        lot="R2026-01",
        expires_on=TODAY + timedelta(days=700),
        bottle_count=1,
        quantity_mg_per_bottle=ONE_LITRE_MG,
    ).bottles[0]


@pytest.fixture
def arrange(ben, ridge):
    def do(order, *, start=FIRST, end=BACK, actor=None, host=None, reason="Family visit"):
        return guest_dosing_arrange(
            actor=actor or ben,
            patient=order.patient,
            host_clinic=host or ridge,
            start_date=start,
            end_date=end,
            reason=reason,
        )

    return do


@pytest.fixture
def give_at_ridge(sam, ridge_bottle):
    counter = {"n": 0}

    def do(order, *, at=None, index=1, back_entered=False):
        counter["n"] += 1
        return dose_dispense(
            actor=sam,
            order=order,
            amount_mg=order.per_administration_mg,
            stock_bottle=ridge_bottle,
            administered_at=at,
            administration_index=index,
            back_entered=back_entered,
            idempotency_key=f"ridge-{counter['n']}-{order.uuid}",
        )

    return do


def test_ridge_sees_and_doses_the_harbor_patient_only_during_the_period(
    signed, give, arrange, give_at_ridge, sam, ridge, ridge_bottle, clock
):
    order = signed()
    give(order)  # dosed at home today
    arrangement = arrange(order)
    assert arrangement.home_clinic.code == "harbor"
    assert arrangement.order == order
    # Arranged, but the period has not begun: Ridge still gets the same 404 as ever.
    with pytest.raises(NotFoundOrForbidden):
        patient_for(sam, order.patient.uuid)
    with pytest.raises(NotFoundOrForbidden):
        give_at_ridge(order, at=local(TODAY, 9))
    for offset in range(3):
        day = FIRST + timedelta(days=offset)
        clock.move_to(local(day, 9))
        assert patient_for(sam, order.patient.uuid) == order.patient
        dose = give_at_ridge(order)
        assert (dose.clinic, dose.service_date, dose.order) == (ridge, day, order)
    assert StockBottle.objects.get(pk=ridge_bottle.pk).balance_mg == ONE_LITRE_MG - 3 * 30
    assert InventoryLedgerEntry.objects.filter(bottle=ridge_bottle).count() == 4  # + receipt
    clock.move_to(local(BACK, 9))
    with pytest.raises(NotFoundOrForbidden):
        patient_for(sam, order.patient.uuid)
    with pytest.raises(NotFoundOrForbidden):
        give_at_ridge(order)
    assert give(order).clinic.code == "harbor"


def test_home_refuses_a_dose_while_the_person_is_a_guest_elsewhere(
    signed, give, arrange, clock, ridge
):
    order = signed()
    arrange(order)
    clock.move_to(local(FIRST, 9))
    with pytest.raises(ValidationFailed) as caught:
        give(order)
    assert caught.value.code == "guest_dosing_elsewhere"
    assert "Ridge Clinic" in caught.value.message
    assert not DoseAdministration.objects.exists()


def test_the_host_doses_from_the_home_order_and_audits_where(
    signed, arrange, give_at_ridge, clock, ridge
):
    order = signed()
    arrangement = arrange(order)
    clock.move_to(local(FIRST, 9))
    dose = give_at_ridge(order)
    event = AuditEvent.objects.get(object_type="dose_administration")
    assert event.clinic == ridge
    assert event.patient == order.patient
    assert event.detail["guest_arrangement"] == str(arrangement.uuid)
    assert event.detail["order"] == str(order.uuid)
    assert dose.order.clinic.code == "harbor"


def test_a_host_dose_is_refused_when_home_already_dosed_that_day(
    signed, give, arrange, give_at_ridge
):
    order = signed()
    give(order)
    arrange(order, start=TODAY)  # arranged after this morning's dose at Harbor
    with pytest.raises(Conflict) as caught:
        give_at_ridge(order)
    assert caught.value.code == "dosed_elsewhere_today"
    assert "Harbor Clinic" in caught.value.message
    assert DoseAdministration.objects.count() == 1


def test_a_split_dose_is_not_finished_at_the_other_clinic(signed, give, arrange, give_at_ridge):
    order = signed(split=2)
    give(order, index=1)
    arrange(order, start=TODAY)
    with pytest.raises(Conflict) as caught:
        give_at_ridge(order, index=2)
    assert caught.value.code == "dosed_elsewhere_today"


def test_home_is_refused_after_a_cancelled_period_when_the_host_dosed_that_day(
    signed, give, arrange, give_at_ridge, ben
):
    order = signed()
    arrangement = arrange(order, start=TODAY)
    give_at_ridge(order)
    guest_dosing_cancel(actor=ben, arrangement=arrangement, reason="Came home early")
    assert active_guest_arrangement(order.patient, TODAY) is None
    with pytest.raises(Conflict) as caught:
        give(order)
    assert caught.value.code == "dosed_elsewhere_today"


def test_the_database_keeps_one_dose_per_order_and_day_across_clinics(
    signed, arrange, give_at_ridge, harbor
):
    order = signed()
    arrange(order, start=TODAY)
    dose = give_at_ridge(order)
    with pytest.raises(IntegrityError), transaction.atomic():
        DoseAdministration.objects.create(
            order=order,
            patient=order.patient,
            clinic=harbor,
            service_date=dose.service_date,
            administered_at=dose.administered_at,
            amount_mg=dose.amount_mg,
            nurse=dose.nurse,
            entered_at=dose.entered_at,
            idempotency_key="behind-the-service",
        )


def test_a_home_hold_applies_at_the_host(signed, arrange, give_at_ridge, ada, clock):
    order = signed()
    arrange(order)
    hold_place(actor=ada, patient=order.patient, reason="Awaiting ECG", starts_on=FIRST)
    clock.move_to(local(FIRST, 9))
    with pytest.raises(ValidationFailed) as caught:
        give_at_ridge(order)
    assert caught.value.code == "on_hold"


def test_a_downtime_dose_at_the_host_is_entered_the_morning_after_the_period(
    signed, arrange, give_at_ridge, clock, sam
):
    order = signed()
    arrange(order, start=TODAY, end=FIRST)
    clock.move_to(local(FIRST, 8))
    with pytest.raises(NotFoundOrForbidden):
        patient_for(sam, order.patient.uuid)  # the period is over for reading the record
    dose = give_at_ridge(order, at=local(TODAY, 10), back_entered=True)
    assert dose.service_date == TODAY
    assert dose.back_entered


def test_the_host_cannot_back_enter_a_day_before_the_period(
    signed, give, arrange, give_at_ridge, clock
):
    order = signed()
    arrange(order)
    clock.move_to(local(FIRST, 9))
    with pytest.raises(ValidationFailed) as caught:
        give_at_ridge(order, at=local(TODAY, 10), back_entered=True)
    assert caught.value.code == "not_guest_that_day"


# The queue ------------------------------------------------------------------------------


def test_the_queues_mark_the_guest_at_the_host_and_dosing_elsewhere_at_home(
    signed, make_patient, arrange, harbor, ridge, clock
):
    stays = signed(make_patient("Dee"))
    visits = signed(make_patient("Eli"))
    arrange(visits)
    clock.move_to(local(FIRST, 9))
    home = {entry.patient: entry for entry in dosing_queue(harbor, FIRST)}
    assert home[stays.patient].status == "due"
    assert home[stays.patient].guest is None
    away = home[visits.patient]
    assert away.status == "guest_dosing_elsewhere"
    assert away.guest.role == "away"
    assert not away.is_guest
    assert "guest at Ridge Clinic until 2026-03-06" in away.blocker.message
    (guest,) = dosing_queue(ridge, FIRST)
    assert guest.patient == visits.patient
    assert guest.order == visits
    assert guest.is_guest
    assert guest.status == "due"
    assert guest.guest.home_clinic_name == "Harbor Clinic"
    assert [a.patient for a in guests_at(ridge, FIRST)] == [visits.patient]
    assert dosing_queue(ridge, BACK) == []


def test_the_host_queue_shows_the_guest_dosed(signed, arrange, give_at_ridge, ridge, harbor):
    order = signed()
    arrange(order, start=TODAY)
    give_at_ridge(order)
    (entry,) = dosing_queue(ridge, TODAY)
    assert entry.status == "dosed"
    (home,) = dosing_queue(harbor, TODAY)
    assert home.blocker.code == "guest_dosing_elsewhere"


@pytest.mark.parametrize("people", [5, 40])
def test_the_queues_cost_the_same_queries_with_guests(
    people,
    signed,
    give,
    make_patient,
    arrange,
    give_at_ridge,
    harbor,
    ridge,
    django_assert_max_num_queries,
):
    orders = [signed(make_patient(f"P{n}")) for n in range(people)]
    guests = orders[::2]
    for order in guests:
        arrange(order, start=TODAY)
        give_at_ridge(order)
    for order in orders[1::2][::2]:
        give(order)
    for clinic, expected in ((harbor, people), (ridge, len(guests))):
        with django_assert_max_num_queries(6):
            queue = dosing_queue(clinic, TODAY)
            shown = [(e.patient.display_name, e.status, e.is_guest) for e in queue]
        assert len(shown) == expected
    home = dosing_queue(harbor, TODAY)
    assert sum(e.status == "dosed" for e in home) == len(guests) + len(orders[1::2][::2])
    assert sum(e.guest is not None for e in home) == len(guests)
    assert all(e.is_guest and e.status == "dosed" for e in dosing_queue(ridge, TODAY))


# Arranging and cancelling -----------------------------------------------------------------


def test_arranging_is_audited_and_listed(signed, arrange, ben):
    order = signed()
    arrangement = arrange(order)
    event = AuditEvent.objects.get(object_type="guest_dosing_arrangement")
    assert event.action == Action.CREATE
    assert event.actor == ben.user
    assert event.clinic.code == "harbor"
    assert event.patient == order.patient
    assert event.detail["host_clinic"] == "ridge"
    assert event.detail["reason"] == "Family visit"
    assert list(guest_arrangements_for(order.patient)) == [arrangement]


@pytest.mark.parametrize(
    ("start", "end", "field", "code"),
    [
        (FIRST, FIRST, "end_date", "end_before_start"),
        (FIRST, TODAY, "end_date", "end_before_start"),
        (FIRST, FIRST + timedelta(days=15), "end_date", "guest_period_too_long"),
        (TODAY - timedelta(days=1), FIRST, "start_date", "start_in_past"),
    ],
)
def test_the_period_is_checked(signed, arrange, start, end, field, code):
    order = signed()
    with pytest.raises(ValidationFailed) as caught:
        arrange(order, start=start, end=end)
    assert (field, code) in {(p.field, p.code) for p in caught.value.problems}
    assert not GuestDosingArrangement.objects.exists()


def test_fourteen_days_is_allowed_and_the_limit_is_the_site_policy(signed, arrange, monkeypatch):
    order = signed()
    arrange(order, start=FIRST, end=FIRST + timedelta(days=14))
    other = signed()
    monkeypatch.setattr(
        policy,
        "DOSING_POLICY",
        dataclasses.replace(policy.DOSING_POLICY, max_guest_period_days=3),
    )
    with pytest.raises(ValidationFailed) as caught:
        arrange(other, start=FIRST, end=FIRST + timedelta(days=4))
    assert caught.value.code == "guest_period_too_long"
    assert "3 days" in caught.value.message


def test_the_host_is_another_clinic_of_the_same_program(signed, arrange, harbor):
    order = signed()
    with pytest.raises(ValidationFailed) as caught:
        arrange(order, host=harbor)
    assert caught.value.code == "host_is_home"
    elsewhere = Clinic.objects.create(
        program=Program.objects.create(name="Another program"), name="Far", code="far"
    )
    with pytest.raises(ValidationFailed) as caught:
        arrange(order, host=elsewhere)
    assert caught.value.code == "other_program"


def test_a_reason_is_required(signed, arrange):
    with pytest.raises(ValidationFailed) as caught:
        arrange(signed(), reason="  ")
    assert (caught.value.field, caught.value.code) == ("reason", "required")


def test_overlapping_periods_are_refused_but_a_cancelled_one_frees_the_days(signed, arrange, ben):
    order = signed()
    first = arrange(order)
    with pytest.raises(Conflict) as caught:
        arrange(order, start=FIRST + timedelta(days=2), end=FIRST + timedelta(days=6))
    assert caught.value.code == "overlapping_guest_period"
    arrange(order, start=BACK, end=BACK + timedelta(days=2))  # adjacent: [start, end)
    guest_dosing_cancel(actor=ben, arrangement=first, reason="Trip called off")
    arrange(order, start=FIRST, end=BACK)


def test_an_order_is_needed_and_chosen_when_there_are_two(
    signed, make_patient, arrange, draft, ben, ridge
):
    patient = make_patient()
    with pytest.raises(ValidationFailed) as caught:
        arrange(draft(patient))  # a draft is not a signed order
    assert caught.value.code == "no_active_order"
    methadone = signed(patient)
    signed(patient, medication="lofexidine", form="tablet", mg=Decimal("0.54"), split=3)
    with pytest.raises(ValidationFailed) as caught:
        arrange(methadone)
    assert caught.value.code == "order_required"
    chosen = guest_dosing_arrange(
        actor=ben,
        patient=patient,
        host_clinic=ridge,
        start_date=FIRST,
        end_date=BACK,
        reason="Family visit",
        order=methadone,
    )
    assert chosen.order == methadone


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("sam", NotFoundOrForbidden),
        ("chloe", CapabilityDenied),
        ("dan", CapabilityDenied),
        ("eve", CapabilityDenied),
    ],
)
def test_only_home_nurses_and_prescribers_arrange(
    signed, arrange, personas, actor_for, ridge, harbor, username, error
):
    clinic = ridge if username == "sam" else harbor
    with pytest.raises(error):
        arrange(signed(), actor=actor_for(personas[username], clinic))
    assert not GuestDosingArrangement.objects.exists()


def test_a_prescriber_arranges_too(signed, arrange, ada):
    assert arrange(signed(), actor=ada).arranged_by == ada.user


def test_the_host_cannot_arrange_even_during_a_period(signed, arrange, sam, clock):
    order = signed()
    arrange(order)
    clock.move_to(local(FIRST, 9))
    with pytest.raises(CapabilityDenied) as caught:
        arrange(order, actor=sam, start=BACK, end=BACK + timedelta(days=2))
    assert caught.value.code == "home_clinic_only"


def test_cancelling_is_recorded_once_with_who_and_why(signed, arrange, ben, clock, sam):
    order = signed()
    arrangement = arrange(order)
    clock.move_to(local(FIRST, 9))
    with pytest.raises(ValidationFailed):
        guest_dosing_cancel(actor=ben, arrangement=arrangement, reason="")
    cancelled = guest_dosing_cancel(actor=ben, arrangement=arrangement, reason="Came home")
    assert cancelled.cancelled_from == FIRST
    assert cancelled.cancelled_by == ben.user
    assert GuestDosingArrangement.objects.filter(pk=arrangement.pk).exists()
    event = AuditEvent.objects.get(object_type="guest_dosing_arrangement", action=Action.UPDATE)
    assert event.detail["reason"] == "Came home"
    with pytest.raises(Conflict) as caught:
        guest_dosing_cancel(actor=ben, arrangement=arrangement, reason="Again")
    assert caught.value.code == "already_cancelled"
    with pytest.raises(NotFoundOrForbidden):
        patient_for(sam, order.patient.uuid)  # cancelled today: Ridge no longer sees them


def test_the_host_may_cancel_during_the_period_but_a_stranger_may_not(
    signed, arrange, sam, clock, personas, actor_for, ridge
):
    order = signed()
    arrangement = arrange(order)
    with pytest.raises(NotFoundOrForbidden):
        guest_dosing_cancel(actor=sam, arrangement=arrangement, reason="Not yet")
    clock.move_to(local(FIRST, 9))
    assert guest_dosing_cancel(actor=sam, arrangement=arrangement, reason="Went home").cancelled_at


def test_an_ended_period_cannot_be_cancelled(signed, arrange, ben, clock):
    arrangement = arrange(signed())
    clock.move_to(local(BACK, 9))
    with pytest.raises(Conflict) as caught:
        guest_dosing_cancel(actor=ben, arrangement=arrangement, reason="Late")
    assert caught.value.code == "already_ended"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgres_refuses_to_delete_an_arrangement(signed, arrange):
    from django.db import DatabaseError

    arrangement = arrange(signed())
    with pytest.raises(DatabaseError), transaction.atomic():
        GuestDosingArrangement.objects.filter(pk=arrangement.pk).delete()


def test_the_host_may_not_write_the_guest_s_orders(
    signed, arrange, make_patient, actor_for, ridge, clock
):
    from mooring.accounts.models import User
    from mooring.medications.services import OrderDraft, order_draft, order_end

    order = signed()
    make_patient(clinic="ridge")  # creates Ridge's prescriber, Rita Shah
    arrange(order)
    clock.move_to(local(FIRST, 9))
    rita = actor_for(User.objects.get(username="rita"), ridge)
    assert patient_for(rita, order.patient.uuid) == order.patient
    with pytest.raises(CapabilityDenied) as caught:
        order_draft(
            actor=rita,
            patient=order.patient,
            data=OrderDraft(
                medication="methadone",
                form="oral_liquid",
                phase="maintenance",
                daily_dose_mg=Decimal("40"),
                split=1,
                start_date=FIRST,
                end_date=None,
            ),
        )
    assert caught.value.code == "home_clinic_only"
    with pytest.raises(CapabilityDenied):
        order_end(actor=rita, order=order, end_date=BACK, reason="Not ours to end")

"""Observed dosing: the checks, the stock drawn with the dose, idempotency, time, failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mooring.audit.models import AuditEvent
from mooring.core.errors import Conflict, NotFoundOrForbidden, ValidationFailed
from mooring.inventory.models import EntryKind, InventoryLedgerEntry, StockBottle
from mooring.medications.models import DoseAdministration, FlagKind, PrescriberFlag
from mooring.medications.services import (
    dose_dispense,
    hold_place,
    hold_release,
    missed_dose_review,
    order_end,
    sedation_record,
)
from mooring.rules.profiles import get_profile
from tests.inventory.conftest import ONE_LITRE_MG
from tests.medications.conftest import START_MG, TODAY, local

pytestmark = pytest.mark.django_db
MISSED = get_profile("US-FED-2024").missed_dose


def _balance(bottle):
    return StockBottle.objects.get(pk=bottle.pk).balance_mg


def test_a_dose_draws_its_stock_and_is_audited_together(signed, give, bottle):
    order = signed()
    dose = give(order)
    assert dose.service_date == TODAY
    assert dose.amount_mg == START_MG
    entry = InventoryLedgerEntry.objects.get(reference=dose.uuid)
    assert entry.kind == EntryKind.DISPENSE
    assert entry.delta_mg == -START_MG
    assert entry.delta_ml == Decimal("-3.000")
    assert _balance(bottle) == ONE_LITRE_MG - START_MG
    assert StockBottle.objects.get(pk=bottle.pk).status == "open"
    event = AuditEvent.objects.get(object_type="dose_administration")
    assert event.detail["ledger_entry"] == str(entry.uuid)
    assert event.patient == order.patient


def test_a_second_dose_the_same_day_is_refused(signed, give, bottle):
    order = signed()
    give(order)
    with pytest.raises(Conflict) as caught:
        give(order)
    assert caught.value.code == "already_dosed_today"
    assert DoseAdministration.objects.count() == 1
    assert _balance(bottle) == ONE_LITRE_MG - START_MG


def test_the_database_itself_refuses_a_second_observed_dose(signed, give):
    dose = give(signed())
    with pytest.raises(IntegrityError), transaction.atomic():
        DoseAdministration.objects.create(
            order=dose.order,
            patient=dose.patient,
            clinic=dose.clinic,
            service_date=dose.service_date,
            administered_at=dose.administered_at,
            amount_mg=dose.amount_mg,
            nurse=dose.nurse,
            entered_at=dose.entered_at,
            idempotency_key="sneaky",
        )


def test_the_database_refuses_a_zero_dose(signed, give):
    dose = give(signed())
    with pytest.raises(IntegrityError), transaction.atomic():
        DoseAdministration.objects.create(
            order=dose.order,
            patient=dose.patient,
            clinic=dose.clinic,
            service_date=dose.service_date + timedelta(days=1),
            administered_at=dose.administered_at,
            amount_mg=Decimal(0),
            nurse=dose.nurse,
            entered_at=dose.entered_at,
            idempotency_key="zero",
        )


def test_a_split_dose_is_given_in_its_parts(signed, give, clock):
    order = signed(mg=Decimal("40"), split=2)
    give(order, index=1)
    clock.move_to(local(TODAY, 15))
    give(order, index=2)
    with pytest.raises(ValidationFailed) as caught:
        give(order, index=3)
    assert caught.value.code == "invalid_administration_index"
    assert sum(d.amount_mg for d in DoseAdministration.objects.all()) == Decimal("40")


def test_a_retry_with_the_same_key_does_not_dose_twice(signed, give, bottle):
    order = signed()
    first = give(order, key="tablet-7:42")
    again = give(order, key="tablet-7:42")
    assert again.pk == first.pk
    assert DoseAdministration.objects.count() == 1
    assert InventoryLedgerEntry.objects.filter(kind=EntryKind.DISPENSE).count() == 1
    assert _balance(bottle) == ONE_LITRE_MG - START_MG


def test_a_key_reused_for_another_order_is_a_conflict(signed, give):
    give(signed(), key="tablet-7:42")
    with pytest.raises(Conflict) as caught:
        give(signed(), key="tablet-7:42")
    assert caught.value.code == "idempotency_key_reused"


@pytest.mark.parametrize("amount", [Decimal("25"), Decimal("35")])
def test_the_amount_must_be_the_ordered_one(signed, give, amount):
    with pytest.raises(ValidationFailed) as caught:
        give(signed(), amount=amount)
    assert caught.value.code == "wrong_amount"
    assert not DoseAdministration.objects.exists()


def test_an_unsigned_order_is_never_dispensable(draft, give):
    with pytest.raises(ValidationFailed) as caught:
        give(draft())
    assert caught.value.code == "order_not_signed"


def test_an_ended_order_is_not_dispensable(signed, give, ada, clock):
    order = signed()
    order_end(actor=ada, order=order, end_date=TODAY + timedelta(days=1), reason="Transfer")
    clock.move_to(local(TODAY + timedelta(days=1), 9))
    order.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        give(order)
    assert caught.value.code == "order_ended"


def test_a_hold_refuses_until_released(signed, give, ada):
    order = signed()
    hold = hold_place(
        actor=ada, patient=order.patient, reason="Review liver tests", starts_on=TODAY
    )
    with pytest.raises(ValidationFailed) as caught:
        give(order)
    assert caught.value.code == "on_hold"
    assert "Review liver tests" in caught.value.message
    hold_release(actor=ada, hold=hold, reason="Results normal")
    assert give(order).service_date == TODAY


def test_appearing_sedated_refuses_today_and_flags_the_prescriber(signed, give, ben, clock):
    order = signed()
    sedation_record(actor=ben, order=order, observations="Slurred speech, pinpoint pupils")
    with pytest.raises(ValidationFailed) as caught:
        give(order)
    assert caught.value.code == "appears_sedated"
    flag = PrescriberFlag.objects.get()
    assert flag.kind == FlagKind.APPEARS_SEDATED
    assert flag.clinic == order.clinic
    clock.move_to(local(TODAY + timedelta(days=1), 9))
    assert give(order).service_date == TODAY + timedelta(days=1)


def test_missed_days_hold_the_dose_until_a_prescriber_reviews(signed, give, ada, clock):
    order = signed()
    give(order)
    gap = MISSED.hold_after_missed_days.value
    day = TODAY + timedelta(days=gap + 1)
    clock.move_to(local(day, 9))
    with pytest.raises(ValidationFailed) as caught:
        give(order)
    assert caught.value.code == "missed_doses_hold_for_review"
    assert "US-FED-2024" in caught.value.message
    missed_dose_review(actor=ada, order=order, note="Was in hospital; confirmed no doses held.")
    assert give(order).service_date == day


def test_a_long_gap_asks_for_reinduction(signed, give, clock):
    order = signed()
    give(order)
    clock.move_to(local(TODAY + timedelta(days=MISSED.reinduce_after_missed_days.value + 1), 9))
    with pytest.raises(ValidationFailed) as caught:
        give(order)
    assert caught.value.code == "missed_doses_reinduce"


def test_fewer_missed_days_than_the_profile_allows_are_fine(signed, give, clock):
    order = signed()
    give(order)
    clock.move_to(local(TODAY + timedelta(days=MISSED.hold_after_missed_days.value), 9))
    assert give(order)


def test_not_enough_stock_writes_nothing(signed, give, receive, methadone_product):
    small = receive(mg=Decimal("20"))[0]
    order = signed()
    with pytest.raises(ValidationFailed) as caught:
        give(order, stock=small)
    assert caught.value.code == "insufficient_stock"
    assert not DoseAdministration.objects.exists()
    assert _balance(small) == Decimal("20")
    assert not AuditEvent.objects.filter(object_type="dose_administration").exists()


def test_a_bottle_from_another_clinic_is_refused(signed, give, receive, ridge, personas):
    from mooring.accounts.access import forget_roles
    from mooring.accounts.models import StaffRole

    StaffRole.objects.create(user=personas["eve"], clinic=ridge, role="director")
    forget_roles(personas["eve"])
    ridge_bottle = receive(clinic=ridge)[0]
    with pytest.raises(ValidationFailed) as caught:
        give(signed(), stock=ridge_bottle)
    assert caught.value.code == "bottle_wrong_clinic"
    assert not DoseAdministration.objects.exists()


def test_a_nurse_at_another_clinic_cannot_dose(signed, give, personas, actor_for, ridge):
    order = signed()
    with pytest.raises(NotFoundOrForbidden):
        give(order, actor=actor_for(personas["sam"], ridge))


def test_a_dose_in_the_future_is_refused(signed, give):
    with pytest.raises(ValidationFailed) as caught:
        give(signed(), at=local(TODAY, 11))
    assert caught.value.code == "administered_in_future"


# --- a crash half-way leaves nothing half-written ------------------------------------------


def test_a_failing_audit_write_leaves_no_dose_and_no_stock_movement(
    signed, give, bottle, monkeypatch
):
    from mooring.medications.services import dosing

    order = signed()

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(dosing, "record", broken)
    with pytest.raises(RuntimeError):
        give(order)
    assert not DoseAdministration.objects.exists()
    assert not InventoryLedgerEntry.objects.filter(kind=EntryKind.DISPENSE).exists()
    assert _balance(bottle) == ONE_LITRE_MG


def test_a_failing_ledger_write_leaves_no_dose(signed, give, bottle, monkeypatch):
    from mooring.inventory.services import stock

    order = signed()
    real_insert = stock.insert_row

    def broken(row):
        if isinstance(row, InventoryLedgerEntry) and row.kind == EntryKind.DISPENSE:
            assert DoseAdministration.objects.exists()  # the dose row was already written
            raise IntegrityError("disk full")
        return real_insert(row)

    monkeypatch.setattr(stock, "insert_row", broken)
    with pytest.raises(IntegrityError):
        give(order)
    assert not DoseAdministration.objects.exists()
    assert _balance(bottle) == ONE_LITRE_MG


# --- time: the clinic's calendar day -------------------------------------------------------


def test_late_evening_and_just_after_midnight_are_different_service_days(signed, give, clock):
    order = signed()
    clock.move_to(local(TODAY, 23, 30))
    late = give(order, at=local(TODAY, 23, 30))
    clock.move_to(local(TODAY + timedelta(days=1), 0, 30))
    early = give(order, at=local(TODAY + timedelta(days=1), 0, 30))
    assert late.service_date == TODAY
    assert early.service_date == TODAY + timedelta(days=1)
    # 23:30 in New York is already the next day in UTC; the clinic's day is what counts.
    assert late.administered_at.astimezone(UTC).date() == TODAY + timedelta(days=1)


def test_a_dst_day_is_one_service_day(signed, give, clock):
    # 8 March 2026: clocks in New York jump from 02:00 EST to 03:00 EDT.
    dst_day = TODAY + timedelta(days=6)
    assert dst_day.isoformat() == "2026-03-08"
    clock.move_to(datetime(2026, 3, 8, 6, 30, tzinfo=UTC))  # 01:30 EST
    order = signed(start=dst_day)
    give(order)
    clock.move_to(datetime(2026, 3, 9, 3, 30, tzinfo=UTC))  # 23:30 EDT, still the 8th
    with pytest.raises(Conflict) as caught:
        give(order)
    assert caught.value.code == "already_dosed_today"
    assert DoseAdministration.objects.get().service_date == dst_day


def test_a_back_entered_dose_keeps_its_clinical_time(signed, ben, bottle, clock):
    order = signed()
    clock.move_to(local(TODAY, 13))
    dose = dose_dispense(
        actor=ben,
        order=order,
        amount_mg=START_MG,
        stock_bottle=bottle,
        administered_at=local(TODAY, 8, 15),
        idempotency_key="downtime-1",
        back_entered=True,
    )
    assert dose.back_entered
    assert dose.administered_at == local(TODAY, 8, 15)
    assert dose.entered_at == local(TODAY, 13)


def test_the_autumn_dst_day_with_25_hours_is_one_service_day(signed, give, clock):
    # 1 November 2026: 01:00-02:00 happens twice in New York (EDT, then EST).
    clock.move_to(datetime(2026, 11, 1, 4, 30, tzinfo=UTC))  # 00:30 EDT
    order = signed(start=datetime(2026, 11, 1).date())
    give(order)
    clock.move_to(datetime(2026, 11, 2, 4, 30, tzinfo=UTC))  # 23:30 EST, still the 1st
    with pytest.raises(Conflict):
        give(order)
    clock.move_to(datetime(2026, 11, 2, 5, 30, tzinfo=UTC))  # 00:30 EST on the 2nd
    assert give(order).service_date.isoformat() == "2026-11-02"

"""Downtime: doses given while the system was down, entered afterwards from the paper log."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from mooring.audit.models import AuditEvent
from mooring.core.errors import (
    CapabilityDenied,
    Conflict,
    NotFoundOrForbidden,
    ValidationFailed,
)
from mooring.inventory.models import InventoryLedgerEntry
from mooring.inventory.services import reconciliation_count
from mooring.medications import policy
from mooring.medications.models import DoseAdministration
from mooring.medications.selectors import back_entered_doses, dosing_queue
from mooring.medications.services import dose_dispense
from tests.inventory.conftest import ONE_LITRE_MG
from tests.medications.conftest import NEW_YORK, START_MG, TODAY, local

pytestmark = pytest.mark.django_db
NEXT = TODAY + timedelta(days=1)
SPRING_FORWARD = date(2026, 3, 8)  # 02:00 EST becomes 03:00 EDT in New York
FALL_BACK = date(2026, 11, 1)  # 02:00 EDT becomes 01:00 EST


@pytest.fixture
def back_enter(ben, bottle):
    counter = {"n": 0}

    def do(order, at, *, actor=None, index=1):
        counter["n"] += 1
        return dose_dispense(
            actor=actor or ben,
            order=order,
            amount_mg=order.per_administration_mg,
            stock_bottle=bottle,
            administered_at=at,
            administration_index=index,
            back_entered=True,
            idempotency_key=f"paper-{counter['n']}-{order.uuid}",
        )

    return do


def test_the_real_time_is_kept_and_the_typing_time_recorded(signed, back_enter, clock):
    order = signed()
    clock.move_to(local(NEXT, 9))
    given = local(TODAY, 10, 15)
    dose = back_enter(order, given)
    assert dose.back_entered
    assert dose.administered_at == given
    assert dose.service_date == TODAY
    assert dose.entered_at == local(NEXT, 9)
    assert dose.created_at == local(NEXT, 9)


def test_the_service_date_comes_from_the_real_time_not_from_now(signed, back_enter, clock):
    order = signed()
    clock.move_to(local(NEXT, 9))
    # 23:59 in New York is 04:59 UTC the next day; the dose counts for the local day.
    late = back_enter(order, local(TODAY, 23, 59))
    assert late.service_date == TODAY
    early = back_enter(order, local(NEXT, 0, 1))
    assert early.service_date == NEXT


def test_a_time_given_in_utc_counts_for_the_clinic_day(signed, back_enter, clock):
    order = signed()
    clock.move_to(local(NEXT, 9))
    dose = back_enter(order, datetime(2026, 3, 3, 3, 30, tzinfo=UTC))  # 22:30 on the 2nd
    assert dose.service_date == TODAY
    assert dose.administered_at == local(TODAY, 22, 30)


@pytest.mark.parametrize(
    "given",
    [
        datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK),  # EST, before the jump
        datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK),  # EDT, after it
        datetime(2026, 3, 8, 23, 59, tzinfo=NEW_YORK),
    ],
)
def test_spring_forward_doses_count_for_that_day(signed, back_enter, clock, given):
    order = signed(start=SPRING_FORWARD)
    clock.move_to(local(SPRING_FORWARD + timedelta(days=1), 9))
    dose = back_enter(order, given)
    assert dose.service_date == SPRING_FORWARD


@pytest.mark.parametrize("fold", [0, 1])
def test_the_repeated_hour_in_autumn_is_one_service_day(signed, back_enter, clock, fold):
    order = signed(start=FALL_BACK)
    clock.move_to(local(FALL_BACK + timedelta(days=1), 9))
    given = datetime(2026, 11, 1, 1, 30, fold=fold, tzinfo=NEW_YORK)
    dose = back_enter(order, given)
    assert dose.service_date == FALL_BACK
    assert dose.administered_at == given


def test_the_back_entry_limit_is_the_site_policy(signed, back_enter, clock, monkeypatch):
    order = signed()
    clock.move_to(local(TODAY + timedelta(days=3), 9))
    with pytest.raises(ValidationFailed) as caught:
        back_enter(order, local(TODAY, 8, 59))  # 72 hours and a minute ago
    assert (caught.value.field, caught.value.code) == (
        "administered_at",
        "administered_too_long_ago",
    )
    assert "72 hours" in caught.value.message
    monkeypatch.setattr(
        policy,
        "DOSING_POLICY",
        dataclasses.replace(policy.DOSING_POLICY, back_entry_limit=timedelta(hours=12)),
    )
    with pytest.raises(ValidationFailed) as caught:
        back_enter(order, local(TODAY + timedelta(days=2), 20))
    assert caught.value.code == "administered_too_long_ago"
    assert not DoseAdministration.objects.exists()


def test_a_dose_just_inside_the_limit_is_accepted(signed, back_enter, clock):
    order = signed()
    clock.move_to(local(TODAY + timedelta(days=3), 9))
    dose = back_enter(order, local(TODAY, 9, 1))  # 71 h 59 min ago
    assert dose.service_date == TODAY


def test_future_times_beyond_the_clock_skew_are_refused(signed, back_enter, clock):
    order = signed()
    with pytest.raises(ValidationFailed) as caught:
        back_enter(order, local(TODAY, 9, 6))
    assert caught.value.code == "administered_in_future"
    assert back_enter(order, local(TODAY, 9, 4)).service_date == TODAY


def test_a_back_entry_needs_the_real_time_with_a_zone(signed, ben, bottle):
    order = signed()
    for given, code in (
        (None, "administered_at_required"),
        (datetime(2026, 3, 2, 8), "naive_datetime"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            dose_dispense(
                actor=ben,
                order=order,
                amount_mg=START_MG,
                stock_bottle=bottle,
                administered_at=given,
                back_entered=True,
                idempotency_key=f"k-{code}",
            )
        assert (caught.value.field, caught.value.code) == ("administered_at", code)


def test_a_back_entry_for_a_day_already_dosed_is_refused(signed, give, back_enter, bottle):
    order = signed()
    give(order)
    with pytest.raises(Conflict) as caught:
        back_enter(order, local(TODAY, 7))
    assert caught.value.code == "already_dosed_today"
    assert DoseAdministration.objects.count() == 1
    assert InventoryLedgerEntry.objects.filter(bottle=bottle, kind="dispense").count() == 1


def test_the_audit_event_says_back_entered_with_both_times(signed, back_enter, clock):
    order = signed()
    clock.move_to(local(NEXT, 9))
    dose = back_enter(order, local(TODAY, 10))
    event = AuditEvent.objects.get(object_type="dose_administration", object_id=str(dose.uuid))
    assert event.detail["back_entered"] is True
    assert event.detail["service_date"] == "2026-03-02"
    assert datetime.fromisoformat(event.detail["administered_at"]) == local(TODAY, 10)
    assert datetime.fromisoformat(event.detail["entered_at"]) == local(NEXT, 9)


def test_back_entered_doses_draw_stock_and_the_count_balances(
    signed, back_enter, give, make_patient, bottle, ben, clock
):
    paper_order, today_order = signed(make_patient("Dee")), signed(make_patient("Eli"), start=NEXT)
    clock.move_to(local(NEXT, 9))
    paper = back_enter(paper_order, local(TODAY, 10))
    give(today_order)
    entry = InventoryLedgerEntry.objects.get(reference=paper.uuid)
    assert entry.delta_mg == -START_MG
    assert entry.occurred_at == local(TODAY, 10)
    remaining_ml = (ONE_LITRE_MG - 2 * START_MG) / Decimal("10")
    count = reconciliation_count(actor=ben, bottle=bottle, counted_ml=remaining_ml)
    assert count.status == "balanced"
    assert count.expected_mg == ONE_LITRE_MG - 2 * START_MG


def test_a_back_entered_dose_is_in_that_day_s_queue(signed, back_enter, harbor, clock):
    order = signed()
    clock.move_to(local(NEXT, 9))
    back_enter(order, local(TODAY, 10))
    (entry,) = dosing_queue(harbor, TODAY)
    assert entry.status == "dosed"
    assert entry.doses[0].back_entered


def test_the_review_list_shows_one_clinic_day_in_the_order_given(
    signed, back_enter, give, make_patient, harbor, ridge, clock, django_assert_num_queries
):
    dee, eli, fay = (signed(make_patient(name)) for name in ("Dee", "Eli", "Fay"))
    gus = signed(make_patient("Gus"), start=NEXT)
    clock.move_to(local(NEXT, 9))
    later = back_enter(dee, local(TODAY, 15))
    earlier = back_enter(eli, local(TODAY, 7))
    back_enter(fay, local(NEXT, 7))  # another day
    give(gus)  # given now, not back-entered
    with django_assert_num_queries(1):
        rows = [
            (d.patient.display_name, d.nurse.label, d.order.medication, d.stock_bottle.label, d)
            for d in back_entered_doses(harbor, TODAY)
        ]
    assert [row[-1] for row in rows] == [earlier, later]
    assert [d.patient for d in back_entered_doses(harbor, NEXT)] == [fay.patient]
    assert list(back_entered_doses(ridge, TODAY)) == []


@pytest.mark.parametrize(
    ("username", "error"), [("chloe", CapabilityDenied), ("dan", CapabilityDenied)]
)
def test_only_those_who_dispense_back_enter(
    signed, back_enter, personas, actor_for, username, error
):
    order = signed()
    with pytest.raises(error):
        back_enter(order, local(TODAY, 8), actor=actor_for(personas[username]))
    assert not DoseAdministration.objects.exists()


def test_ridge_cannot_back_enter_a_harbor_dose(signed, back_enter, personas, actor_for, ridge):
    order = signed()
    with pytest.raises(NotFoundOrForbidden):
        back_enter(order, local(TODAY, 8), actor=actor_for(personas["sam"], ridge))

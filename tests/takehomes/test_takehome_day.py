"""A day the person holds a take-home bottle for is not also a day for an observed dose.

The take-homes app records each bottle as a take-home ``DoseAdministration`` for its date;
``dose_blocker`` refuses an observed dose of the same medication on that day
(``take_home_issued_for_today``), the queue shows the person as having a take-home today,
and a bottle the clinic took back at a recall frees the day again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from mooring.core.errors import Conflict
from mooring.medications import rules_bridge
from mooring.medications.models import DoseAdministration, DoseKind
from mooring.medications.selectors import day_facts, dose_blocker, dosing_queue
from mooring.takehomes.services import takehome_recall_record, takehome_recall_request
from tests.medications.conftest import local
from tests.takehomes.conftest import TODAY, days

pytestmark = pytest.mark.django_db

TUESDAY = TODAY + timedelta(days=1)


@pytest.fixture
def holds_tuesday(ready, give, issue):
    """Dosed on Monday at the window and handed Tuesday's and Wednesday's bottles."""
    order = ready()
    give(order)
    bottles = issue(order, days(1, 2))
    return order, bottles


def test_an_observed_dose_on_a_take_home_day_is_refused(holds_tuesday, give, clock, bottle):
    order, _bottles = holds_tuesday
    clock.move_to(local(TUESDAY, 9))
    balance = type(bottle).objects.get(pk=bottle.pk).balance_mg
    with pytest.raises(Conflict) as refused:
        give(order)
    assert refused.value.code == "take_home_issued_for_today"
    assert not DoseAdministration.objects.filter(
        service_date=TUESDAY, kind=DoseKind.OBSERVED
    ).exists()
    assert type(bottle).objects.get(pk=bottle.pk).balance_mg == balance


def test_day_facts_and_the_blocker_say_take_home_only_on_the_bottle_s_days(holds_tuesday):
    order, _bottles = holds_tuesday
    profile = rules_bridge.profile_for(order.clinic)
    for day, expected in (
        (TODAY, None),
        (TUESDAY, "take_home_issued_for_today"),
        (TODAY + timedelta(days=2), "take_home_issued_for_today"),
        (TODAY + timedelta(days=3), None),
    ):
        facts = day_facts(order, day)
        blocker, _advice = dose_blocker(order, day, facts, profile)
        assert (blocker.code if blocker else None) == expected, day


def test_the_queue_shows_take_home_today_not_due(holds_tuesday, signed, make_patient, harbor):
    order, _bottles = holds_tuesday
    other = signed(make_patient("Eli", "Due"), start=TUESDAY)
    queue = {entry.order: entry for entry in dosing_queue(harbor, TUESDAY)}
    assert queue[order].status == "take_home_issued_for_today"
    assert queue[order].blocker.message.startswith("A take-home dose was issued for today")
    assert queue[other].status == "due"
    (monday,) = dosing_queue(harbor, TODAY)
    assert monday.status == "dosed"


def test_a_bottle_taken_back_at_a_recall_frees_the_day(holds_tuesday, give, ada, ben, clock):
    order, bottles = holds_tuesday
    recall = takehome_recall_request(
        actor=ada, patient=order.patient, reason="Concern", due_by=local(TODAY, 17)
    )
    takehome_recall_record(
        actor=ben,
        recall=recall,
        outcome="all_present",
        bottles_seen=bottles,
        bottles_retained=bottles[:1],
    )
    clock.move_to(local(TUESDAY, 9))
    assert give(order).service_date == TUESDAY
    clock.move_to(local(TUESDAY + timedelta(days=1), 9))
    with pytest.raises(Conflict) as refused:
        give(order)
    assert refused.value.code == "take_home_issued_for_today"


def test_holding_today_s_bottle_does_not_stop_handing_over_later_days(holds_tuesday, issue, clock):
    order, _bottles = holds_tuesday
    clock.move_to(local(TUESDAY, 9))
    (later,) = issue(order, days(3, 3))
    assert later.for_date == TODAY + timedelta(days=3)


def test_another_medication_s_take_home_does_not_block(holds_tuesday, signed, give, clock):
    order, _bottles = holds_tuesday
    bup = signed(
        order.patient,
        medication="buprenorphine",
        form="sublingual_tablet",
        phase="maintenance",
        mg=4,
        start=TUESDAY,
    )
    clock.move_to(local(TUESDAY, 9))
    facts = day_facts(bup, TUESDAY)
    assert not facts.take_home
    assert day_facts(order, TUESDAY).take_home


@pytest.mark.parametrize("people", [4, 16])
def test_the_queue_costs_the_same_queries_with_take_homes(
    people, ready, give, issue, harbor, django_assert_max_num_queries
):
    orders = [ready(given=f"P{n}") for n in range(people)]
    for order in orders[::2]:
        give(order)
        issue(order, days(1, 1))
    with django_assert_max_num_queries(6):
        statuses = [entry.status for entry in dosing_queue(harbor, TUESDAY)]
    assert statuses.count("take_home_issued_for_today") == len(orders[::2])
    assert len(statuses) == people


# Guest dosing: the day is judged for the clinic handing the bottles over -----------------


@pytest.fixture
def guest_at_ridge(ready, ben, ridge, clock):
    """A Harbor patient dosed at Ridge from today until Friday."""
    from mooring.medications.services import guest_dosing_arrange

    order = ready()
    guest_dosing_arrange(
        actor=ben,
        patient=order.patient,
        host_clinic=ridge,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=4),
        reason="Family visit",
    )
    return order


@pytest.fixture
def ridge_stock(personas, actor_for, ridge, methadone_product, clock):
    from mooring.inventory.services import stock_receive
    from tests.inventory.conftest import ONE_LITRE_MG

    return stock_receive(
        actor=actor_for(personas["sam"], ridge),
        clinic=ridge,
        product=methadone_product,
        supplier="Mallinckrodt",
        lot="R2026-01",
        expires_on=TODAY + timedelta(days=700),
        bottle_count=1,
        quantity_mg_per_bottle=ONE_LITRE_MG,
    ).bottles[0]


def test_the_host_hands_a_guest_take_homes(
    guest_at_ridge, issue, personas, actor_for, ridge, ridge_stock
):
    sam = actor_for(personas["sam"], ridge)
    bottles = issue(guest_at_ridge, days(1, 1), actor=sam, stock=ridge_stock)
    assert [(b.clinic, b.for_date) for b in bottles] == [(ridge, TUESDAY)]


def test_home_hands_no_take_homes_while_the_person_doses_elsewhere(guest_at_ridge, issue):
    from mooring.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        issue(guest_at_ridge, days(1, 1))
    assert refused.value.code == "guest_dosing_elsewhere"

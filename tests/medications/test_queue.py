"""The dosing queue: who is due, dosed, held or waiting for review, in constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mooring.medications.selectors import dosing_queue, open_flags
from mooring.medications.services import hold_place, sedation_record
from tests.medications.conftest import TODAY, local

pytestmark = pytest.mark.django_db


def test_the_queue_says_who_came_who_is_due_and_who_is_held(
    signed, give, ada, ben, harbor, make_patient, draft
):
    dosed = signed(make_patient("Dee"))
    due = signed(make_patient("Eli"))
    held = signed(make_patient("Fay"))
    sedated = signed(make_patient("Gus"))
    draft(make_patient("Hal"))  # unsigned: not in the queue
    give(dosed)
    hold_place(actor=ada, patient=held.patient, reason="Awaiting ECG", starts_on=TODAY)
    sedation_record(actor=ben, order=sedated, observations="Nodding off at the window")
    queue = {entry.order.pk: entry for entry in dosing_queue(harbor, TODAY)}
    assert set(queue) == {dosed.pk, due.pk, held.pk, sedated.pk}
    assert queue[dosed.pk].status == "dosed"
    assert queue[due.pk].status == "due"
    assert queue[held.pk].status == "on_hold"
    assert "Awaiting ECG" in queue[held.pk].blocker.message
    assert queue[sedated.pk].status == "appears_sedated"
    assert [f.patient for f in open_flags(harbor)] == [sedated.patient]


def test_the_queue_shows_missed_dose_review(signed, give, harbor, clock):
    order = signed()
    give(order)
    later = TODAY + timedelta(days=10)
    clock.move_to(local(later, 9))
    (entry,) = dosing_queue(harbor, later)
    assert entry.status == "missed_doses_reinduce"
    assert entry.missed.consecutive_missed == 9


@pytest.mark.parametrize("people", [5, 50])
def test_the_queue_costs_the_same_queries_for_5_or_50_people(
    people, signed, give, ada, harbor, make_patient, django_assert_max_num_queries
):
    orders = [signed(make_patient(f"P{n}")) for n in range(people)]
    for order in orders[::3]:
        give(order)
    hold_place(actor=ada, patient=orders[1].patient, reason="Review", starts_on=TODAY)
    with django_assert_max_num_queries(6):
        queue = dosing_queue(harbor, TODAY)
        statuses = [entry.status for entry in queue]
        names = [entry.patient.display_name for entry in queue]
    assert len(statuses) == len(names) == people
    assert statuses.count("dosed") == len(orders[::3])

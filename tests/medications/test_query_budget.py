"""Query budgets for the dosing window's hot paths: a regression that adds a query fails here.

``dose_dispense`` was 29 statements (30 on PostgreSQL) before it was tuned, then 10 (9 on
SQLite); now it is six on both engines: the order lock (which brings the patient, their home
clinic, the order's clinic and the order the request key was already used for, if any), one
query for the day's facts, the dose, the bottle's guarded balance update (one UPDATE ...
RETURNING: no separate lock or read), the ledger row and the audit row. The access check
reads rows already loaded. The count does not depend on the person's history or on how many
people were dosed before.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.accounts import access
from mooring.audit.services import verify_chain
from mooring.inventory.models import StockBottle
from mooring.medications.models import DoseAdministration
from mooring.medications.selectors import day_facts, dosing_queue, queue_day, queue_orders
from mooring.medications.services import dose_dispense, hold_place, sedation_record
from tests.medications.conftest import TODAY, local

pytestmark = pytest.mark.django_db

# Statements inside the dose's transaction, savepoints of the test's own transaction aside.
DOSE_BUDGET = 6


def _statements(captured) -> list[str]:
    """The SQL a caller's transaction runs (the test case's own savepoint excluded)."""
    return [
        q["sql"]
        for q in captured
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


def _warm(ben, bottle):
    """What a dispense screen hands the service: roles cached, the bottle with its product."""
    access.roles_by_clinic(ben.user)
    return StockBottle.objects.select_related("product", "clinic").get(pk=bottle.pk)


def _dispense(ben, order, bottle, key):
    return dose_dispense(
        actor=ben,
        order=order,
        amount_mg=order.per_administration_mg,
        stock_bottle=bottle,
        idempotency_key=key,
    )


def test_a_dose_costs_a_fixed_number_of_statements(signed, ben, bottle, make_patient):
    first, order = signed(make_patient("Ann")), signed(make_patient("Bob"))
    loaded = _warm(ben, bottle)
    _dispense(ben, first, loaded, "warm")
    with CaptureQueriesContext(connection) as captured:
        dose = _dispense(ben, order, loaded, "the-dose")
    statements = _statements(captured.captured_queries)
    assert len(statements) == DOSE_BUDGET, "\n".join(s[:120] for s in statements)
    lock, facts, insert_dose, draw, insert_entry, insert_event = statements
    assert "FOR UPDATE" in lock or connection.vendor != "postgresql"
    assert "idempotency_key" in lock
    assert "medications_doseadministration" in facts
    assert insert_dose.startswith('INSERT INTO "medications_doseadministration"')
    assert draw.startswith('UPDATE "inventory_stockbottle"')
    assert "RETURNING" in draw
    assert insert_entry.startswith('INSERT INTO "inventory_inventoryledgerentry"')
    assert insert_event.startswith('INSERT INTO "audit_auditevent"')
    assert dose.pk is not None
    assert verify_chain() is None


def test_the_budget_does_not_grow_with_the_history(signed, give, ben, bottle, clock, make_patient):
    order = signed(make_patient("Cal"), phase="maintenance")
    for day in range(5):
        clock.move_to(local(TODAY + timedelta(days=day), 9))
        give(order, stock=bottle)
    clock.move_to(local(TODAY + timedelta(days=5), 9))
    loaded = _warm(ben, bottle)
    with CaptureQueriesContext(connection) as captured:
        _dispense(ben, order, loaded, "sixth-day")
    assert len(_statements(captured.captured_queries)) == DOSE_BUDGET


def test_a_replay_stops_after_the_lock_and_the_key(signed, ben, bottle, make_patient):
    order = signed(make_patient("Dee"))
    loaded = _warm(ben, bottle)
    first = _dispense(ben, order, loaded, "same-key")
    with CaptureQueriesContext(connection) as captured:
        again = _dispense(ben, order, loaded, "same-key")
    assert again.pk == first.pk
    # The order lock, which finds the key used, and reading the first dose; no stock, no audit.
    assert len(_statements(captured.captured_queries)) == 2
    assert DoseAdministration.objects.count() == 1


def test_a_refusal_reads_no_more_than_a_dose(signed, ada, ben, bottle, make_patient):
    order = signed(make_patient("Eve"))
    hold_place(actor=ada, patient=order.patient, reason="Awaiting ECG", starts_on=TODAY)
    loaded = _warm(ben, bottle)
    with CaptureQueriesContext(connection) as captured, pytest.raises(Exception) as caught:
        _dispense(ben, order, loaded, "held")
    assert getattr(caught.value, "code", "") == "on_hold"
    # The lock (with the key), the facts, and the held person's holds.
    assert len(_statements(captured.captured_queries)) == 3


def test_day_facts_is_one_query_unless_someone_is_held_or_sedated(
    signed, ada, ben, make_patient, django_assert_num_queries
):
    order = signed(make_patient("Fay"))
    with django_assert_num_queries(1):
        facts = day_facts(order, TODAY)
    assert facts.holds == ()
    assert facts.sedation == ()
    assert facts.away is None
    hold_place(actor=ada, patient=order.patient, reason="Review", starts_on=TODAY)
    sedation_record(actor=ben, order=order, observations="Nodding off at the window")
    with django_assert_num_queries(3):
        facts = day_facts(order, TODAY)
    assert [h.reason for h in facts.holds] == ["Review"]
    assert len(facts.sedation) == 1


def test_day_facts_knows_whether_an_index_was_given(signed, give, make_patient):
    order = signed(make_patient("Gil"), mg=Decimal("40"), split=2)
    give(order, index=1)
    assert day_facts(order, TODAY, index=1).index_given
    assert not day_facts(order, TODAY, index=2).index_given


@pytest.mark.parametrize("people", [3, 30])
def test_the_queue_is_two_queries_when_nobody_is_held(
    people, signed, give, harbor, make_patient, django_assert_num_queries
):
    orders = [signed(make_patient(f"P{n}")) for n in range(people)]
    for order in orders[::3]:
        give(order)
    with django_assert_num_queries(2):
        queue = dosing_queue(harbor, TODAY)
        statuses = [entry.status for entry in queue]
    assert statuses.count("dosed") == len(orders[::3])


def test_the_queue_day_agrees_with_the_full_queue_in_one_query_and_the_conditional_ones(
    signed, give, ada, ben, harbor, make_patient, django_assert_num_queries
):
    orders = [signed(make_patient(f"L{n}")) for n in range(9)]
    for order in orders[::3]:
        give(order)
    hold_place(actor=ada, patient=orders[1].patient, reason="Awaiting ECG", starts_on=TODAY)
    sedation_record(actor=ben, order=orders[2], observations="Nodding off at the window")
    full = dosing_queue(harbor, TODAY)
    with django_assert_num_queries(3):  # the lines, then the held and the sedated
        day = queue_day(harbor, TODAY)
    lines = range(len(day))
    assert [(day.order_ids[n], day.status(n)) for n in lines] == [
        (entry.order.pk, entry.status) for entry in full
    ]
    assert {day.status(n) for n in lines} == {"dosed", "due", "on_hold", "appears_sedated"}
    assert [day.verdict(n).blocker for n in lines] == [entry.blocker for entry in full]
    assert [day.verdict(n).missed for n in lines] == [entry.missed for entry in full]
    assert day.patient_ids == [entry.patient.pk for entry in full]
    assert day.mrns == [entry.patient.mrn for entry in full]
    # Alike people share a verdict; the held and the sedated person each have their own.
    assert len(day.verdicts) == 4
    with django_assert_num_queries(1):
        page = queue_orders(day.order_ids[3:6])
    assert sorted(page) == sorted(day.order_ids[3:6])
    assert [page[pk].patient.pk for pk in day.order_ids[3:6]] == day.patient_ids[3:6]


def test_the_queue_day_holds_plain_columns_not_an_object_per_person(
    signed, give, harbor, make_patient
):
    """Lists of numbers and text: a queue of thousands leaves the garbage collector a
    handful of objects to look at, not thousands that outlive its young generations."""
    for name in ("Ann", "Bob", "Cy"):
        give(signed(make_patient(name)))
    day = queue_day(harbor, TODAY)
    assert len(day) == 3
    for column in (day.order_ids, day.patient_ids, day.mrns, day.search_names, day.cases):
        assert len(column) == 3
        assert {type(value) for value in column} <= {int, str}
    assert len(day.verdicts) == 1  # three people alike: one verdict

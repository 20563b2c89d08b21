"""End-of-day counts: a discrepancy needs a comment and a second person to close it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mooring.core.errors import CapabilityDenied, Conflict, ValidationFailed
from mooring.inventory.models import CountStatus, EntryKind, ReconciliationCount, StockBottle
from mooring.inventory.selectors import open_discrepancies
from mooring.inventory.services import reconciliation_close, reconciliation_count
from tests.inventory.conftest import ONE_LITRE_MG

pytestmark = pytest.mark.django_db


@pytest.fixture
def ben(personas, actor_for):
    return actor_for(personas["ben"])


@pytest.fixture
def eve(personas, actor_for):
    return actor_for(personas["eve"])


def test_a_matching_count_is_balanced(ben, bottle):
    count = reconciliation_count(actor=ben, bottle=bottle, counted_ml=Decimal("1000"))
    assert count.status == CountStatus.BALANCED
    assert count.expected_ml == Decimal("1000")
    assert count.discrepancy_mg == 0


def test_a_discrepancy_needs_a_comment(ben, bottle):
    with pytest.raises(ValidationFailed) as caught:
        reconciliation_count(actor=ben, bottle=bottle, counted_ml=Decimal("998"))
    assert caught.value.code == "comment_required"
    assert not ReconciliationCount.objects.exists()


def test_a_discrepancy_is_closed_by_a_second_person(ben, eve, bottle, harbor, personas, actor_for):
    count = reconciliation_count(
        actor=ben,
        bottle=bottle,
        counted_ml=Decimal("998"),
        comment="Meniscus reading, two mL short",
    )
    assert count.status == CountStatus.OPEN
    assert count.discrepancy_mg == Decimal("-20")
    assert list(open_discrepancies(harbor)) == [count]
    with pytest.raises(CapabilityDenied):  # a nurse may count but not close
        reconciliation_close(actor=ben, count=count, note="fine")
    closed = reconciliation_close(actor=eve, count=count, note="Pump calibration checked")
    assert closed.status == CountStatus.CLOSED
    assert closed.closed_by == personas["eve"]
    assert closed.adjustment.kind == EntryKind.ADJUSTMENT
    assert closed.adjustment.delta_mg == Decimal("-20")
    assert StockBottle.objects.get(pk=bottle.pk).balance_mg == ONE_LITRE_MG - 20
    assert list(open_discrepancies(harbor)) == []
    with pytest.raises(Conflict):
        reconciliation_close(actor=eve, count=closed, note="again")


def test_the_counter_cannot_close_their_own_discrepancy(eve, bottle):
    count = reconciliation_count(
        actor=eve, bottle=bottle, counted_ml=Decimal("990"), comment="Short"
    )
    with pytest.raises(CapabilityDenied) as caught:
        reconciliation_close(actor=eve, count=count, note="Mine")
    assert caught.value.code == "same_person"


def test_the_database_refuses_the_counter_as_closer(eve, bottle, personas):
    count = reconciliation_count(
        actor=eve, bottle=bottle, counted_ml=Decimal("990"), comment="Short"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReconciliationCount.objects.filter(pk=count.pk).update(
            closed_by=personas["eve"], status=CountStatus.CLOSED, closed_at=count.counted_at
        )

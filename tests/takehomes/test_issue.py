"""Issuing take-home bottles: the rule's limit, stock in the same transaction, idempotency."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mooring.accounts.models import ClinicClosure
from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, NotFoundOrForbidden, ValidationFailed
from mooring.inventory.models import EntryKind, InventoryLedgerEntry
from mooring.medications.models import DoseAdministration, DoseKind
from mooring.medications.services import hold_place
from mooring.takehomes.models import TakeHomeBottle, TakeHomeIssue
from tests.medications.conftest import local
from tests.takehomes.conftest import TODAY, days

pytestmark = pytest.mark.django_db


def test_day_10_under_the_2024_rule_allows_seven_bottles(ready, issue, bottle):
    order = ready(10)
    bottles = issue(order, days(1, 7))
    assert [b.for_date for b in bottles] == days(1, 7)
    assert all(b.code.startswith("TH-") and len(b.code) == 8 for b in bottles)
    assert len({b.code for b in bottles}) == 7
    first = bottles[0]
    assert first.amount_mg == Decimal("30")
    assert first.volume_ml == Decimal("3")
    assert first.lot == bottle.lot
    assert first.stock_bottle == bottle
    assert first.status == "issued"
    assert not first.closed_day
    issue_row = first.issue
    assert (issue_row.protocol_profile, issue_row.days_in_treatment, issue_row.max_days) == (
        "US-FED-2024",
        10,
        7,
    )
    assert "take_homes.phase_limit" in {f["code"] for f in issue_row.findings}


def test_an_eighth_day_is_refused_naming_the_rule_profile_and_sources(ready, issue):
    order = ready(10)
    with pytest.raises(ValidationFailed) as refused:
        issue(order, days(1, 8))
    error = refused.value
    assert error.code == "takehome_limit_exceeded"
    assert error.field == "dates"
    assert (TODAY + timedelta(days=8)).isoformat() in error.message
    assert "take_homes.phase_limit" in error.message
    assert "US-FED-2024" in error.message
    assert "sources S-" in error.message
    assert not TakeHomeBottle.objects.exists()


def test_day_20_allows_fourteen(ready, issue):
    assert len(issue(ready(20), days(1, 14))) == 14


def test_no_assessment_is_refused_with_the_rule_and_profile(patient_on_day, signed, issue):
    order = signed(patient_on_day(40))
    with pytest.raises(ValidationFailed) as refused:
        issue(order, days(1, 1))
    assert refused.value.code == "no_takehome_assessment"
    assert "US-FED-2024" in refused.value.message
    assert "take_homes.criteria" in refused.value.message


def test_unmet_criteria_refuse_every_regular_bottle(patient_on_day, assess, signed, issue):
    patient = patient_on_day(40)
    assess(patient, ["regular_attendance"])
    order = signed(patient)
    with pytest.raises(ValidationFailed) as refused:
        issue(order, days(1, 1))
    assert refused.value.code == "takehome_not_allowed"
    assert "take_homes.criteria_unmet" in refused.value.message
    assert "safe transport and storage" in refused.value.message


def test_the_latest_assessment_applies(patient_on_day, assess, signed, issue):
    patient = patient_on_day(40)
    assess(patient)
    assess(patient, [], note="Diversion reported")
    order = signed(patient)
    with pytest.raises(ValidationFailed, match="criteria"):
        issue(order, days(1, 1))


def test_closed_days_get_their_own_bottle_where_the_profile_allows(
    patient_on_day, assess, signed, issue, harbor
):
    # Virginia: in the first week no regular supply, but a dose for a day the clinic is shut.
    harbor.protocol_profile = "US-VA"
    harbor.save()
    ClinicClosure.objects.create(clinic=harbor, date=TODAY + timedelta(days=1), reason="Storm")
    patient = patient_on_day(3)
    assess(patient)
    order = signed(patient)
    with pytest.raises(ValidationFailed) as refused:
        issue(order, days(1, 2))
    assert refused.value.code == "takehome_limit_exceeded"
    assert "US-VA" in refused.value.message
    (only,) = issue(order, days(1, 1))
    assert only.closed_day
    assert only.issue.max_days == 0


def test_dates_must_be_after_today(ready, issue):
    with pytest.raises(ValidationFailed) as refused:
        issue(ready(), [TODAY])
    assert refused.value.code == "date_not_after_today"


def test_a_hold_on_a_take_home_date_refuses_it(ready, issue, ada):
    order = ready()
    hold_place(
        actor=ada, patient=order.patient, reason="Awaiting ECG", starts_on=TODAY + timedelta(days=3)
    )
    with pytest.raises(ValidationFailed) as refused:
        issue(order, days(1, 4))
    assert refused.value.code == "on_hold_on_date"
    assert len(issue(order, days(1, 2))) == 2


def test_a_hold_today_refuses_every_take_home(ready, issue, ada):
    order = ready()
    hold_place(actor=ada, patient=order.patient, reason="Review", starts_on=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        issue(order, days(1, 1))
    assert refused.value.code == "on_hold"


def test_stock_and_take_home_doses_move_in_the_same_transaction(ready, issue, bottle):
    before = bottle.balance_mg
    bottles = issue(ready(), days(1, 3))
    bottle.refresh_from_db()
    assert bottle.balance_mg == before - Decimal("90")
    entries = InventoryLedgerEntry.objects.filter(bottle=bottle, kind=EntryKind.DISPENSE)
    assert entries.count() == 3
    for b in bottles:
        assert b.ledger_entry.delta_mg == Decimal("-30")
        assert b.ledger_entry.delta_ml == Decimal("-3")
        assert b.dose.kind == DoseKind.TAKE_HOME
        assert b.dose.service_date == b.for_date
        assert b.ledger_entry.reference == b.dose.uuid


def test_nothing_is_left_half_written_when_the_ledger_write_fails(
    ready, issue, bottle, monkeypatch
):
    from mooring.inventory.services import stock_dispense
    from mooring.takehomes.services import issue as issue_module

    order = ready()
    calls = {"n": 0}

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ValidationFailed("Ledger refused", code="insufficient_stock")
        return stock_dispense(**kwargs)

    monkeypatch.setattr(issue_module, "stock_dispense", failing)
    events = AuditEvent.objects.count()
    before = bottle.balance_mg
    with pytest.raises(ValidationFailed):
        issue(order, days(1, 5))
    bottle.refresh_from_db()
    assert bottle.balance_mg == before
    assert not TakeHomeIssue.objects.exists()
    assert not TakeHomeBottle.objects.exists()
    assert not DoseAdministration.objects.filter(kind=DoseKind.TAKE_HOME).exists()
    assert not InventoryLedgerEntry.objects.filter(kind=EntryKind.DISPENSE).exists()
    assert AuditEvent.objects.count() == events


def test_not_enough_stock_is_refused_before_anything_moves(ready, issue, receive):
    (small,) = receive(mg=Decimal("50"))
    with pytest.raises(ValidationFailed) as refused:
        issue(ready(), days(1, 2), stock=small)
    assert refused.value.code == "insufficient_stock"
    small.refresh_from_db()
    assert small.balance_mg == Decimal("50")


def test_a_retry_with_the_same_key_returns_the_same_bottles_and_moves_no_stock(
    ready, issue, bottle
):
    order = ready()
    first = issue(order, days(1, 3), key="window-1")
    bottle.refresh_from_db()
    balance = bottle.balance_mg
    again = issue(order, days(1, 3), key="window-1")
    assert [b.pk for b in again] == [b.pk for b in first]
    bottle.refresh_from_db()
    assert bottle.balance_mg == balance
    assert TakeHomeIssue.objects.count() == 1
    with pytest.raises(Conflict) as reused:
        issue(order, days(1, 2), key="window-1")
    assert reused.value.code == "idempotency_key_reused"


def test_one_bottle_per_order_per_date(ready, issue):
    order = ready()
    first = issue(order, days(1, 2))
    with pytest.raises(Conflict) as clash:
        issue(order, days(2, 3))
    assert clash.value.code == "takehome_already_issued"
    second = issue(order, days(3, 3))[0]
    # The database refuses it too, whatever Python would have done.
    with pytest.raises(IntegrityError), transaction.atomic():
        TakeHomeBottle.objects.filter(pk=second.pk).update(for_date=first[0].for_date)


def test_the_issue_is_audited_with_every_bottle(ready, issue):
    bottles = issue(ready(), days(1, 2))
    event = AuditEvent.objects.get(object_type="takehome_issue")
    assert event.action == Action.CREATE
    assert event.patient_id == bottles[0].patient_id
    assert event.data_category == "sud_treatment"
    assert [b["code"] for b in event.detail["bottles"]] == [b.code for b in bottles]
    assert event.detail["profile"] == "US-FED-2024"


def test_the_nurse_issues_and_front_desk_and_the_prescriber_may_not(
    ready, issue, personas, actor_for
):
    order = ready()
    with pytest.raises(CapabilityDenied):
        issue(order, days(1, 1), actor=actor_for(personas["dan"]))
    with pytest.raises(CapabilityDenied):
        issue(order, days(1, 1), actor=actor_for(personas["ada"]))
    assert len(issue(order, days(1, 1))) == 1


def test_a_ridge_nurse_gets_404_on_a_harbor_patient(
    ready, issue, personas, actor_for, ridge, methadone_product
):
    from mooring.inventory.services import stock_receive

    order = ready()
    (ridge_stock,) = stock_receive(
        actor=actor_for(personas["sam"], ridge),
        clinic=ridge,
        product=methadone_product,
        supplier="Mallinckrodt",
        lot="R-1",
        expires_on=TODAY + timedelta(days=400),
        bottle_count=1,
        quantity_mg_per_bottle=Decimal("1000"),
    ).bottles
    with pytest.raises(NotFoundOrForbidden):
        issue(order, days(1, 1), actor=actor_for(personas["sam"], ridge), stock=ridge_stock)
    assert not TakeHomeBottle.objects.exists()


def test_the_weekly_count_of_the_2001_schedule_is_enforced(
    patient_on_day, assess, signed, issue, harbor, clock, give
):
    # 2001, first 90 days: one take-home a week (besides closed days), all criteria met.
    harbor.protocol_profile = "US-FED-2001"
    harbor.save()
    patient = patient_on_day(10)
    from mooring.rules.profile_settings import TakeHomeCriterion

    assess(patient, [c.value for c in TakeHomeCriterion])
    order = signed(patient)
    (tuesday,) = issue(order, days(1, 1))
    assert not tuesday.closed_day
    assert tuesday.issue.max_days == 1
    # Back on Thursday: the rule allows one day again, but this week's dose has gone out.
    clock.move_to(local(TODAY + timedelta(days=3), 9))
    with pytest.raises(ValidationFailed) as refused:
        issue(order, days(4, 4))
    assert refused.value.code == "takehome_weekly_limit"
    assert "US-FED-2001" in refused.value.message
    # Next week is a new week (observed doses in between, so no missed-dose review is due).
    for n in (2, 3, 4, 5, 6, 7):
        clock.move_to(local(TODAY + timedelta(days=n), 9))
        give(order)
    (monday,) = issue(order, days(8, 8))
    assert monday.for_date == TODAY + timedelta(days=8)

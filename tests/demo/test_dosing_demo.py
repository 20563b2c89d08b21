"""The demo's medication history: orders, doses, stock and counts through the services."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum

from mooring.accounts.models import Clinic
from mooring.audit.models import AuditEvent
from mooring.audit.services import verify_chain
from mooring.demo.builder import build_demo
from mooring.demo.dosing import HISTORY_DAYS
from mooring.inventory.models import (
    CountStatus,
    InventoryLedgerEntry,
    ReconciliationCount,
    StockBottle,
)
from mooring.medications import policy
from mooring.medications.models import DoseAdministration, MedicationOrder, OrderStatus
from mooring.medications.selectors import dosing_queue
from mooring.patients.models import Episode, ProgramType

pytestmark = pytest.mark.django_db

# 10:00 in New York, 09:00 in Chicago: both windows open, the morning under way.
FROZEN = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = FROZEN.date()


@pytest.fixture
def demo():
    with time_machine.travel(FROZEN, tick=False):
        yield build_demo(seed=1, patients=40)


def test_every_open_treatment_episode_has_a_signed_order(demo):
    open_otp = Episode.objects.filter(
        discharged_on__isnull=True,
        program_type__in=[ProgramType.OTP, ProgramType.OFFICE_BASED],
    )
    assert open_otp.exists()
    switched = set(demo.treatment.patients.get("injections", []))
    for episode in open_otp.select_related("patient"):
        if episode.patient.mrn in switched:
            continue  # moved to a long-acting injection (mooring.demo.treatment)
        current = MedicationOrder.objects.filter(
            patient=episode.patient, status=OrderStatus.SIGNED, end_date__isnull=True
        )
        expected = (
            "methadone" if episode.program_type == ProgramType.OTP else ("buprenorphine_naloxone")
        )
        assert [o.medication for o in current] == [expected], episode.patient.mrn
    assert demo.dosing.orders + demo.treatment.orders == MedicationOrder.objects.count()


def test_methadone_is_titrated_in_steps_the_rules_core_accepted(demo):
    inducted = MedicationOrder.objects.filter(medication="methadone", phase="induction")
    assert inducted.exists()
    assert set(inducted.values_list("daily_dose_mg", flat=True)) == {Decimal("30")}
    for order in MedicationOrder.objects.exclude(supersedes=None).filter(phase="titration"):
        step = order.daily_dose_mg - order.supersedes.daily_dose_mg
        assert step <= Decimal("10")
        assert (order.start_date - order.supersedes.start_date).days >= 3
    # Overrides are documented: go-live maintenance doses, re-inductions, home inductions.
    reasons = ("went live", "re-induced", "office-based protocol")
    for order in MedicationOrder.objects.exclude(override_reason=""):
        assert any(reason in order.override_reason for reason in reasons), order.override_reason
        assert order.override_rule_codes


def test_doses_span_the_window_and_stock_balances_to_the_ledger(demo):
    doses = DoseAdministration.objects.filter(kind="observed")
    assert doses.count() == demo.dosing.doses > 100
    first = min(doses.values_list("service_date", flat=True))
    assert first >= TODAY - timedelta(days=HISTORY_DAYS)
    for bottle in StockBottle.objects.all():
        total = InventoryLedgerEntry.objects.filter(bottle=bottle).aggregate(s=Sum("delta_mg"))["s"]
        assert bottle.balance_mg == total
        assert bottle.balance_ml * 10 == bottle.balance_mg
    dispensed = -InventoryLedgerEntry.objects.filter(kind="dispense").aggregate(s=Sum("delta_mg"))[
        "s"
    ]
    # Take-home bottles (mooring.demo.treatment) are dispensed from stock too.
    assert dispensed == DoseAdministration.objects.aggregate(s=Sum("amount_mg"))["s"]


def test_every_evening_count_balances(demo):
    counts = ReconciliationCount.objects.all()
    assert counts.count() == demo.dosing.counts > 0
    assert set(counts.values_list("status", flat=True)) == {CountStatus.BALANCED}
    assert not counts.filter(service_date__gte=TODAY).exists()


def test_missed_days_are_reviewed_or_re_induced_or_hold_todays_dose(demo):
    assert demo.dosing.reviews + demo.dosing.reinductions > 0
    statuses = [
        entry.status for clinic in Clinic.objects.all() for entry in dosing_queue(clinic, TODAY)
    ]
    assert any(status.startswith("missed_doses_") for status in statuses)


def test_today_leaves_people_due_for_the_demo_morning(demo):
    harbor = Clinic.objects.get(code="harbor")
    statuses = [entry.status for entry in dosing_queue(harbor, TODAY)]
    assert statuses.count("due") >= 5
    assert "dosed" in statuses


def test_the_site_policy_is_restored_and_the_audit_chain_holds(demo):
    assert policy.DOSING_POLICY.back_entry_limit == timedelta(hours=72)
    assert verify_chain() is None
    assert AuditEvent.objects.filter(object_type="dose_administration").count() == (
        demo.dosing.doses
    )


def _history():
    return sorted(
        (d.patient.mrn, d.service_date, d.amount_mg)
        for d in DoseAdministration.objects.select_related("patient")
    )


def test_the_same_seed_gives_the_same_history():
    with time_machine.travel(FROZEN, tick=False):
        runs = []
        for _ in range(2):
            with transaction.atomic():
                build_demo(seed=3, patients=15)
                runs.append(_history())
                transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]

"""The demo's take-homes, injections and naloxone: through the services, seeded, plausible."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from mooring.accounts.models import Clinic
from mooring.audit.models import AuditEvent
from mooring.audit.services import verify_chain
from mooring.demo.builder import build_demo
from mooring.injections.models import InjectionAdministration as Injection
from mooring.injections.selectors import injections_due
from mooring.naloxone.models import NaloxoneKit
from mooring.patients.models import Episode
from mooring.takehomes.models import (
    TakeHomeBottle,
    TakeHomeConcern,
    TakeHomeCriteriaAssessment,
)
from mooring.takehomes.selectors import takehomes_due

pytestmark = pytest.mark.django_db

# 10:00 in New York, 09:00 in Chicago: both windows open, the morning under way.
FROZEN = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = FROZEN.date()


def _build():
    with time_machine.travel(FROZEN, tick=False):
        return build_demo(seed=1, patients=120)


@pytest.fixture
def demo():
    return _build()


def test_assessments_and_take_home_bottles_follow_the_rule(demo):
    t = demo.treatment
    assert TakeHomeCriteriaAssessment.objects.count() == t.assessments >= 10
    assert 0 < t.assessed_unmet < t.assessments
    bottles = TakeHomeBottle.objects.all()
    assert bottles.count() == t.takehome_bottles >= 10
    assert t.takehome_patients >= 5
    for bottle in bottles.select_related("issue"):
        assert bottle.issue.service_date == bottle.for_date - timedelta(days=1)
        assert bottle.issue.days_in_treatment > 30
        assert bottle.for_date <= TODAY + timedelta(days=1)
    statuses = list(bottles.values_list("status", flat=True))
    assert statuses.count("returned_empty") == t.returned_empty > statuses.count("not_returned")
    assert statuses.count("not_returned") == t.not_returned == 2
    assert statuses.count("issued") == t.bottles_out
    # Each bottle not returned left a concern for the prescriber, still open.
    assert TakeHomeConcern.objects.filter(acknowledged_at__isnull=True).count() == 2
    # Someone assessed with a criterion unmet is told why on today's list.
    reasons = {
        due.reason for clinic in Clinic.objects.all() for due in takehomes_due(clinic, TODAY)
    }
    assert "takehome_not_allowed" in reasons


def test_no_take_home_or_check_in_is_dated_ahead_of_the_build(demo):
    with time_machine.travel(FROZEN, tick=False):
        assert timezone.now() == FROZEN  # the build put the clock back
    assert not TakeHomeBottle.objects.filter(issued_at__gt=FROZEN).exists()
    assert not AuditEvent.objects.filter(occurred_at__gt=FROZEN).exists()


def test_injections_on_schedule_and_one_overdue(demo):
    t = demo.treatment
    assert t.injection_patients == 7
    assert Injection.objects.count() == t.injections
    products = set(Injection.objects.values_list("product", flat=True))
    assert {"sublocade", "naltrexone_xr", "brixadi_weekly"} <= products
    timings = [
        entry.timing for clinic in Clinic.objects.all() for entry in injections_due(clinic, TODAY)
    ]
    assert timings.count("overdue") == 1
    assert "not_yet_due" in timings


def test_most_people_have_naloxone_some_for_their_household_a_few_none(demo):
    t = demo.treatment
    open_patients = Episode.objects.filter(discharged_on__isnull=True).count()
    with_kit = NaloxoneKit.objects.values("patient").distinct().count()
    assert NaloxoneKit.objects.count() == t.kits
    assert with_kit + t.no_naloxone == open_patients
    assert 0 < t.no_naloxone < open_patients * 0.25
    household = NaloxoneKit.objects.filter(recipient="household")
    assert household.count() == t.household_kits > 0
    assert all(k.training_recorded and k.recipient_name for k in household)


def _build_and_forget():
    """Build in a transaction rolled back at the end; what the take-home part wrote."""
    with transaction.atomic():
        summary = _build()
        snapshot = (
            summary.treatment.patients,
            summary.treatment.kits,
            sorted(TakeHomeBottle.objects.values_list("patient__mrn", "for_date", "status")),
            sorted(NaloxoneKit.objects.values_list("patient__mrn", "recipient", "quantity")),
        )
        transaction.set_rollback(True)
    return snapshot


def test_the_build_is_deterministic():
    first = _build_and_forget()
    assert first[2]
    assert first[3]
    assert _build_and_forget() == first


def test_the_audit_chain_holds(demo):
    assert verify_chain() is None
    assert AuditEvent.objects.filter(object_type="takehome_issue").count() == (
        TakeHomeBottle.objects.values("issue").distinct().count()
    )

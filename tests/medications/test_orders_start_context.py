"""The last opioid use, COWS score and naloxone challenge recorded on an order draft."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mooring.audit.models import AuditEvent
from mooring.core.errors import ValidationFailed
from mooring.medications.models import LastOpioid, MedicationOrder, NaloxoneChallenge
from mooring.medications.services import order_change
from mooring.rules.instruments.cows import COWS
from mooring.rules.naltrexone import ChallengeResult
from mooring.rules.withdrawal import LastOpioid as RulesLastOpioid
from tests.medications.conftest import TODAY, local

pytestmark = pytest.mark.django_db

NOW = local(TODAY, 9)


def test_the_choices_are_the_rules_core_s_values():
    assert set(LastOpioid.values) == {k.value for k in RulesLastOpioid}
    assert set(NaloxoneChallenge.values) == {r.value for r in ChallengeResult}


def test_a_draft_records_the_start_context_and_audits_it(draft):
    order = draft(
        last_opioid="short_acting",
        last_opioid_use_at=NOW - timedelta(hours=14),
        cows_score=13,
        naloxone_challenge="negative",
    )
    order.refresh_from_db()
    assert (order.last_opioid, order.cows_score, order.naloxone_challenge) == (
        "short_acting",
        13,
        "negative",
    )
    assert order.last_opioid_use_at == NOW - timedelta(hours=14)
    event = AuditEvent.objects.filter(object_type="medication_order").latest("id")
    assert event.detail["last_opioid"] == "short_acting"
    assert event.detail["cows_score"] == 13


def test_existing_callers_need_no_start_context(draft):
    order = draft()
    assert (order.last_opioid, order.last_opioid_use_at, order.cows_score) == ("", None, None)


@pytest.mark.parametrize(
    ("context", "field", "code"),
    [
        ({"last_opioid": "short_acting"}, "last_opioid_use_at", "last_opioid_incomplete"),
        ({"last_opioid_use_at": NOW}, "last_opioid", "last_opioid_incomplete"),
        (
            {"last_opioid": "heroin", "last_opioid_use_at": NOW},
            "last_opioid",
            "invalid_choice",
        ),
        (
            {"last_opioid": "methadone", "last_opioid_use_at": datetime(2026, 3, 1, 9)},
            "last_opioid_use_at",
            "naive_datetime",
        ),
        (
            {"last_opioid": "methadone", "last_opioid_use_at": NOW + timedelta(hours=1)},
            "last_opioid_use_at",
            "future_time",
        ),
        ({"cows_score": COWS.max_total + 1}, "cows_score", "out_of_range"),
        ({"cows_score": -1}, "cows_score", "out_of_range"),
        ({"cows_score": True}, "cows_score", "out_of_range"),
        ({"naloxone_challenge": "unclear"}, "naloxone_challenge", "invalid_choice"),
    ],
)
def test_bad_start_context_is_refused_by_field(draft, context, field, code):
    with pytest.raises(ValidationFailed) as caught:
        draft(**context)
    assert (field, code) in {(p.field, p.code) for p in caught.value.problems}
    assert not MedicationOrder.objects.exists()


def test_a_time_a_few_minutes_ahead_is_clock_skew_not_the_future(draft):
    draft(last_opioid="short_acting", last_opioid_use_at=NOW + timedelta(minutes=2))


def test_the_database_keeps_kind_and_time_together_and_the_cows_range(draft):
    order = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicationOrder.objects.filter(pk=order.pk).update(last_opioid="methadone")
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicationOrder.objects.filter(pk=order.pk).update(cows_score=COWS.max_total + 1)


def test_the_model_s_cows_range_is_the_instrument_s():
    from mooring.medications.models import COWS_RANGE

    assert (COWS.min_total, COWS.max_total) == COWS_RANGE


def test_a_change_carries_the_start_context_over_unless_given(signed, ada):
    used = NOW - timedelta(days=20)
    first = signed(
        medication="naltrexone_oral",
        form="tablet",
        phase="induction",
        mg=25,
        last_opioid="short_acting",
        last_opioid_use_at=used,
        naloxone_challenge="negative",
    )
    kept = order_change(
        actor=ada, previous=first, start_date=TODAY + timedelta(days=2), daily_dose_mg=Decimal("50")
    )
    assert (kept.last_opioid, kept.last_opioid_use_at, kept.naloxone_challenge) == (
        "short_acting",
        used,
        "negative",
    )
    changed = order_change(
        actor=ada,
        previous=kept,
        start_date=TODAY + timedelta(days=4),
        daily_dose_mg=Decimal("50"),
        phase="maintenance",
        cows_score=3,
    )
    assert (changed.cows_score, changed.last_opioid) == (3, "short_acting")

"""Prescribing: drafts, signing against the protocol profile, overrides, changes, ends."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from mooring.audit.models import AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, NotFoundOrForbidden, ValidationFailed
from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.medications.rules_bridge import RuleRefused
from mooring.medications.services import (
    OrderDraft,
    order_change,
    order_draft,
    order_end,
    order_sign,
    qtc_record,
)
from mooring.rules.profiles import get_profile
from tests.medications.conftest import START_MG, TODAY, local

pytestmark = pytest.mark.django_db
PROFILE = get_profile("US-FED-2024")
METHADONE = PROFILE.methadone


def test_a_signed_order_records_who_when_and_which_profile(signed, personas):
    order = signed()
    assert order.status == OrderStatus.SIGNED
    assert order.prescriber == personas["ada"]
    assert order.signed_at is not None
    assert order.protocol_profile == "US-FED-2024"
    event = AuditEvent.objects.filter(object_type="medication_order").last()
    assert event.detail["event"] == "signed"
    assert event.data_category == "sud_treatment"


def test_only_a_prescriber_signs(draft, personas, actor_for):
    order = draft()
    with pytest.raises(CapabilityDenied):
        order_sign(actor=actor_for(personas["ben"]), order=order)
    assert MedicationOrder.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_another_clinic_cannot_even_see_the_patient(
    draft, make_patient, personas, actor_for, ridge, clock
):
    patient = make_patient()
    with pytest.raises(NotFoundOrForbidden):
        order_draft(
            actor=actor_for(personas["sam"], ridge),
            patient=patient,
            data=OrderDraft(
                medication="methadone",
                form="oral_liquid",
                phase="induction",
                daily_dose_mg=START_MG,
                start_date=TODAY,
            ),
        )


def test_a_first_dose_over_the_profile_limit_names_the_rule_profile_and_sources(draft, ada):
    too_much = METHADONE.first_dose_max_mg.value + 10
    order = draft(mg=too_much)
    with pytest.raises(RuleRefused) as caught:
        order_sign(actor=ada, order=order)
    codes = {p.code for p in caught.value.problems}
    assert "methadone.first_dose_over_limit" in codes
    message = caught.value.problems[0].message
    assert "US-FED-2024" in message
    assert METHADONE.first_dose_max_mg.evidence[0] in message
    assert caught.value.overridable
    assert isinstance(caught.value, ValidationFailed)
    assert MedicationOrder.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_an_overridable_refusal_signs_with_a_documented_reason(draft, ada):
    order = draft(mg=METHADONE.first_day_max_mg.value + 10)
    signed = order_sign(
        actor=ada, order=order, override_reason="Transfer patient, verified 80 mg at prior OTP."
    )
    assert signed.status == OrderStatus.SIGNED
    assert "methadone.first_day_over_limit" in signed.override_rule_codes
    assert signed.override_reason.startswith("Transfer patient")
    event = AuditEvent.objects.filter(object_type="medication_order").last()
    assert "methadone.first_day_over_limit" in event.detail["override_rule_codes"]
    assert event.detail["override_reason"] == signed.override_reason


def test_a_blank_override_reason_does_not_override(draft, ada):
    with pytest.raises(RuleRefused):
        order_sign(
            actor=ada, order=draft(mg=METHADONE.first_dose_max_mg.value + 10), override_reason="   "
        )


def test_a_signed_order_cannot_be_signed_again(signed, ada):
    order = signed()
    with pytest.raises(Conflict) as caught:
        order_sign(actor=ada, order=order)
    assert caught.value.code == "order_already_signed"


def _dose_days(order, give, clock, days):
    for offset in range(days):
        clock.move_to(local(TODAY + timedelta(days=offset), 8))
        give(order)


def test_a_change_is_a_new_order_that_ends_the_old_one(signed, give, clock, ada):
    first = signed()
    _dose_days(first, give, clock, METHADONE.min_days_between_increases.value)
    start = TODAY + timedelta(days=METHADONE.min_days_between_increases.value)
    clock.move_to(local(start, 7))
    second = order_change(
        actor=ada,
        previous=first,
        start_date=start,
        daily_dose_mg=START_MG + METHADONE.max_increase_step_mg.value,
        phase="titration",
    )
    first.refresh_from_db()
    assert second.supersedes == first
    assert second.status == OrderStatus.SIGNED
    assert first.end_date == start
    assert first.status == OrderStatus.ENDED
    assert not first.is_active_on(start)
    assert second.is_active_on(start)
    assert first.daily_dose_mg == START_MG  # never edited


def test_an_increase_larger_than_the_step_is_refused(signed, give, clock, ada):
    first = signed()
    _dose_days(first, give, clock, METHADONE.min_days_between_increases.value)
    start = TODAY + timedelta(days=METHADONE.min_days_between_increases.value)
    clock.move_to(local(start, 7))
    with pytest.raises(RuleRefused) as caught:
        order_change(
            actor=ada,
            previous=first,
            start_date=start,
            daily_dose_mg=START_MG + METHADONE.max_increase_step_mg.value + 1,
        )
    assert "methadone.increase_step_over_limit" in {p.code for p in caught.value.problems}
    first.refresh_from_db()
    assert first.end_date is None  # nothing half-written
    assert not MedicationOrder.objects.filter(supersedes=first).exists()


def test_an_increase_too_soon_after_the_last_is_refused(signed, give, clock, ada):
    first = signed()
    _dose_days(first, give, clock, 1)
    start = TODAY + timedelta(days=1)
    with pytest.raises(RuleRefused) as caught:
        order_change(actor=ada, previous=first, start_date=start, daily_dose_mg=START_MG + 5)
    assert "methadone.increase_too_soon" in {p.code for p in caught.value.problems}


def test_a_high_qtc_refuses_an_increase(signed, give, clock, ada):
    first = signed()
    days = METHADONE.min_days_between_increases.value
    _dose_days(first, give, clock, days)
    start = TODAY + timedelta(days=days)
    clock.move_to(local(start, 7))
    qtc_record(
        actor=ada,
        patient=first.patient,
        measured_on=start - timedelta(days=1),
        qtc_ms=PROFILE.qtc.refusal_above_ms.value + 10,
    )
    with pytest.raises(RuleRefused) as caught:
        order_change(actor=ada, previous=first, start_date=start, daily_dose_mg=START_MG + 5)
    assert "methadone.qtc_over_refusal_limit" in {p.code for p in caught.value.problems}


def test_two_signed_orders_of_one_medication_cannot_overlap(signed, make_patient):
    patient = make_patient()
    signed(patient)
    with pytest.raises(Conflict) as caught:
        signed(patient, start=TODAY + timedelta(days=3))
    assert caught.value.code == "overlapping_order"


@pytest.mark.parametrize(
    ("mg", "split", "field", "code"),
    [
        (Decimal("0"), 1, "daily_dose_mg", "not_positive"),
        (Decimal("-5"), 1, "daily_dose_mg", "not_positive"),
        (Decimal("30.005"), 1, "daily_dose_mg", "too_precise"),
        (Decimal("100"), 3, "split", "split_not_exact"),
        (Decimal("30"), 0, "split", "invalid"),
    ],
)
def test_bad_doses_name_the_field(draft, mg, split, field, code):
    with pytest.raises(ValidationFailed) as caught:
        draft(mg=mg, split=split)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_an_order_cannot_start_in_the_past(draft, ada):
    order = draft(start=TODAY - timedelta(days=1))
    with pytest.raises(ValidationFailed) as caught:
        order_sign(actor=ada, order=order)
    assert caught.value.code == "start_in_past"


def test_ending_an_order_sets_its_end_date(signed, ada):
    order = signed()
    ended = order_end(
        actor=ada, order=order, end_date=TODAY + timedelta(days=7), reason="Completed taper"
    )
    assert ended.end_date == TODAY + timedelta(days=7)
    assert ended.status == OrderStatus.ENDED
    assert ended.is_active_on(TODAY + timedelta(days=6))
    assert not ended.is_active_on(TODAY + timedelta(days=7))


def test_medications_without_a_rule_yet_are_marked_unchecked(signed):
    order = signed(medication="naloxone_kit", form="nasal_spray", phase="maintenance", mg=4)
    assert [f["code"] for f in order.rule_findings] == ["rules.not_checked"]


def test_a_buprenorphine_first_dose_over_the_limit_is_refused(draft, ada):
    limit = PROFILE.buprenorphine.first_dose_max_mg.value
    order = draft(medication="buprenorphine_naloxone", form="film", mg=limit + 2)
    with pytest.raises(RuleRefused) as caught:
        order_sign(actor=ada, order=order)
    assert all(p.code.startswith("buprenorphine.") for p in caught.value.problems)


def test_pregnancy_findings_are_kept_on_the_signed_order(signed, make_patient, ada):
    from mooring.patients.services import pregnancy_record

    patient = make_patient()
    pregnancy_record(
        actor=ada, patient=patient, is_pregnant=True, estimated_due_date=TODAY + timedelta(days=150)
    )
    order = signed(patient)
    assert "pregnancy.agonist_recommended" in [f["code"] for f in order.rule_findings]

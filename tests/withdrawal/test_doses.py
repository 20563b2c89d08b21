"""Lofexidine and clonidine doses: the rules' limits, overrides, site settings and permissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from mooring.audit.models import AuditEvent
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.medications.rules_bridge import RuleRefused
from mooring.rules.profiles import get_profile
from mooring.withdrawal.models import WithdrawalDose
from mooring.withdrawal.selectors import course_status
from mooring.withdrawal.services import (
    impairment_record,
    withdrawal_dose_give,
    withdrawal_settings_set,
)
from tests.withdrawal.conftest import TODAY, local, tablets

pytestmark = pytest.mark.django_db
PROFILE = get_profile("US-FED-2024")
LOF = PROFILE.lofexidine
CLON = PROFILE.clonidine
GAP = timedelta(hours=LOF.min_hours_between_doses.value)


def codes(caught) -> set[str]:
    return {p.code for p in caught.value.problems}


def found(dose) -> set[str]:
    return {f["code"] for f in dose.rule_findings}


def test_a_first_lofexidine_dose_is_recorded_with_its_profile_and_audited(
    lofexidine, give, personas
):
    order = lofexidine()
    dose = give(order)
    assert (dose.medicine, dose.dose_mg, dose.day_of_course) == ("lofexidine", tablets(3), 1)
    assert dose.service_date == TODAY
    assert dose.given_by == personas["ben"]
    assert dose.protocol_profile == "US-FED-2024"
    assert (dose.hepatic, dose.renal) == ("none", "none")
    event = AuditEvent.objects.get(object_type="withdrawal_dose")
    assert event.patient == order.patient
    assert event.data_category == "sud_treatment"
    assert event.detail["daily_max_mg"] == str(LOF.max_daily_mg.value)


def test_a_dose_too_soon_is_refused_and_only_a_prescriber_overrides_it(
    lofexidine, give, clock, ada
):
    order = lofexidine()
    give(order)
    clock.move_to(local(TODAY, 11))
    with pytest.raises(RuleRefused) as caught:
        give(order)
    assert codes(caught) == {"lofexidine.too_soon"}
    assert caught.value.overridable
    assert "US-FED-2024" in caught.value.problems[0].message
    assert LOF.min_hours_between_doses.evidence[0] in caught.value.problems[0].message
    with pytest.raises(CapabilityDenied) as denied:
        give(order, override_reason="Severe symptoms, COWS 18")
    assert denied.value.code == "override_needs_prescriber"
    dose = give(order, actor=ada, override_reason="Severe symptoms, COWS 18")
    assert dose.override_rule_codes == ["lofexidine.too_soon"]
    assert (
        AuditEvent.objects.filter(object_type="withdrawal_dose").last().detail["override_reason"]
        == "Severe symptoms, COWS 18"
    )


def test_a_dose_past_the_label_single_limit_is_refused_without_override(lofexidine, give, ada):
    order = lofexidine()
    too_many = LOF.max_single_dose_mg.value + LOF.tablet_mg.value
    with pytest.raises(RuleRefused) as caught:
        give(order, dose=too_many, actor=ada, override_reason="please")
    assert codes(caught) == {"lofexidine.single_dose_over_limit"}
    assert not caught.value.overridable
    assert not WithdrawalDose.objects.exists()


def test_hepatic_impairment_lowers_the_limits(lofexidine, give, ada, clock):
    order = lofexidine()
    impairment_record(
        actor=ada, patient=order.patient, hepatic="moderate", renal="none", assessed_on=TODAY
    )
    with pytest.raises(RuleRefused) as caught:
        give(order)  # 3 tablets: above a quarter of the moderate-impairment daily limit
    assert "lofexidine.single_dose_over_limit" in codes(caught)
    assert LOF.hepatic_moderate_daily_max_mg.evidence[0] in caught.value.problems[0].message
    dose = give(order, dose=tablets(2))
    assert dose.hepatic == "moderate"
    status = course_status(order, local(TODAY, 12))
    assert status.daily_max_mg == LOF.hepatic_moderate_daily_max_mg.value
    assert status.remaining_today_mg == LOF.hepatic_moderate_daily_max_mg.value - tablets(2)


def test_the_label_daily_limit_refuses_a_fifth_full_dose(lofexidine, give, clock):
    order = lofexidine(mg=LOF.max_daily_mg.value, split=4)
    clock.move_to(local(TODAY, 23))
    start = local(TODAY, 0, 30)
    for n in range(4):
        give(order, given_at=start + n * GAP)
    with pytest.raises(RuleRefused) as caught:
        give(order, given_at=start + 4 * GAP)
    assert {"lofexidine.daily_over_limit", "withdrawal.over_ordered_daily_dose"} <= codes(caught)


def test_the_order_caps_the_day_below_the_label(lofexidine, give, clock):
    order = lofexidine(mg=tablets(6), split=2)
    give(order)
    clock.move_to(local(TODAY, 9) + GAP)
    give(order)
    clock.move_to(local(TODAY, 9) + 2 * GAP)
    with pytest.raises(RuleRefused) as caught:
        give(order)
    assert codes(caught) == {"withdrawal.over_ordered_daily_dose"}


def test_past_the_course_length_a_prescriber_must_give_a_reason(lofexidine, give, clock, ada):
    order = lofexidine()
    give(order)
    longest = LOF.max_course_days.value
    clock.move_to(local(TODAY + timedelta(days=longest - 3), 9))
    near_end = give(order)
    assert near_end.day_of_course == longest - 2
    assert "lofexidine.taper_due" in found(near_end)
    clock.move_to(local(TODAY + timedelta(days=longest), 9))
    with pytest.raises(RuleRefused) as caught:
        give(order)
    assert codes(caught) == {"lofexidine.course_over_limit"}
    dose = give(order, actor=ada, override_reason="Still in withdrawal; taper from tomorrow")
    assert dose.day_of_course == longest + 1
    assert dose.override_rule_codes == ["lofexidine.course_over_limit"]


def test_a_changed_order_continues_the_same_course(lofexidine, give, clock, ada):
    from mooring.medications.services import order_change

    order = lofexidine()
    give(order)
    clock.move_to(local(TODAY + timedelta(days=1), 9))
    taper = order_change(
        actor=ada,
        previous=order,
        start_date=TODAY + timedelta(days=1),
        daily_dose_mg=tablets(8),
        phase="taper",
    )
    assert give(taper, dose=tablets(2)).day_of_course == 2


def test_lofexidine_with_methadone_adds_the_qt_caution(lofexidine, give, signed, make_patient):
    patient = make_patient()
    signed(patient)  # methadone
    dose = give(lofexidine(patient))
    assert "lofexidine.qt_with_methadone" in found(dose)


def test_part_tablets_are_refused_with_the_field(lofexidine, give):
    with pytest.raises(ValidationFailed) as caught:
        give(lofexidine(), dose=Decimal("0.5"))
    assert (caught.value.code, caught.value.field) == ("rules_input_invalid", "dose_mg")


def test_clonidine_is_refused_until_the_clinic_turns_it_on(clonidine, give, ada, harbor):
    order = clonidine()
    with pytest.raises(RuleRefused) as caught:
        give(order, pulse_bpm=80, systolic_mmhg=120)
    assert codes(caught) == {"clonidine.not_enabled"}
    assert not caught.value.overridable
    withdrawal_settings_set(actor=ada, clonidine_enabled=True, reason="Medical director's protocol")
    dose = give(order, pulse_bpm=80, systolic_mmhg=120, diastolic_mmhg=75)
    assert dose.protocol_profile == "US-FED-2024@harbor"
    assert (dose.pulse_bpm, dose.systolic_mmhg, dose.diastolic_mmhg) == (80, 120, 75)
    event = AuditEvent.objects.get(object_type="clinic_withdrawal_settings")
    assert event.detail["clonidine_enabled"] is True


def test_clonidine_holds_for_low_blood_pressure_and_asks_for_vitals(clonidine, give, ada, clock):
    withdrawal_settings_set(actor=ada, clonidine_enabled=True, reason="Protocol")
    order = clonidine()
    low = CLON.hold_systolic_below_mmhg.value - 5
    with pytest.raises(RuleRefused) as caught:
        give(order, pulse_bpm=80, systolic_mmhg=low, actor=ada, override_reason="please")
    assert codes(caught) == {"clonidine.hold_low_blood_pressure"}
    assert "US-FED-2024@harbor" in caught.value.problems[0].message
    dose = give(order)
    assert "clonidine.vitals_missing" in found(dose)


def test_switching_clonidine_off_again_refuses_it(clonidine, give, ada):
    withdrawal_settings_set(actor=ada, clonidine_enabled=True, reason="Protocol")
    withdrawal_settings_set(actor=ada, clonidine_enabled=False, reason="Protocol withdrawn")
    with pytest.raises(RuleRefused) as caught:
        give(clonidine(), pulse_bpm=80, systolic_mmhg=120)
    assert codes(caught) == {"clonidine.not_enabled"}


def test_only_a_prescriber_sets_the_clinic_choice(ben, personas, actor_for):
    with pytest.raises(CapabilityDenied):
        withdrawal_settings_set(actor=ben, clonidine_enabled=True, reason="x")
    with pytest.raises(CapabilityDenied):
        withdrawal_settings_set(
            actor=actor_for(personas["eve"]), clonidine_enabled=True, reason="x"
        )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"pulse_bpm": 80}, "vitals_incomplete"),
        ({"diastolic_mmhg": 80}, "vitals_incomplete"),
        ({"pulse_bpm": 80, "systolic_mmhg": 900}, "implausible"),
    ],
)
def test_vitals_come_as_a_plausible_set(lofexidine, give, kwargs, code):
    with pytest.raises(ValidationFailed) as caught:
        give(lofexidine(), **kwargs)
    assert code in {p.code for p in caught.value.problems}


def test_a_methadone_order_is_not_a_withdrawal_course(signed, give):
    with pytest.raises(ValidationFailed) as caught:
        give(signed(), dose=Decimal("30"))
    assert caught.value.code == "order_not_withdrawal_medicine"


@pytest.mark.parametrize("username", ["dan", "chloe", "kai"])
def test_front_desk_and_counsellors_cannot_give(lofexidine, personas, actor_for, username):
    order = lofexidine()
    with pytest.raises(CapabilityDenied):
        withdrawal_dose_give(actor=actor_for(personas[username]), order=order, dose_mg=tablets(3))


def test_a_ridge_nurse_cannot_act_on_a_harbor_patient(lofexidine, personas, actor_for, ridge):
    order = lofexidine()
    with pytest.raises(NotFoundOrForbidden):
        withdrawal_dose_give(
            actor=actor_for(personas["sam"], ridge), order=order, dose_mg=tablets(3)
        )
    with pytest.raises(NotFoundOrForbidden):
        impairment_record(
            actor=actor_for(personas["sam"], ridge),
            patient=order.patient,
            hepatic="mild",
            renal="none",
            assessed_on=TODAY,
        )


def test_the_course_status_shows_the_day_and_the_taper(lofexidine, give, clock):
    order = lofexidine()
    give(order)
    status = course_status(order, local(TODAY + timedelta(days=2), 8))
    assert status.day_of_course == 3
    assert status.doses_today == ()
    assert status.daily_max_mg == order.daily_dose_mg
    assert status.taper_tablets_per_dose[0] == 2
    assert not status.clonidine_enabled


def test_a_withdrawal_dose_is_never_changed(lofexidine, give):
    dose = give(lofexidine())
    with pytest.raises(RuntimeError):
        dose.save()
    with pytest.raises(RuntimeError):
        dose.delete()

"""Giving long-acting injections: the window, the dose, the site, overrides and who may give."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from mooring.audit.models import AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, NotFoundOrForbidden, ValidationFailed
from mooring.injections.models import InjectionAdministration
from mooring.medications.rules_bridge import RuleRefused
from mooring.rules.injectables import INJECTABLE_SPECS, InjectableProduct
from tests.injections.conftest import TODAY, local

pytestmark = pytest.mark.django_db
NALTREXONE = INJECTABLE_SPECS[InjectableProduct.NALTREXONE_XR]
INTERVAL = NALTREXONE.intervals[0]


def codes(caught) -> set[str]:
    return {p.code for p in caught.value.problems}


def test_a_first_naltrexone_injection_is_recorded_with_its_findings_and_audited(
    naltrexone, inject, personas
):
    order = naltrexone()
    injection = inject(order)
    assert injection.injection_number == 1
    assert injection.product == "naltrexone_xr"
    assert injection.service_date == TODAY
    assert injection.timing == "due"
    assert injection.given_by == personas["ben"]
    assert injection.protocol_profile == NALTREXONE.preset_id
    found = {f["code"] for f in injection.rule_findings}
    assert {"injectable.first_injection_requirement", "injectable.offer_naloxone"} <= found
    event = AuditEvent.objects.get(object_type="injection_administration")
    assert event.object_id == str(injection.uuid)
    assert event.patient == order.patient
    assert event.data_category == "sud_treatment"
    assert event.detail["lot"] == "NX-2026-01"
    assert event.detail["injection_number"] == 1


def test_an_injection_before_the_earliest_day_is_refused_naming_rule_and_source(
    naltrexone, inject, clock
):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.earliest_days - 1), 10))
    with pytest.raises(RuleRefused) as caught:
        inject(order, site="gluteal_right")
    assert codes(caught) == {"injection.not_yet_due"}
    assert caught.value.overridable
    message = caught.value.problems[0].message
    assert NALTREXONE.preset_id in message
    assert INTERVAL.evidence[0] in message
    assert InjectionAdministration.objects.count() == 1


def test_a_nurse_cannot_override_the_window_but_a_prescriber_can_with_a_reason(
    naltrexone, inject, clock, ada
):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.earliest_days - 3), 10))
    with pytest.raises(CapabilityDenied) as caught:
        inject(order, site="gluteal_right", override_reason="Travelling next week")
    assert caught.value.code == "override_needs_prescriber"
    reason = "Leaving the state for three weeks; early dose agreed"
    injection = inject(order, actor=ada, site="gluteal_right", override_reason=reason)
    assert injection.override_rule_codes == ["injection.not_yet_due"]
    assert injection.override_reason == reason
    assert injection.injection_number == 2
    assert injection.timing == "not_yet_due"
    event = AuditEvent.objects.filter(object_type="injection_administration").last()
    assert event.detail["override_reason"] == reason
    assert event.detail["override_rule_codes"] == ["injection.not_yet_due"]


def test_an_override_reason_is_not_recorded_when_nothing_was_refused(naltrexone, inject, ada):
    injection = inject(naltrexone(), actor=ada, override_reason="just in case")
    assert injection.override_reason == ""
    assert injection.override_rule_codes == []


def test_on_the_due_day_the_second_injection_goes_ahead_and_a_repeated_site_is_a_caution(
    naltrexone, inject, clock
):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.due_days), 10))
    second = inject(order)
    assert second.injection_number == 2
    assert second.timing == "due"
    assert "injection.same_site_as_last" in {f["code"] for f in second.rule_findings}


def test_a_late_injection_is_given_with_the_overdue_caution(naltrexone, inject, clock):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.latest_days + 3), 10))
    late = inject(order, site="gluteal_right")
    assert late.timing == "overdue"
    assert "injectable.overdue" in {f["code"] for f in late.rule_findings}


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"site": "abdomen_left"}, "injection.site_not_for_product"),
        ({"site": "elbow"}, "injection.site_not_for_product"),
        ({"expiry": TODAY - timedelta(days=1)}, "injection.product_expired"),
        ({"dose": Decimal("190")}, "injection.dose_not_a_strength"),
    ],
)
def test_unsafe_injections_are_refused_and_cannot_be_overridden(
    naltrexone, inject, ada, kwargs, code
):
    order = naltrexone()
    with pytest.raises(RuleRefused) as caught:
        inject(order, actor=ada, override_reason="please", **kwargs)
    assert code in codes(caught)
    assert not caught.value.overridable
    assert not InjectionAdministration.objects.exists()


def test_weekly_buprenorphine_must_match_the_ordered_strength(signed, inject):
    order = signed(
        medication="buprenorphine_xr_weekly",
        form="injection",
        phase="maintenance",
        mg=Decimal("16"),
    )
    with pytest.raises(RuleRefused) as caught:
        inject(order, site="thigh_left", dose=Decimal("24"))
    assert codes(caught) == {"injection.dose_not_ordered"}
    injection = inject(order, site="thigh_left")
    assert injection.product == "brixadi_weekly"


def test_monthly_buprenorphine_names_its_product_once_then_follows_it(signed, inject, clock):
    order = signed(
        medication="buprenorphine_xr_monthly",
        form="injection",
        phase="maintenance",
        mg=Decimal("300"),
    )
    with pytest.raises(ValidationFailed) as caught:
        inject(order, site="abdomen_left")
    assert caught.value.code == "product_required"
    with pytest.raises(ValidationFailed) as caught:
        inject(order, site="abdomen_left", product="naltrexone_xr")
    assert caught.value.code == "product_not_for_order"
    first = inject(order, site="abdomen_left", product="sublocade")
    assert first.product == "sublocade"
    spec = INJECTABLE_SPECS[InjectableProduct.SUBLOCADE]
    clock.move_to(local(TODAY + timedelta(days=spec.intervals[0].due_days), 10))
    second = inject(order, site="abdomen_right")
    assert (second.product, second.injection_number) == ("sublocade", 2)


def test_a_non_injectable_order_is_refused(signed, inject):
    order = signed()  # methadone
    with pytest.raises(ValidationFailed) as caught:
        inject(order, dose=Decimal("30"))
    assert caught.value.code == "order_not_injectable"


def test_the_same_injection_twice_in_a_day_is_a_conflict(naltrexone, inject, clock):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY, 15))
    with pytest.raises(Conflict) as caught:
        inject(order, site="gluteal_right")
    assert caught.value.code == "already_injected_today"


def test_an_order_on_hold_is_not_injected(naltrexone, inject, ada):
    from mooring.medications.services import hold_place

    order = naltrexone()
    hold_place(actor=ada, patient=order.patient, reason="Liver tests pending", starts_on=TODAY)
    with pytest.raises(ValidationFailed) as caught:
        inject(order)
    assert caught.value.code == "on_hold"


def test_an_injection_cannot_be_recorded_in_the_future_or_without_a_lot(naltrexone, inject):
    order = naltrexone()
    with pytest.raises(ValidationFailed) as caught:
        inject(order, at=local(TODAY, 11), lot=" ")
    assert {p.code for p in caught.value.problems} == {"administered_in_future", "required"}


@pytest.mark.parametrize("username", ["dan", "chloe", "kai", "olu"])
def test_only_nurses_and_prescribers_give_injections(
    naltrexone, inject, personas, actor_for, username
):
    order = naltrexone()
    with pytest.raises((CapabilityDenied, NotFoundOrForbidden)):
        inject(order, actor=actor_for(personas[username]))
    assert not InjectionAdministration.objects.exists()


def test_a_ridge_nurse_cannot_act_on_a_harbor_patient(
    naltrexone, inject, personas, actor_for, ridge
):
    order = naltrexone()
    with pytest.raises(NotFoundOrForbidden):
        inject(order, actor=actor_for(personas["sam"], ridge))


def test_an_injection_row_is_never_changed(naltrexone, inject):
    injection = inject(naltrexone())
    injection.note = "edited"
    with pytest.raises(RuntimeError):
        injection.save()
    with pytest.raises(RuntimeError):
        injection.delete()


def test_the_service_date_is_the_clinic_day(naltrexone, inject, clock):
    order = naltrexone()
    clock.move_to(local(TODAY, 23, 30))  # 04:30 UTC the next day
    injection = inject(order)
    assert injection.service_date == TODAY
    assert injection.service_date != date(2026, 3, 3)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_an_update_that_bypasses_the_model(naltrexone, inject):
    injection = inject(naltrexone())
    with pytest.raises(DatabaseError), transaction.atomic():
        InjectionAdministration.objects.filter(pk=injection.pk).update(note="edited")

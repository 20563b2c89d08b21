"""The patient's injection page: schedule, history, and giving through the real service."""
# ruff: noqa: F811  (the fixtures imported from tests.injections.conftest are reused by name)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.audit.models import AuditEvent
from mooring.injections.models import InjectionAdministration
from mooring.rules.injectables import INJECTABLE_SPECS, InjectableProduct
from tests.injections.conftest import (  # noqa: F401 (fixtures)
    EXPIRY,
    TODAY,
    ada,
    ben,
    clock,
    draft,
    inject,
    local,
    naltrexone,
    signed,
)

pytestmark = pytest.mark.django_db
INTERVAL = INJECTABLE_SPECS[InjectableProduct.NALTREXONE_XR].intervals[0]


def _page(patient):
    return reverse("web:patient_injections", args=[patient.uuid])


def _give(client, order, **overrides):
    data = {
        "order": str(order.uuid),
        "site": "gluteal_left",
        "dose_mg": str(order.daily_dose_mg),
        "lot": "NX-2026-07",
        "expiry": EXPIRY.isoformat(),
        "note": "",
        "override_reason": "",
        **overrides,
    }
    return client.post(reverse("web:injection_give", args=[order.patient.uuid]), data)


def test_ben_sees_the_schedule_and_an_empty_history(login, naltrexone):
    order = naltrexone()
    response = login("ben").get(_page(order.patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Extended-release naltrexone 380 mg" in body
    assert "First injection: no window yet" in body
    assert "No injections recorded." in body
    assert 'name="site"' in body
    # Naltrexone is gluteal only: the site list offers buttocks, not the abdomen.
    assert 'value="gluteal_left"' in body
    assert 'value="abdomen_left"' not in body
    assert 'for="id_' in body  # every field has its label


def test_ben_gives_an_injection_and_it_is_audited(login, naltrexone, personas):
    order = naltrexone()
    client = login("ben")
    response = _give(client, order)
    assert response.status_code == 302
    assert response["Location"] == _page(order.patient)
    injection = InjectionAdministration.objects.get()
    assert (injection.site, injection.lot, injection.given_by) == (
        "gluteal_left",
        "NX-2026-07",
        personas["ben"],
    )
    event = AuditEvent.objects.get(object_type="injection_administration")
    assert event.actor == personas["ben"]
    assert event.object_id == str(injection.uuid)
    body = client.get(_page(order.patient)).content.decode()
    assert "Injection 1 recorded" in body
    assert "Buttock (gluteal), left" in body
    assert "NX-2026-07" in body
    assert "Ben Cruz" in body
    assert "Injection 2" in body  # the next one, with its window
    assert "Not yet due" in body


def test_an_early_injection_shows_the_rule_and_ben_gets_no_override_field(
    login, naltrexone, inject, clock
):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.earliest_days - 3), 10))
    response = _give(login("ben"), order, site="gluteal_right")
    assert response.status_code == 422
    body = response.content.decode()
    assert "injection.not_yet_due" in body
    assert "LABEL:naltrexone_xr" in body
    assert INTERVAL.evidence[0] in body
    assert "Ask a prescriber" in body
    assert 'name="override_reason"' not in body
    assert InjectionAdministration.objects.count() == 1


def test_a_nurse_who_sends_a_reason_anyway_is_told_only_a_prescriber_may(
    login, naltrexone, inject, clock
):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.earliest_days - 3), 10))
    response = _give(login("ben"), order, site="gluteal_right", override_reason="Travel")
    assert response.status_code == 422
    assert "Only a prescriber may override" in response.content.decode()
    assert InjectionAdministration.objects.count() == 1


def test_ada_overrides_an_early_injection_with_a_reason(login, naltrexone, inject, clock, personas):
    order = naltrexone()
    inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.earliest_days - 3), 10))
    client = login("ada")
    refused = _give(client, order, site="gluteal_right")
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "injection.not_yet_due" in body
    assert 'name="override_reason"' in body
    assert "Give with override" in body
    reason = "Leaving the state for three weeks; early dose agreed"
    response = _give(client, order, site="gluteal_right", override_reason=reason)
    assert response.status_code == 302
    second = InjectionAdministration.objects.get(injection_number=2)
    assert second.override_reason == reason
    assert second.given_by == personas["ada"]
    event = AuditEvent.objects.filter(object_type="injection_administration").last()
    assert event.detail["override_rule_codes"] == ["injection.not_yet_due"]
    page = client.get(_page(order.patient)).content.decode()
    assert reason in page


def test_a_site_not_for_the_product_is_refused_even_for_ada(login, naltrexone):
    order = naltrexone()
    response = _give(login("ada"), order, site="thigh_left", override_reason="please")
    assert response.status_code == 422  # not a choice for naltrexone: the form says so
    assert not InjectionAdministration.objects.exists()


def test_an_expired_lot_is_refused_and_cannot_be_overridden(login, naltrexone):
    order = naltrexone()
    response = _give(
        login("ada"), order, expiry=(TODAY - timedelta(days=1)).isoformat(), override_reason="x"
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "injection.product_expired" in body
    assert "cannot be overridden" in body
    assert not InjectionAdministration.objects.exists()


def test_monthly_buprenorphine_asks_for_the_product_first(login, signed):
    from decimal import Decimal

    order = signed(
        medication="buprenorphine_xr_monthly",
        form="injection",
        phase="maintenance",
        mg=Decimal("300"),
    )
    client = login("ben")
    body = client.get(_page(order.patient)).content.decode()
    assert 'name="product"' in body
    assert "The first injection names the product" in body
    response = _give(client, order, site="abdomen_left", product="sublocade")
    assert response.status_code == 302
    assert InjectionAdministration.objects.get().product == "sublocade"


def test_front_desk_dan_cannot_read_or_give(login, naltrexone):
    order = naltrexone()
    client = login("dan")
    assert client.get(_page(order.patient)).status_code == 403
    assert _give(client, order).status_code == 403
    assert not InjectionAdministration.objects.exists()


def test_counsellor_chloe_reads_but_cannot_give(login, naltrexone):
    order = naltrexone()
    client = login("chloe")
    response = client.get(_page(order.patient))
    assert response.status_code == 200
    assert 'name="site"' not in response.content.decode()
    assert _give(client, order).status_code == 403
    assert not InjectionAdministration.objects.exists()


def test_sam_at_ridge_gets_not_found_for_a_harbor_patient(login, naltrexone):
    order = naltrexone()
    client = login("sam")
    assert client.get(_page(order.patient)).status_code == 404
    assert _give(client, order).status_code == 404
    assert not InjectionAdministration.objects.exists()


def test_an_order_that_is_not_the_patients_is_not_found(login, naltrexone):
    order, other = naltrexone(), naltrexone()
    response = login("ben").post(
        reverse("web:injection_give", args=[order.patient.uuid]), {"order": str(other.uuid)}
    )
    assert response.status_code == 404


def test_the_page_read_is_audited(login, naltrexone, personas):
    order = naltrexone()
    login("chloe").get(_page(order.patient))
    event = AuditEvent.objects.filter(action="read", patient=order.patient).last()
    assert event.actor == personas["chloe"]
    assert event.detail == {"purpose": "injections"}


def test_giving_needs_a_post(login, naltrexone):
    order = naltrexone()
    assert (
        login("ben").get(reverse("web:injection_give", args=[order.patient.uuid])).status_code
        == 405
    )

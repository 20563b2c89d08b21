"""About the start: the last opioid use, COWS and the naloxone challenge on the order forms.

The numbers are the US-FED-2024 profile's (read, not copied): a buprenorphine induction
waits 12 h after a short-acting opioid and needs COWS >= 8.
"""

# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.rules.profiles import get_profile
from mooring.web.forms_dosing import clinic_time
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    NEW_YORK,
    TODAY,
    ada,
    ben,
    clock,
    draft,
    local,
    signed,
)

pytestmark = pytest.mark.django_db
BUPRENORPHINE = get_profile("US-FED-2024").buprenorphine
WAIT_H = BUPRENORPHINE.wait_after_short_acting_hours.value
COWS_MIN = BUPRENORPHINE.min_cows_to_start.value


def test_the_profile_numbers_these_tests_rely_on():
    assert (WAIT_H, COWS_MIN) == (12, 8)


def _new(patient):
    return reverse("web:order_new", args=[patient.uuid])


def _wall(moment: datetime) -> str:
    """What a datetime-local input sends: clinic wall-clock time, no offset."""
    return moment.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")


def _induction(start=TODAY, **extra):
    return {
        "medication": "buprenorphine_naloxone",
        "form": "film",
        "phase": "induction",
        "daily_dose_mg": "4",
        "split": "1",
        "observed": "on",
        "start_date": start.isoformat(),
        **extra,
    }


def _naltrexone(**extra):
    return {
        "medication": "naltrexone_oral",
        "form": "tablet",
        "phase": "induction",
        "daily_dose_mg": "50",
        "split": "1",
        "start_date": TODAY.isoformat(),
        **extra,
    }


def _error_beside(body: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="id_{field}_error">([^<]*)</div>', body)
    assert match, f"no error beside {field}"
    return match.group(1)


def test_the_new_order_form_shows_the_start_fieldset(login, make_patient, clock):
    body = login("ada").get(reverse("web:patient_medication", args=[make_patient().uuid]))
    body = body.content.decode()
    assert "<legend>About the start</legend>" in body
    assert "naltrexone start or a buprenorphine induction" in body
    assert "America/New_York" in body
    assert 'type="datetime-local" name="last_opioid_use_at"' in body
    assert "Short-acting opioid (heroin, fentanyl, immediate-release oxycodone)" in body
    assert '<option value="" selected>Not done</option>' in body
    assert 'name="cows_score"' in body
    assert 'max="48"' in body
    assert "style=" not in body


def test_an_induction_14_hours_after_heroin_with_cows_13_is_signed(login, make_patient, clock):
    patient = make_patient()
    last_use = local(TODAY, 9) - timedelta(hours=14)
    response = login("ada").post(
        _new(patient),
        _induction(last_opioid="short_acting", last_opioid_use_at=_wall(last_use), cows_score="13"),
    )
    assert response.status_code == 302, response.content.decode()
    order = MedicationOrder.objects.get()
    assert order.status == OrderStatus.SIGNED
    assert (order.last_opioid, order.last_opioid_use_at, order.cows_score) == (
        "short_acting",
        last_use,
        13,
    )
    page = login("ada").get(reverse("web:patient_medication", args=[patient.uuid]))
    assert "Short-acting opioid" in page.content.decode()


def test_an_induction_6_hours_after_heroin_is_refused_beside_the_time(login, make_patient, clock):
    patient = make_patient()
    last_use = local(TODAY, 9) - timedelta(hours=6)
    response = login("ada").post(
        _new(patient),
        _induction(last_opioid="short_acting", last_opioid_use_at=_wall(last_use), cows_score="13"),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Saved as a draft, not signed." in body
    beside = _error_beside(body, "last_opioid_use_at")
    assert "6.0 h since the last short acting opioid" in beside
    assert "buprenorphine.wait_not_met" in beside
    assert 'aria-invalid="true"' in body
    # The refused values come back in the correction form, in clinic time.
    assert f'value="{_wall(last_use)}"' in body
    assert MedicationOrder.objects.get().status == OrderStatus.DRAFT


def test_a_low_cows_score_is_refused_beside_the_score(login, make_patient, clock):
    last_use = local(TODAY, 9) - timedelta(hours=20)
    response = login("ada").post(
        _new(make_patient()),
        _induction(
            last_opioid="short_acting",
            last_opioid_use_at=_wall(last_use),
            cows_score=str(COWS_MIN - 1),
        ),
    )
    assert response.status_code == 422
    assert "buprenorphine.cows_below_threshold" in _error_beside(
        response.content.decode(), "cows_score"
    )


def test_a_cows_score_out_of_range_is_a_form_error(login, make_patient, clock):
    response = login("ada").post(_new(make_patient()), _induction(cows_score="49"))
    assert response.status_code == 422
    _error_beside(response.content.decode(), "cows_score")
    assert not MedicationOrder.objects.exists()


def test_a_naltrexone_start_without_the_last_use_is_refused_then_overridden_by_ada(
    login, make_patient, clock
):
    patient = make_patient()
    client = login("ada")
    response = client.post(_new(patient), _naltrexone(naloxone_challenge="negative"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "naltrexone.last_use_unknown" in _error_beside(body, "last_opioid_use_at")
    assert "Reason for overriding the refusal" in body
    assert "Every refusal below may be overridden with a written reason." in body
    order = MedicationOrder.objects.get()
    response = client.post(
        reverse("web:order_sign", args=[patient.uuid, order.uuid]),
        {"override_reason": "Negative naloxone challenge in clinic today; person is sure."},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED
    assert order.prescriber.username == "ada"
    assert order.override_rule_codes == ["naltrexone.last_use_unknown"]
    assert order.naloxone_challenge == "negative"


def test_a_positive_naloxone_challenge_cannot_be_overridden(login, make_patient, clock):
    last_use = local(TODAY, 9) - timedelta(days=12)
    response = login("ada").post(
        _new(make_patient()),
        _naltrexone(
            last_opioid="short_acting",
            last_opioid_use_at=_wall(last_use),
            naloxone_challenge="positive",
        ),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "naltrexone.challenge_positive" in _error_beside(body, "naloxone_challenge")
    assert "At least one refusal below cannot be overridden" in body
    assert "Reason for overriding the refusal" not in body


def test_the_sign_page_offers_a_refused_draft_back_to_correct(login, make_patient, draft, clock):
    patient = make_patient()
    order = draft(patient, medication="naltrexone_oral", form="tablet", mg=50)
    response = login("ada").post(
        reverse("web:order_sign", args=[patient.uuid, order.uuid]), {"override_reason": ""}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "naltrexone.last_use_unknown" in _error_beside(body, "last_opioid_use_at")
    assert 'value="naltrexone_oral" selected' in body


def test_the_datetime_local_is_read_in_new_york_across_the_spring_change(
    login, make_patient, clock
):
    # Clocks went forward at 02:00 on 8 March 2026; it is now 12:00 EDT (16:00 UTC).
    dst_day = date(2026, 3, 8)
    clock.move_to(datetime(2026, 3, 8, 12, 0, tzinfo=NEW_YORK))
    patient = make_patient()
    client = login("ada")
    # 23:30 EST the evening before is 11.5 real hours ago (the wall clocks say 12.5).
    response = client.post(
        _new(patient),
        _induction(
            dst_day,
            last_opioid="short_acting",
            last_opioid_use_at="2026-03-07T23:30",
            cows_score="13",
        ),
    )
    assert response.status_code == 422
    assert "11.5 h since" in _error_beside(response.content.decode(), "last_opioid_use_at")
    refused = MedicationOrder.objects.get()
    assert refused.last_opioid_use_at == datetime(2026, 3, 8, 4, 30, tzinfo=UTC)
    # 22:30 EST is 12.5 real hours ago: the corrected order is signed.
    response = client.post(
        _new(patient),
        _induction(
            dst_day,
            last_opioid="short_acting",
            last_opioid_use_at="2026-03-07T22:30",
            cows_score="13",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    signed_order = MedicationOrder.objects.get(status=OrderStatus.SIGNED)
    assert signed_order.last_opioid_use_at == datetime(2026, 3, 8, 3, 30, tzinfo=UTC)
    refused.refresh_from_db()
    assert refused.status == OrderStatus.DRAFT


def test_a_time_the_clocks_skipped_is_refused_beside_the_field(login, make_patient, clock):
    clock.move_to(datetime(2026, 3, 8, 12, 0, tzinfo=NEW_YORK))
    response = login("ada").post(
        _new(make_patient()),
        _induction(
            date(2026, 3, 8),
            last_opioid="short_acting",
            last_opioid_use_at="2026-03-08T02:30",
            cows_score="13",
        ),
    )
    assert response.status_code == 422
    beside = _error_beside(response.content.decode(), "last_opioid_use_at")
    assert "did not happen in America/New_York" in beside
    assert not MedicationOrder.objects.exists()


def test_clinic_time_reads_a_repeated_hour_as_the_later_one():
    # Clocks went back at 02:00 EDT on 1 November 2026: 01:30 happened twice.
    repeated = clinic_time(datetime(2026, 11, 1, 1, 30), NEW_YORK)  # noqa: DTZ001
    assert repeated == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    plain = clinic_time(datetime(2026, 7, 1, 8, 0), NEW_YORK)  # noqa: DTZ001
    assert plain == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        clinic_time(datetime(2026, 3, 8, 2, 30), NEW_YORK)  # noqa: DTZ001


def test_a_future_last_use_is_refused_beside_the_field(login, make_patient, clock):
    later = local(TODAY, 9) + timedelta(hours=2)
    response = login("ada").post(
        _new(make_patient()),
        _induction(last_opioid="short_acting", last_opioid_use_at=_wall(later), cows_score="13"),
    )
    assert response.status_code == 422
    assert "future" in _error_beside(response.content.decode(), "last_opioid_use_at")
    assert not MedicationOrder.objects.exists()


# --- the change form -------------------------------------------------------------------------


def _change(order):
    return reverse("web:order_change", args=[order.patient.uuid, order.uuid])


def _signed_induction(signed):
    return signed(
        medication="buprenorphine_naloxone",
        form="film",
        mg=4,
        last_opioid="short_acting",
        last_opioid_use_at=local(TODAY, 9) - timedelta(hours=14),
        cows_score=13,
    )


def test_the_change_form_carries_the_start_over(login, signed, clock):
    order = _signed_induction(signed)
    body = login("ada").get(_change(order)).content.decode()
    assert "<legend>About the start</legend>" in body
    assert 'value="2026-03-01T19:00"' in body
    assert "a blank keeps what it records" in body


def test_a_change_refused_on_cows_shows_it_beside_the_score(login, signed, clock):
    order = _signed_induction(signed)
    response = login("ada").post(
        _change(order),
        {
            "start_date": (TODAY + timedelta(days=1)).isoformat(),
            "daily_dose_mg": "4",
            "split": "1",
            "phase": "induction",
            "cows_score": str(COWS_MIN - 2),
            "override_reason": "",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Not changed." in body
    assert "buprenorphine.cows_below_threshold" in _error_beside(body, "cows_score")
    assert not MedicationOrder.objects.filter(supersedes=order).exists()


def test_a_change_keeps_a_blank_start_field_from_the_current_order(login, signed, clock):
    order = _signed_induction(signed)
    response = login("ada").post(
        _change(order),
        {
            "start_date": (TODAY + timedelta(days=1)).isoformat(),
            "daily_dose_mg": "4",
            "split": "1",
            "phase": "induction",
            "override_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    new = MedicationOrder.objects.get(supersedes=order)
    assert (new.last_opioid, new.last_opioid_use_at, new.cows_score) == (
        "short_acting",
        order.last_opioid_use_at,
        13,
    )


def test_a_change_keeps_a_last_use_in_the_repeated_hour_as_it_was(login, signed, clock):
    # 01:30 EDT on 1 November 2026, the first of the two 01:30s; shown back as "01:30".
    clock.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=NEW_YORK))
    earlier = datetime(2026, 11, 1, 5, 30, 20, tzinfo=UTC)
    order = signed(
        start=date(2026, 11, 2),
        medication="buprenorphine_naloxone",
        form="film",
        mg=4,
        last_opioid="short_acting",
        last_opioid_use_at=earlier,
        cows_score=13,
    )
    client = login("ada")
    assert 'value="2026-11-01T01:30"' in client.get(_change(order)).content.decode()
    response = client.post(
        _change(order),
        {
            "start_date": "2026-11-03",
            "daily_dose_mg": "4",
            "split": "1",
            "phase": "induction",
            "last_opioid": "short_acting",
            "last_opioid_use_at": "2026-11-01T01:30",
            "cows_score": "13",
            "override_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert MedicationOrder.objects.get(supersedes=order).last_opioid_use_at == earlier

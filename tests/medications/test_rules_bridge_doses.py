"""Lofexidine, clonidine and long-acting injection orders against the profile at signing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from mooring.core.errors import ValidationFailed
from mooring.medications.models import Medication
from mooring.medications.rules_bridge import CHECKED_MEDICATIONS, RuleRefused
from mooring.medications.services import order_sign
from mooring.rules.injectables import INJECTABLE_SPECS, InjectableProduct
from mooring.rules.profiles import get_profile
from tests.medications.conftest import TODAY, local

pytestmark = pytest.mark.django_db

PROFILE = get_profile("US-FED-2024")
LOF = PROFILE.lofexidine
CLON = PROFILE.clonidine
TABLET = LOF.tablet_mg.value


def codes(order) -> set[str]:
    return {f["code"] for f in order.rule_findings}


def withdrawal_order(draft, medication: str, mg: Decimal, split: int):
    return draft(medication=medication, form="tablet", phase="maintenance", mg=mg, split=split)


# --- lofexidine ----------------------------------------------------------------------------

LOF_SINGLE = LOF.max_single_dose_mg.value
LOF_DAILY = LOF.max_daily_mg.value
LOF_PER_DAY = LOF.doses_per_day.value


@pytest.mark.parametrize(
    ("mg", "split", "refused"),
    [
        (LOF.usual_dose_mg.value * LOF_PER_DAY, LOF_PER_DAY, set()),
        (LOF_DAILY, LOF_PER_DAY, set()),
        # Within the single-dose limit, but one dose more than the day allows.
        (
            LOF_SINGLE * (LOF_PER_DAY + 1),
            LOF_PER_DAY + 1,
            {"lofexidine.daily_over_limit"},
        ),
        # Two doses over the single-dose limit, the day over too.
        (
            (LOF_SINGLE + TABLET) * LOF_PER_DAY,
            LOF_PER_DAY,
            {"lofexidine.single_dose_over_limit", "lofexidine.daily_over_limit"},
        ),
    ],
)
def test_lofexidine_dose_against_the_profile_maxima(draft, ada, mg, split, refused):
    order = withdrawal_order(draft, "lofexidine", mg, split)
    if refused:
        with pytest.raises(RuleRefused) as caught:
            order_sign(actor=ada, order=order, override_reason="Severe withdrawal")
        assert {p.code for p in caught.value.problems} == refused
        assert not caught.value.overridable
        assert all("profile US-FED-2024" in p.message for p in caught.value.problems)
        return
    signed = order_sign(actor=ada, order=order)
    assert not {c for c in codes(signed) if c.endswith("over_limit")}
    assert "rules.not_checked" not in codes(signed)


def test_lofexidine_is_given_in_whole_tablets(draft, ada):
    order = withdrawal_order(draft, "lofexidine", TABLET * 4 + Decimal("0.04"), 4)
    with pytest.raises(ValidationFailed) as caught:
        order_sign(actor=ada, order=order)
    assert caught.value.code == "rules_input_invalid"


def test_lofexidine_with_methadone_carries_the_qt_caution(draft, signed, ada):
    methadone = signed()
    order = draft(
        methadone.patient,
        medication="lofexidine",
        form="tablet",
        phase="maintenance",
        mg=LOF.usual_dose_mg.value * LOF_PER_DAY,
        split=LOF_PER_DAY,
    )
    assert "lofexidine.qt_with_methadone" in codes(order_sign(actor=ada, order=order))


# --- clonidine -----------------------------------------------------------------------------

CLON_LOW, CLON_HIGH = CLON.dose_range_mg.value
CLON_DAILY = CLON.daily_max_mg.value


def test_clonidine_within_the_profile_maxima_is_signed_and_leaves_the_site_switch_to_dosing(
    draft, ada
):
    assert not CLON.enabled.value  # off in the profile: the clinic turns it on at dose time
    split = int(CLON_DAILY / CLON_HIGH)
    signed = order_sign(actor=ada, order=withdrawal_order(draft, "clonidine", CLON_DAILY, split))
    assert codes(signed) == {"clonidine.site_setting_at_dose"}


def test_clonidine_over_the_daily_maximum_is_refused_and_may_be_overridden(draft, ada):
    split = int(CLON_DAILY / CLON_HIGH) + 1
    order = withdrawal_order(draft, "clonidine", CLON_HIGH * split, split)
    with pytest.raises(RuleRefused) as caught:
        order_sign(actor=ada, order=order)
    assert {p.code for p in caught.value.problems} == {"clonidine.daily_over_limit"}
    assert caught.value.overridable
    signed = order_sign(actor=ada, order=order, override_reason="Medical director's protocol")
    assert signed.override_rule_codes == ["clonidine.daily_over_limit"]
    assert signed.override_reason == "Medical director's protocol"


# --- long-acting injections ----------------------------------------------------------------

SUBLOCADE = INJECTABLE_SPECS[InjectableProduct.SUBLOCADE]
BRIXADI_WEEKLY = INJECTABLE_SPECS[InjectableProduct.BRIXADI_WEEKLY]


def injection(draft, medication, mg, **kwargs):
    return draft(medication=medication, form="injection", phase="maintenance", mg=mg, **kwargs)


@pytest.mark.parametrize(
    ("medication", "mg", "expected"),
    [
        ("buprenorphine_xr_monthly", SUBLOCADE.doses_mg[0], set()),
        (
            "buprenorphine_xr_monthly",
            SUBLOCADE.doses_mg[-1],
            {"injectable.dose_differs_from_schedule"},
        ),
        ("buprenorphine_xr_monthly", Decimal("150"), {"injectable.dose_not_a_strength"}),
        ("buprenorphine_xr_weekly", BRIXADI_WEEKLY.strengths_mg[1], set()),
        ("buprenorphine_xr_weekly", Decimal("20"), {"injectable.dose_not_a_strength"}),
    ],
)
def test_injection_doses_are_compared_with_the_product_schedule_as_cautions(
    draft, ada, medication, mg, expected
):
    signed = order_sign(actor=ada, order=injection(draft, medication, mg))
    found = codes(signed)
    assert {c for c in found if c.startswith("injectable.dose")} == expected
    assert all(f["severity"] == "caution" for f in signed.rule_findings if f["code"] in expected)
    assert "rules.not_checked" not in found
    if not expected:
        assert "injectable.first_injection_requirement" in found
    if "injectable.dose_differs_from_schedule" in expected:
        caution = next(
            f for f in signed.rule_findings if f["code"] == "injectable.dose_differs_from_schedule"
        )
        assert caution["profile"].startswith("LABEL:")
        assert caution["evidence"]


def test_a_changed_injection_order_is_not_a_first_dose(signed, ada):
    from mooring.medications.services import order_change

    first = signed(
        medication="buprenorphine_xr_monthly",
        form="injection",
        phase="maintenance",
        mg=SUBLOCADE.doses_mg[0],
    )
    changed = order_change(
        actor=ada,
        previous=first,
        start_date=TODAY + timedelta(days=56),
        daily_dose_mg=SUBLOCADE.doses_mg[-1],
    )
    assert not {c for c in codes(changed) if c.startswith("injectable.")}


def test_only_the_naloxone_kit_has_no_order_rule():
    assert set(Medication) - CHECKED_MEDICATIONS == {Medication.NALOXONE_KIT}


def test_naltrexone_xr_start_gets_readiness_and_the_first_injection_caution(draft, ada):
    order = injection(
        draft,
        "naltrexone_xr",
        PROFILE.naltrexone.injection_mg.value,
        last_opioid="short_acting",
        last_opioid_use_at=local(TODAY - timedelta(days=30), 9),
    )
    found = codes(order_sign(actor=ada, order=order))
    assert "injectable.first_injection_requirement" in found
    assert "naltrexone.liver_tests" in found

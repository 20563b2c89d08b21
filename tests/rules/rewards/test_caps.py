from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from mooring.rules.common import InvalidInputError, Severity, UnknownProfileError
from mooring.rules.rewards import (
    Award,
    CapOutcome,
    IncentiveForm,
    YearWindow,
    apply_cap,
    cap_profile,
    cap_year,
    earned_in_cap_year,
)
from mooring.rules.rewards.caps import OIG_NOMINAL_2016, SAMHSA_2025

D = Decimal
ITEM, VOUCHER, CASH = IncentiveForm.ITEM, IncentiveForm.VOUCHER, IncentiveForm.CASH


@pytest.mark.parametrize(
    ("profile", "amount", "form", "earned", "granted", "outcome", "codes"),
    [
        (SAMHSA_2025, "100.00", VOUCHER, "0.00", "100.00", CapOutcome.GRANTED, []),
        (SAMHSA_2025, "500.00", ITEM, "100.00", "500.00", CapOutcome.GRANTED, []),
        (
            SAMHSA_2025,
            "100.00",
            VOUCHER,
            "700.00",
            "50.00",
            CapOutcome.REDUCED,
            ["rewards.cap.per_year"],
        ),
        (
            SAMHSA_2025,
            "10.00",
            VOUCHER,
            "750.00",
            "0.00",
            CapOutcome.REFUSED,
            ["rewards.cap.per_year_reached"],
        ),
        (
            SAMHSA_2025,
            "10.00",
            CASH,
            "0.00",
            "0.00",
            CapOutcome.REFUSED,
            ["rewards.cap.form_not_allowed"],
        ),
        (SAMHSA_2025, "25.00", IncentiveForm.GIFT_CARD, "0.00", "25.00", CapOutcome.GRANTED, []),
        (OIG_NOMINAL_2016, "15.00", ITEM, "0.00", "15.00", CapOutcome.GRANTED, []),
        (
            OIG_NOMINAL_2016,
            "20.00",
            ITEM,
            "0.00",
            "15.00",
            CapOutcome.REDUCED,
            ["rewards.cap.per_item"],
        ),
        (
            OIG_NOMINAL_2016,
            "20.00",
            ITEM,
            "70.00",
            "5.00",
            CapOutcome.REDUCED,
            ["rewards.cap.per_item", "rewards.cap.per_year"],
        ),
        (
            OIG_NOMINAL_2016,
            "1.00",
            ITEM,
            "80.00",
            "0.00",
            CapOutcome.REFUSED,
            ["rewards.cap.per_year_reached"],
        ),
        (
            OIG_NOMINAL_2016,
            "5.00",
            IncentiveForm.CASH_EQUIVALENT,
            "0.00",
            "0.00",
            CapOutcome.REFUSED,
            ["rewards.cap.form_not_allowed"],
        ),
        (SAMHSA_2025, "0.00", VOUCHER, "0.00", "0.00", CapOutcome.GRANTED, []),
    ],
)
def test_cap_table(profile, amount, form, earned, granted, outcome, codes):
    result = apply_cap(Award(D(amount), form), D(earned), profile)
    assert result.granted == D(granted)
    assert result.outcome is outcome
    assert [f.code for f in result.findings] == codes
    assert result.earned_this_year == D(earned) + D(granted)
    assert result.profile == profile.id
    assert result.evidence == profile.evidence
    for finding in result.findings:
        assert finding.evidence == profile.evidence
        assert finding.profile == profile.id


def test_refusal_findings_are_refusals_and_explain():
    result = apply_cap(Award(D("10.00"), CASH), D("0"), SAMHSA_2025)
    assert result.findings[0].severity is Severity.REFUSAL
    assert "'cash'" in result.findings[0].message
    reduced = apply_cap(Award(D("100.00")), D("700.00"), SAMHSA_2025)
    assert reduced.findings[0].severity is Severity.CAUTION
    assert "$50.00 remains" in reduced.findings[0].message
    assert reduced.remaining_this_year == D("0.00")


def test_no_yearly_limit():
    unlimited = replace(SAMHSA_2025, id="NO-LIMIT", per_year=None)
    result = apply_cap(Award(D("5000.00")), D("9000.00"), unlimited)
    assert result.outcome is CapOutcome.GRANTED
    assert result.remaining_this_year is None


def test_lookup():
    assert cap_profile("SAMHSA-2025") is SAMHSA_2025
    assert cap_profile("OIG-NOMINAL-2016") is OIG_NOMINAL_2016
    with pytest.raises(UnknownProfileError):
        cap_profile("US-75-PER-INCENTIVE")  # no such rule exists (reference correction 3)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((D("10"), D("0"), SAMHSA_2025), "award"),
        ((Award(D("10"), "cash"), D("0"), SAMHSA_2025), "award"),
        ((Award(D("10")), D("0"), "SAMHSA-2025"), "cap_profile"),
        ((Award(10.0), D("0"), SAMHSA_2025), "award.amount"),
        ((Award(D("10")), D("-1"), SAMHSA_2025), "earned_this_year"),
    ],
)
def test_bad_input(args, field):
    with pytest.raises(InvalidInputError) as err:
        apply_cap(*args)
    assert err.value.field == field


def test_bad_profile_settings():
    with pytest.raises(InvalidInputError) as err:
        replace(SAMHSA_2025, per_year=D("-5"))
    assert err.value.field == "per_year"
    with pytest.raises(InvalidInputError) as err:
        replace(SAMHSA_2025, year_window="fiscal")
    assert err.value.field == "year_window"


ROLLING = replace(SAMHSA_2025, id="SAMHSA-2025-ROLLING", year_window=YearWindow.ENROLMENT_YEAR)


@pytest.mark.parametrize(
    ("profile", "on", "enrolled", "start", "end"),
    [
        (SAMHSA_2025, date(2025, 6, 1), date(2024, 9, 1), date(2025, 1, 1), date(2026, 1, 1)),
        (ROLLING, date(2025, 6, 1), date(2024, 9, 1), date(2024, 9, 1), date(2025, 9, 1)),
        (ROLLING, date(2025, 9, 1), date(2024, 9, 1), date(2025, 9, 1), date(2026, 9, 1)),
        (ROLLING, date(2024, 9, 1), date(2024, 9, 1), date(2024, 9, 1), date(2025, 9, 1)),
        (ROLLING, date(2025, 3, 1), date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28)),
        (ROLLING, date(2025, 2, 27), date(2024, 2, 29), date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_cap_year(profile, on, enrolled, start, end):
    assert cap_year(on, enrolled_on=enrolled, profile=profile) == (start, end)


def test_cap_year_before_enrolment():
    with pytest.raises(InvalidInputError) as err:
        cap_year(date(2024, 1, 1), enrolled_on=date(2024, 2, 1), profile=SAMHSA_2025)
    assert err.value.field == "on"


def test_earned_in_cap_year():
    received = [
        (date(2024, 12, 31), D("50.00")),
        (date(2025, 1, 1), D("20.00")),
        (date(2025, 8, 31), D("5.00")),
        (date(2025, 9, 1), D("7.00")),
    ]
    on, enrolled = date(2025, 6, 1), date(2024, 9, 1)
    assert earned_in_cap_year(received, on=on, enrolled_on=enrolled, profile=SAMHSA_2025) == D(
        "32.00"
    )
    assert earned_in_cap_year(received, on=on, enrolled_on=enrolled, profile=ROLLING) == D("75.00")

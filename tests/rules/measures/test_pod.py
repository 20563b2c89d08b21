from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from mooring.rules.common import InvalidInputError, Severity, UnknownProfileError
from mooring.rules.measures import (
    ClaimKind,
    DaySpan,
    InpatientStay,
    MedicationEvent,
    OudMedication,
    pod_continuity,
    pod_profile,
    pod_treatment_starts,
    supply_spans,
)
from mooring.rules.measures._days import gaps_within
from mooring.rules.measures.pod import POD_MY2025

BUP, BUP_INJ = OudMedication.BUPRENORPHINE_ORAL, OudMedication.BUPRENORPHINE_INJECTION
METHADONE, IMPLANT = OudMedication.METHADONE_ORAL, OudMedication.BUPRENORPHINE_IMPLANT
ADMIN, WEEKLY = ClaimKind.ADMINISTRATION, ClaimKind.WEEKLY
JAN1 = date(2025, 1, 1)


def jan(day):
    return date(2025, 1, day)


def spans(*events):
    return [(s.medication, s.span.first, s.span.last) for s in supply_spans(events, POD_MY2025)]


# The worked examples of the NCQA MY 2025 specification (reference section 12.2).
@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (
            [MedicationEvent(JAN1, BUP, days_supply=7), MedicationEvent(JAN1, BUP, days_supply=14)],
            [(BUP, jan(1), jan(7)), (BUP, jan(8), jan(21))],
        ),
        (
            [
                MedicationEvent(jan(1), BUP, days_supply=7),
                MedicationEvent(jan(5), BUP, days_supply=7),
            ],
            [(BUP, jan(1), jan(7)), (BUP, jan(8), jan(14))],
        ),
        ([MedicationEvent(JAN1, BUP, WEEKLY, units=3)], [(BUP, jan(1), jan(21))]),
        ([MedicationEvent(JAN1, METHADONE, WEEKLY, units=4)], [(METHADONE, jan(1), jan(28))]),
        (
            [MedicationEvent(jan(1), BUP, days_supply=7), MedicationEvent(jan(5), BUP_INJ, ADMIN)],
            [(BUP, jan(1), jan(7)), (BUP_INJ, jan(5), date(2025, 2, 4))],
        ),
    ],
)
def test_spec_worked_examples(events, expected):
    assert spans(*events) == expected


@pytest.mark.parametrize(
    ("event", "days"),
    [
        (MedicationEvent(JAN1, BUP), 7),  # oral buprenorphine claim without days supply
        (MedicationEvent(JAN1, BUP, ADMIN), 1),
        (MedicationEvent(JAN1, BUP_INJ), 31),
        (MedicationEvent(JAN1, IMPLANT, ADMIN), 180),
        (MedicationEvent(JAN1, OudMedication.NALTREXONE_INJECTION), 31),
        (MedicationEvent(JAN1, OudMedication.BUPRENORPHINE_NALOXONE), 1),
        (MedicationEvent(JAN1, OudMedication.NALTREXONE_ORAL, days_supply=30), 30),
        (MedicationEvent(JAN1, METHADONE, ADMIN, units=5), 5),
    ],
)
def test_days_supply_defaults(event, days):
    (span,) = supply_spans([event], POD_MY2025)
    assert span.span.days == days


def test_different_medications_are_not_double_counted():
    events = [MedicationEvent(jan(1), BUP, days_supply=7), MedicationEvent(jan(5), BUP_INJ)]
    covered = [s.span for s in supply_spans(events, POD_MY2025)]
    gaps = gaps_within(covered, DaySpan(jan(1), date(2025, 2, 10)))
    assert gaps == (DaySpan(date(2025, 2, 5), date(2025, 2, 10)),)  # 35 days covered, not 38


def test_methadone_pharmacy_claims_are_not_counted():
    assert spans(MedicationEvent(JAN1, METHADONE, days_supply=30)) == []
    counted = replace(POD_MY2025, id="X", methadone_pharmacy_counts=True)
    assert len(supply_spans([MedicationEvent(JAN1, METHADONE, days_supply=30)], counted)) == 1


def monthly_injections(start, count, every=31):
    return [MedicationEvent(start + timedelta(days=every * i), BUP_INJ) for i in range(count)]


def judge(events, **kwargs):
    kwargs.setdefault("start", JAN1)
    kwargs.setdefault("age_years", 30)
    kwargs.setdefault("as_of", date(2026, 1, 1))
    return pod_continuity(events, **kwargs)


def test_six_monthly_injections_are_continuous():
    result = judge(monthly_injections(JAN1, 6))
    assert result.in_denominator
    assert result.in_numerator
    assert result.reason == "measure.pod.continuous"
    assert result.period == DaySpan(JAN1, date(2025, 6, 29))
    assert result.gaps == ()
    assert result.findings[0].evidence == POD_MY2025.evidence


@pytest.mark.parametrize(("every", "numerator"), [(38, True), (39, False)])
def test_gap_of_seven_allowed_eight_breaks(every, numerator):
    # Injections 38 days apart leave 7 uncovered days; 39 days apart leave 8.
    result = judge(monthly_injections(JAN1, 6, every=every))
    assert result.in_denominator
    assert result.in_numerator is numerator
    assert max(g.days for g in result.gaps) == every - 31


def test_gap_reason_names_the_dates():
    events = [MedicationEvent(JAN1, BUP, days_supply=30)]
    result = judge(events)
    assert result.reason == "measure.pod.gap"
    assert result.gaps == (DaySpan(date(2025, 1, 31), date(2025, 6, 29)),)
    assert "2025-01-31 to 2025-06-29 (150 days" in result.findings[0].message
    assert result.findings[0].severity is Severity.CAUTION


def test_open_period_and_early_break():
    events = monthly_injections(JAN1, 2)
    still_open = judge(events, as_of=date(2025, 2, 20))
    assert (still_open.in_denominator, still_open.reason) == (False, "measure.pod.period_open")
    broken = judge(events, as_of=date(2025, 3, 20))
    assert broken.in_denominator
    assert broken.reason == "measure.pod.gap"
    before = judge(events, as_of=date(2024, 12, 1))
    assert before.reason == "measure.pod.period_open"
    assert before.gaps == ()


def test_too_young():
    result = judge(monthly_injections(JAN1, 6), age_years=15)
    assert not result.in_denominator
    assert result.reason == "measure.pod.too_young"


@pytest.mark.parametrize(
    "earlier",
    [
        MedicationEvent(date(2024, 12, 10), BUP, days_supply=1),
        # An implant 200 days before still covers the 31-day look-back.
        MedicationEvent(JAN1 - timedelta(days=200), IMPLANT, ADMIN),
    ],
)
def test_not_new_treatment(earlier):
    result = judge([earlier, *monthly_injections(JAN1, 6)])
    assert result.reason == "measure.pod.not_new"
    assert not result.in_denominator


def test_negative_history_window_is_31_days():
    old = MedicationEvent(date(2024, 11, 30), BUP, days_supply=1)  # 32 days before
    assert judge([old, *monthly_injections(JAN1, 6)]).in_numerator


@pytest.mark.parametrize(
    ("stays", "excluded"),
    [
        ([InpatientStay(date(2025, 2, 1), date(2025, 2, 8))], True),
        ([InpatientStay(date(2025, 2, 1), date(2025, 2, 7))], False),
        (
            [
                InpatientStay(date(2025, 2, 1), date(2025, 2, 4)),
                InpatientStay(date(2025, 2, 5), date(2025, 2, 8)),
            ],
            True,
        ),
        (
            [
                InpatientStay(date(2025, 2, 1), date(2025, 2, 4)),
                InpatientStay(date(2025, 2, 4), date(2025, 2, 7)),
            ],
            False,
        ),
        (
            [
                InpatientStay(date(2025, 2, 1), date(2025, 2, 4)),
                InpatientStay(date(2025, 2, 6), date(2025, 2, 9)),
            ],
            False,
        ),
        ([InpatientStay(date(2024, 1, 1), date(2024, 3, 1))], False),  # before the period
    ],
)
def test_long_inpatient_stays(stays, excluded):
    result = judge(monthly_injections(JAN1, 6), inpatient_stays=stays)
    assert (result.reason == "measure.pod.long_inpatient_stay") is excluded
    assert result.in_denominator is not excluded


def test_treatment_starts():
    events = [
        MedicationEvent(date(2024, 5, 1), BUP_INJ),  # before intake
        *monthly_injections(date(2024, 8, 1), 3),
        MedicationEvent(date(2025, 3, 1), BUP, days_supply=7),
        MedicationEvent(date(2025, 3, 1), BUP, days_supply=7),
        MedicationEvent(date(2025, 7, 1), BUP, days_supply=7),
    ]  # after intake
    intake = DaySpan(date(2024, 7, 1), date(2025, 6, 30))
    assert pod_treatment_starts(events, intake=intake) == (date(2024, 8, 1), date(2025, 3, 1))


def test_profile_lookup():
    assert pod_profile("HEDIS-POD-MY2025") is POD_MY2025
    with pytest.raises(UnknownProfileError):
        pod_profile("NQF-3175")  # not implemented: the reference lacks its gap rule


@pytest.mark.parametrize(
    ("events", "kwargs", "field"),
    [
        ([MedicationEvent(JAN1, "bup")], {}, "events"),
        (["x"], {}, "events"),
        ([MedicationEvent(JAN1, BUP, "claim")], {}, "events.kind"),
        ([MedicationEvent(datetime(2025, 1, 1), BUP)], {}, "events.on"),
        ([MedicationEvent(JAN1, BUP, days_supply=0)], {}, "days_supply"),
        ([MedicationEvent(JAN1, BUP, ADMIN, units=0)], {}, "units"),
        ([MedicationEvent(JAN1, OudMedication.NALTREXONE_ORAL)], {}, "days_supply"),
        ([MedicationEvent(JAN1, BUP_INJ, WEEKLY)], {}, "days_supply"),
        ([MedicationEvent(JAN1, BUP)], {"age_years": True}, "age_years"),
        ([MedicationEvent(JAN1, BUP)], {"as_of": "2025-01-01"}, "as_of"),
        ([MedicationEvent(jan(2), BUP)], {}, "start"),
        ([MedicationEvent(JAN1, METHADONE, days_supply=7)], {}, "start"),
        ([MedicationEvent(JAN1, BUP)], {"inpatient_stays": [(JAN1, jan(9))]}, "inpatient_stays"),
        ([MedicationEvent(JAN1, BUP)], {"inpatient_stays": [InpatientStay(jan(9), JAN1)]}, "last"),
    ],
)
def test_bad_input(events, kwargs, field):
    with pytest.raises(InvalidInputError) as err:
        judge(events, **kwargs)
    assert err.value.field == field

"""Hypothesis invariants for the measures' day arithmetic."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mooring.rules.measures import DaySpan, MedicationEvent, OudMedication, supply_spans
from mooring.rules.measures._days import gaps_within, merge
from mooring.rules.measures.pod import POD_MY2025

BASE = date(2025, 1, 1)
spans = st.builds(
    lambda start, length: DaySpan.starting(BASE + timedelta(days=start), length),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=1, max_value=60),
)
events = st.builds(
    lambda start, medication, days: MedicationEvent(
        BASE + timedelta(days=start), medication, days_supply=days
    ),
    st.integers(min_value=0, max_value=200),
    st.sampled_from([m for m in OudMedication if m is not OudMedication.METHADONE_ORAL]),
    st.integers(min_value=1, max_value=40),
)


@given(st.lists(spans, max_size=12), spans)
def test_gaps_and_coverage_fill_the_window(covered, window):
    gaps = gaps_within(covered, window)
    inside = [s for s in (c.clip(window) for c in covered) if s is not None]
    covered_days = sum(s.days for s in merge(inside))
    assert covered_days + sum(g.days for g in gaps) == window.days
    for gap in gaps:
        assert all(c.clip(gap) is None for c in covered)


@given(st.lists(events, max_size=15))
def test_same_medication_supply_is_laid_end_to_end(evs):
    result = supply_spans(evs, POD_MY2025)
    assert sum(s.span.days for s in result) == sum(e.days_supply for e in evs)
    for medication in OudMedication:
        own = sorted(s.span for s in result if s.medication is medication)
        assert all(a.last < b.first for a, b in zip(own, own[1:], strict=False))

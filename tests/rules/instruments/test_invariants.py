"""Properties that hold for every item-scored instrument in the registry."""

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mooring.rules.common import InvalidInputError
from mooring.rules.instruments import INSTRUMENTS, Instrument, band_for, score

ALL = sorted(INSTRUMENTS.values(), key=lambda i: i.id)
# No per-example deadline: the checkout is shared and a busy machine made one run flaky.
steady = settings(deadline=None)


def valid_responses(inst: Instrument) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(
        {item.id: st.sampled_from(item.allowed_values) for item in inst.items}
    )


@st.composite
def instrument_and_valid(draw: st.DrawFn) -> tuple[Instrument, dict[str, int]]:
    inst = draw(st.sampled_from(ALL))
    return inst, draw(valid_responses(inst))


@st.composite
def instrument_and_invalid(draw: st.DrawFn) -> tuple[Instrument, Mapping[str, object]]:
    inst, responses = draw(instrument_and_valid())
    broken: dict[str, object] = dict(responses)
    target = draw(st.sampled_from(inst.item_ids))
    how = draw(st.sampled_from(["drop", "extra", "bad_value", "wrong_type"]))
    if how == "drop":
        del broken[target]
    elif how == "extra":
        broken[draw(st.text(min_size=1).filter(lambda k: k not in inst.item_ids))] = 0
    elif how == "bad_value":
        allowed = inst.item(target).allowed_values
        broken[target] = draw(st.integers(-10, 60).filter(lambda v: v not in allowed))
    else:
        broken[target] = draw(st.one_of(st.booleans(), st.floats(), st.text(), st.none()))
    return inst, broken


@steady
@given(instrument_and_valid())
def test_every_valid_response_set_scores(case: tuple[Instrument, dict[str, int]]) -> None:
    inst, responses = case
    result = score(inst, responses)
    assert inst.min_total <= result.total <= inst.max_total
    assert (result.band is None) == (inst.bands == ())


@steady
@given(instrument_and_valid())
def test_total_is_the_sum_of_items_after_reverse_scoring(
    case: tuple[Instrument, dict[str, int]],
) -> None:
    inst, responses = case
    result = score(inst, responses)
    assert result.total == sum(item.points for item in result.items)
    for item in result.items:
        reversed_ = inst.item(item.item_id).reverse_scored
        expected = 1 - responses[item.item_id] if reversed_ else responses[item.item_id]
        assert item.points == expected


@steady
@given(instrument_and_invalid())
def test_every_invalid_response_set_raises(case: tuple[Instrument, Mapping[str, object]]) -> None:
    inst, responses = case
    with pytest.raises(InvalidInputError) as caught:
        score(inst, responses)  # type: ignore[arg-type]
    assert caught.value.field.startswith(f"{inst.id}.")
    assert caught.value.allowed


@pytest.mark.parametrize("inst", ALL, ids=lambda i: i.id)
def test_bands_never_go_down_as_the_total_goes_up(inst: Instrument) -> None:
    ranks = {band.code: rank for rank, band in enumerate(inst.bands)}
    previous = -1
    for total in range(inst.min_total, inst.max_total + 1):
        band = band_for(inst, total)
        rank = previous if band is None else ranks[band.code]
        assert rank >= previous
        previous = rank


@pytest.mark.parametrize("inst", ALL, ids=lambda i: i.id)
def test_every_total_in_range_is_reachable_or_banded(inst: Instrument) -> None:
    """Bands (if any) cover the whole range, so no total ever scores without a band."""
    covered = {t for band in inst.bands for t in range(band.low, band.high + 1)}
    if inst.bands:
        assert covered == set(range(inst.min_total, inst.max_total + 1))

"""SOWS and OOWS: item counts, ranges, and totals without bands."""

import pytest

from mooring.rules.common import InvalidInputError
from mooring.rules.instruments import OOWS, SOWS, score


def test_sows_has_sixteen_items_rated_zero_to_four() -> None:
    assert len(SOWS.items) == 16
    assert {item.allowed_values for item in SOWS.items} == {(0, 1, 2, 3, 4)}
    assert (SOWS.min_total, SOWS.max_total) == (0, 64)


def test_sows_reports_a_total_but_no_band() -> None:
    responses = {item.id: 2 for item in SOWS.items} | {"urge_to_use": 4}
    result = score(SOWS, responses)
    assert (result.total, result.band, result.max_total) == (34, None, 64)


def test_oows_has_thirteen_present_or_absent_signs() -> None:
    assert len(OOWS.items) == 13
    assert {item.allowed_values for item in OOWS.items} == {(0, 1)}
    assert (OOWS.min_total, OOWS.max_total) == (0, 13)


def test_oows_counts_the_signs_present() -> None:
    present = {"yawning", "lacrimation", "mydriasis", "restlessness"}
    result = score(OOWS, {item.id: int(item.id in present) for item in OOWS.items})
    assert (result.total, result.band) == (4, None)


def test_oows_refuses_the_anxiety_grading_of_the_fourteen_point_variant() -> None:
    with pytest.raises(InvalidInputError) as caught:
        score(OOWS, {item.id: 0 for item in OOWS.items} | {"anxiety": 3})
    assert caught.value.allowed == (0, 1)

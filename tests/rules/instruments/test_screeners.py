"""PHQ-9, GAD-7, DAST-10 and AUDIT-C: bands, item-9 safety flag, reverse scoring, cut-offs."""

import pytest

from mooring.rules.common import InvalidInputError, Severity, UnknownProfileError
from mooring.rules.instruments import (
    AUDITC,
    AUDITC_CUTOFFS,
    COWS,
    DAST10,
    GAD7,
    NO,
    PHQ9,
    YES,
    ScreeningSex,
    auditc_screen,
    band_for,
    score,
)
from mooring.rules.instruments.phq9 import ITEM9


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_has_five_bands(total: int, band: str) -> None:
    result = band_for(PHQ9, total)
    assert result is not None
    assert result.code == band


def _phq9(total: int, item9: int) -> dict[str, int]:
    """Spread ``total`` over items 1-8 (each 0-3) with item 9 set as given."""
    remaining = total - item9
    responses = {}
    for item in PHQ9.items[:-1]:
        responses[item.id] = min(3, remaining)
        remaining -= responses[item.id]
    return responses | {ITEM9: item9}


def test_a_low_total_with_item9_positive_still_raises_the_safety_flag() -> None:
    result = score(PHQ9, _phq9(3, item9=1))
    assert result.total == 3
    assert result.band is not None
    assert result.band.code == "minimal"
    assert [f.code for f in result.flags] == ["phq9.item9_positive"]
    assert result.flags[0].severity is Severity.CAUTION
    assert result.flags[0].evidence == ("S-CALCIPEDIA-PHQ9",)


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_positive_item9_raises_the_flag(item9: int) -> None:
    assert score(PHQ9, _phq9(20, item9)).flags


def test_a_high_total_with_item9_zero_raises_no_flag() -> None:
    result = score(PHQ9, _phq9(24, item9=0))
    assert result.band is not None
    assert result.band.code == "severe"
    assert result.flags == ()


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total: int, band: str) -> None:
    assert (GAD7.max_total, len(GAD7.items)) == (21, 7)
    result = band_for(GAD7, total)
    assert result is not None
    assert result.code == band


def _dast(yes_to: set[int], *, able_to_stop: int) -> dict[str, int]:
    answers = {item.id: YES if n in yes_to else NO for n, item in enumerate(DAST10.items, 1)}
    return answers | {"always_able_to_stop": able_to_stop}


@pytest.mark.parametrize(
    ("yes_to", "able_to_stop", "total", "band"),
    [
        (set(), YES, 0, "none"),
        (set(), NO, 1, "low"),
        ({1, 2}, YES, 2, "low"),
        ({1, 2}, NO, 3, "moderate"),
        ({1, 2, 4, 5, 6}, YES, 5, "moderate"),
        ({1, 2, 4, 5, 6}, NO, 6, "substantial"),
        ({1, 2, 4, 5, 6, 7, 8, 9}, YES, 8, "substantial"),
        ({1, 2, 4, 5, 6, 7, 8, 9}, NO, 9, "severe"),
        ({1, 2, 4, 5, 6, 7, 8, 9, 10}, NO, 10, "severe"),
    ],
)
def test_dast10_reverses_item3_only(
    yes_to: set[int], able_to_stop: int, total: int, band: str
) -> None:
    result = score(DAST10, _dast(yes_to, able_to_stop=able_to_stop))
    assert result.total == total
    assert result.band is not None
    assert result.band.code == band


def test_dast10_items_4_and_5_are_not_reversed() -> None:
    reversed_ids = [item.id for item in DAST10.items if item.reverse_scored]
    assert reversed_ids == ["always_able_to_stop"]
    assert DAST10.items[2].id == "always_able_to_stop"


def _auditc(total: int) -> dict[str, int]:
    first = min(4, total)
    second = min(4, total - first)
    return {
        "drinking_frequency": first,
        "drinks_per_day": second,
        "six_or_more_frequency": total - first - second,
    }


def test_auditc_has_no_bands_and_totals_0_to_12() -> None:
    result = score(AUDITC, _auditc(12))
    assert (result.total, result.band, AUDITC.bands) == (12, None, ())


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [
        (ScreeningSex.MALE, 3, False),
        (ScreeningSex.MALE, 4, True),
        (ScreeningSex.FEMALE, 2, False),
        (ScreeningSex.FEMALE, 3, True),
        (ScreeningSex.UNRECORDED, 2, False),
        (ScreeningSex.UNRECORDED, 3, True),
    ],
)
def test_auditc_cutoffs_differ_by_sex(sex: ScreeningSex, total: int, positive: bool) -> None:
    screen = auditc_screen(score(AUDITC, _auditc(total)), sex=sex)
    assert screen.positive is positive
    assert screen.finding.code == ("auditc.positive" if positive else "auditc.negative")
    assert screen.finding.severity is (Severity.CAUTION if positive else Severity.INFO)
    assert screen.finding.profile == "BUSH-BRADLEY"
    assert screen.finding.evidence == ("S-EMENTAL-AUDITC", "S-FPN-AUDITC")


def test_auditc_cutoffs_are_data_with_sources() -> None:
    cutoffs = AUDITC_CUTOFFS["BUSH-BRADLEY"]
    assert (cutoffs.male, cutoffs.female) == (4, 3)
    assert cutoffs.evidence


def test_auditc_screen_refuses_another_instrument_result() -> None:
    cows = score(COWS, {item.id: 0 for item in COWS.items})
    with pytest.raises(InvalidInputError) as caught:
        auditc_screen(cows, sex=ScreeningSex.MALE)
    assert caught.value.field == "result"


def test_auditc_screen_refuses_an_unknown_sex_value() -> None:
    with pytest.raises(InvalidInputError) as caught:
        auditc_screen(score(AUDITC, _auditc(3)), sex="m")  # type: ignore[arg-type]
    assert caught.value.allowed == tuple(ScreeningSex)


def test_auditc_screen_refuses_an_unknown_cutoff_set() -> None:
    with pytest.raises(UnknownProfileError, match="BUSH-BRADLEY"):
        auditc_screen(score(AUDITC, _auditc(3)), sex=ScreeningSex.MALE, cutoffs="NIAAA")

"""COWS: the sparse item values, the pulse helper and the bands (0-4 is never "mild")."""

import pytest

from mooring.rules.common import InvalidInputError
from mooring.rules.instruments import COWS, cows_pulse_item, score

SPARSE_VALUES = {
    "resting_pulse": (0, 1, 2, 4),
    "sweating": (0, 1, 2, 3, 4),
    "restlessness": (0, 1, 3, 5),
    "pupil_size": (0, 1, 2, 5),
    "bone_joint_aches": (0, 1, 2, 4),
    "runny_nose_tearing": (0, 1, 2, 4),
    "gi_upset": (0, 1, 2, 3, 5),
    "tremor": (0, 1, 2, 4),
    "yawning": (0, 1, 2, 4),
    "anxiety_irritability": (0, 1, 2, 4),
    "gooseflesh": (0, 3, 5),
}


def test_eleven_items_with_the_sparse_values_of_the_form() -> None:
    assert {item.id: item.allowed_values for item in COWS.items} == SPARSE_VALUES
    assert (COWS.min_total, COWS.max_total) == (0, 48)


def _responses(total_from: dict[str, int]) -> dict[str, int]:
    return {item_id: 0 for item_id in SPARSE_VALUES} | total_from


@pytest.mark.parametrize(
    ("extra", "total", "band"),
    [
        ({}, 0, "no_active_withdrawal"),
        ({"gooseflesh": 3, "yawning": 1}, 4, "no_active_withdrawal"),
        ({"gooseflesh": 5}, 5, "mild"),
        ({"gooseflesh": 5, "restlessness": 5, "pupil_size": 2}, 12, "mild"),
        ({"gooseflesh": 5, "restlessness": 5, "pupil_size": 2, "tremor": 1}, 13, "moderate"),
        (
            {"gooseflesh": 5, "restlessness": 5, "pupil_size": 5, "gi_upset": 5, "tremor": 4},
            24,
            "moderate",
        ),
        (
            {
                "gooseflesh": 5,
                "restlessness": 5,
                "pupil_size": 5,
                "gi_upset": 5,
                "tremor": 4,
                "yawning": 1,
            },
            25,
            "moderately_severe",
        ),
        (
            {k: max(v) for k, v in SPARSE_VALUES.items()}
            | {"sweating": 0, "tremor": 0, "yawning": 1},
            37,
            "severe",
        ),
        ({k: max(v) for k, v in SPARSE_VALUES.items()}, 48, "severe"),
    ],
)
def test_bands_follow_the_form(extra: dict[str, int], total: int, band: str) -> None:
    result = score(COWS, _responses(extra))
    assert result.total == total
    assert result.band is not None
    assert result.band.code == band


def test_a_total_under_five_is_not_labelled_mild() -> None:
    result = score(COWS, _responses({"resting_pulse": 4}))
    assert result.band is not None
    assert "mild" not in result.band.label.lower()


def test_moderately_severe_starts_at_25_and_severe_above_36() -> None:
    codes = {band.code: (band.low, band.high) for band in COWS.bands}
    assert codes["moderately_severe"] == (25, 36)
    assert codes["severe"] == (37, 48)


@pytest.mark.parametrize(
    ("bpm", "value"),
    [(20, 0), (80, 0), (81, 1), (100, 1), (101, 2), (120, 2), (121, 4), (300, 4)],
)
def test_pulse_item_from_beats_per_minute(bpm: int, value: int) -> None:
    assert cows_pulse_item(bpm) == value


@pytest.mark.parametrize("bpm", [19, 301, 0, -5, 80.5, True, "90"])
def test_an_implausible_pulse_is_refused(bpm: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        cows_pulse_item(bpm)  # type: ignore[arg-type]
    assert caught.value.field == "cows.resting_pulse_bpm"

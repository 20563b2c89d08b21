"""The instrument framework: definition checks, input validation, flags and lookups."""

import pytest

from mooring.rules.common import InvalidInputError, RulesError, Severity
from mooring.rules.instruments import (
    COWS,
    DAST10,
    INSTRUMENTS,
    PHQ9,
    Band,
    FlagRule,
    Instrument,
    band_for,
    instrument,
    score,
)
from mooring.rules.instruments.base import Anchor, Item, scale_item, yes_no_item


def _zeros(inst: Instrument) -> dict[str, int]:
    return {item.id: item.anchors[0].value for item in inst.items}


def _tiny(**overrides: object) -> Instrument:
    fields: dict[str, object] = {
        "id": "tiny",
        "title": "Tiny",
        "recall_period": "now",
        "items": (scale_item("a", "A", (0, "no"), (2, "yes")),),
        "evidence": ("SEED-002",),
    }
    fields.update(overrides)
    return Instrument(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"items": ()}, "at least one item"),
        ({"items": (scale_item("a", "A", (0, "no")), scale_item("a", "B", (0, "no")))}, "unique"),
        ({"items": (Item("a", "A", ()),)}, "anchors"),
        ({"items": (scale_item("a", "A", (0, "no"), (0, "again")),)}, "anchors"),
        ({"bands": (Band("x", "X", 1, 2),)}, "gap"),
        ({"bands": (Band("x", "X", 0, 0), Band("y", "Y", 1, 0))}, "gap"),
        ({"bands": (Band("x", "X", 0, 1),)}, "maximum"),
        ({"flag_rules": (FlagRule("b", 1, "c", Severity.INFO, "m", ()),)}, "unknown item"),
    ],
)
def test_a_broken_definition_fails_when_built(overrides: dict[str, object], problem: str) -> None:
    with pytest.raises(RulesError, match=problem):
        _tiny(**overrides)


def test_a_well_formed_definition_builds() -> None:
    tiny = _tiny(bands=(Band("low", "Low", 0, 1), Band("high", "High", 2, 2)))
    assert (tiny.min_total, tiny.max_total) == (0, 2)
    assert score(tiny, {"a": 2}).band == Band("high", "High", 2, 2)


def test_registry_lists_every_item_scored_instrument() -> None:
    assert sorted(INSTRUMENTS) == ["auditc", "cows", "dast10", "gad7", "oows", "phq9", "sows"]
    assert instrument("cows") is COWS


def test_an_unknown_instrument_id_names_the_known_ones() -> None:
    with pytest.raises(InvalidInputError) as caught:
        instrument("ciwa")
    assert caught.value.field == "instrument"
    assert "cows" in (caught.value.allowed or ())


def test_an_unknown_item_is_refused_with_the_item_ids() -> None:
    with pytest.raises(InvalidInputError) as caught:
        score(COWS, _zeros(COWS) | {"heart_rate": 0})
    assert caught.value.field == "cows.heart_rate"
    assert caught.value.allowed == COWS.item_ids


def test_a_missing_item_is_refused_with_its_allowed_values() -> None:
    responses = _zeros(COWS)
    del responses["gooseflesh"]
    with pytest.raises(InvalidInputError) as caught:
        score(COWS, responses)
    assert caught.value.field == "cows.gooseflesh"
    assert caught.value.problem == "no response given"
    assert caught.value.allowed == (0, 3, 5)


@pytest.mark.parametrize("bad", [4, -1, 6, True, "3", 3.0, None])
def test_a_value_the_item_does_not_allow_is_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        score(COWS, _zeros(COWS) | {"gooseflesh": bad})  # type: ignore[dict-item]
    assert caught.value.field == "cows.gooseflesh"
    assert caught.value.allowed == (0, 3, 5)
    assert "gooseflesh" in str(caught.value)


def test_responses_must_be_a_mapping() -> None:
    with pytest.raises(InvalidInputError, match="must map item ids"):
        score(COWS, [0] * 11)  # type: ignore[arg-type]


def test_the_result_is_frozen_and_keeps_each_item() -> None:
    result = score(COWS, _zeros(COWS) | {"gooseflesh": 5})
    assert result.points("gooseflesh") == 5
    assert [i.item_id for i in result.items] == list(COWS.item_ids)
    with pytest.raises(AttributeError):
        result.total = 3  # type: ignore[misc]


def test_asking_a_result_for_an_unknown_item_names_the_items() -> None:
    result = score(COWS, _zeros(COWS))
    with pytest.raises(InvalidInputError) as caught:
        result.points("fever")
    assert caught.value.field == "cows.fever"


def test_asking_an_instrument_for_an_unknown_item_names_the_items() -> None:
    assert COWS.item("gooseflesh").allowed_values == (0, 3, 5)
    with pytest.raises(InvalidInputError) as caught:
        COWS.item("fever")
    assert caught.value.allowed == COWS.item_ids


def test_item_points_for_an_unknown_value() -> None:
    with pytest.raises(KeyError):
        COWS.item("gooseflesh").points_for(4)


def test_band_for_refuses_a_total_outside_the_range() -> None:
    with pytest.raises(InvalidInputError, match="0..48"):
        band_for(COWS, 49)


def test_results_cite_registered_evidence_without_repeats() -> None:
    result = score(PHQ9, _zeros(PHQ9))
    assert len(result.evidence) == len(set(result.evidence))
    assert "S-EMENTAL-PHQ9" in result.evidence


def test_yes_no_items_and_reverse_scoring() -> None:
    plain, reversed_ = yes_no_item("p", "P"), DAST10.item("always_able_to_stop")
    assert not plain.reverse_scored
    assert reversed_.reverse_scored
    assert reversed_.anchors == (Anchor(0, "No", 1), Anchor(1, "Yes", 0))

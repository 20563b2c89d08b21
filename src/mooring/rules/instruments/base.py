"""A small framework for scored assessment instruments (COWS, PHQ-9, DAST-10 ...).

An :class:`Instrument` is pure data: its items (our own wording of each prompt and anchor,
with the response codes each item allows and the points each code earns), its severity
bands and the item-level safety flags it raises. :func:`score` turns one complete set of
responses into a frozen :class:`InstrumentResult`, or raises :class:`InvalidInputError`;
it never returns a partial score.

Points are kept apart from response codes so that reverse-scored items (DAST-10 item 3)
need no special case: the anchor for "no" simply earns a point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mooring.rules.common import Finding, InvalidInputError, RulesError, Severity
from mooring.rules.evidence import cite


@dataclass(frozen=True, slots=True)
class Anchor:
    """One allowed response: the code recorded, what it means, and the points it earns."""

    value: int
    label: str
    points: int


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    prompt: str
    anchors: tuple[Anchor, ...]

    @property
    def allowed_values(self) -> tuple[int, ...]:
        return tuple(anchor.value for anchor in self.anchors)

    @property
    def reverse_scored(self) -> bool:
        return any(anchor.points != anchor.value for anchor in self.anchors)

    def points_for(self, value: int) -> int:
        for anchor in self.anchors:
            if anchor.value == value:
                return anchor.points
        raise KeyError(value)


@dataclass(frozen=True, slots=True)
class Band:
    """A closed range of totals ``low..high`` with a stable code and a plain label."""

    code: str
    label: str
    low: int
    high: int

    def contains(self, total: int) -> bool:
        return self.low <= total <= self.high


@dataclass(frozen=True, slots=True)
class FlagRule:
    """Raise a finding when one item earns at least ``min_points``, whatever the total."""

    item_id: str
    min_points: int
    code: str
    severity: Severity
    message: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    title: str
    recall_period: str
    items: tuple[Item, ...]
    evidence: tuple[str, ...]
    # Empty when the sources give no bands: the result then carries the total alone.
    bands: tuple[Band, ...] = ()
    band_evidence: tuple[str, ...] = ()
    flag_rules: tuple[FlagRule, ...] = ()

    def __post_init__(self) -> None:
        # A wrong definition is a programming error: fail at import, not at a patient's visit.
        _check_items(self)
        _check_bands(self)
        _check_flag_rules(self)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def min_total(self) -> int:
        return sum(min(a.points for a in item.anchors) for item in self.items)

    @property
    def max_total(self) -> int:
        return sum(max(a.points for a in item.anchors) for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise InvalidInputError(
            f"{self.id}.{item_id}", "not an item of this instrument", self.item_ids
        )


def _check_items(instrument: Instrument) -> None:
    if not instrument.items:
        raise RulesError(f"{instrument.id}: an instrument needs at least one item")
    if len(set(instrument.item_ids)) != len(instrument.items):
        raise RulesError(f"{instrument.id}: item ids must be unique")
    for item in instrument.items:
        if not item.anchors or len(set(item.allowed_values)) != len(item.anchors):
            raise RulesError(f"{instrument.id}.{item.id}: anchors must be non-empty and unique")


def _check_bands(instrument: Instrument) -> None:
    if not instrument.bands:
        return
    expected_low = instrument.min_total
    for band in instrument.bands:
        if band.low != expected_low or band.high < band.low:
            raise RulesError(f"{instrument.id}: band {band.code} leaves a gap or overlaps")
        expected_low = band.high + 1
    if expected_low != instrument.max_total + 1:
        raise RulesError(f"{instrument.id}: bands must end at the maximum total")


def _check_flag_rules(instrument: Instrument) -> None:
    for rule in instrument.flag_rules:
        if rule.item_id not in instrument.item_ids:
            raise RulesError(f"{instrument.id}: flag {rule.code} names an unknown item")


@dataclass(frozen=True, slots=True)
class ItemScore:
    item_id: str
    response: int
    points: int


@dataclass(frozen=True, slots=True)
class InstrumentResult:
    instrument_id: str
    total: int
    max_total: int
    band: Band | None
    flags: tuple[Finding, ...]
    items: tuple[ItemScore, ...]
    evidence: tuple[str, ...] = field(default=())

    def points(self, item_id: str) -> int:
        for item in self.items:
            if item.item_id == item_id:
                return item.points
        raise InvalidInputError(
            f"{self.instrument_id}.{item_id}",
            "not an item of this result",
            tuple(i.item_id for i in self.items),
        )


def score(instrument: Instrument, responses: Mapping[str, int]) -> InstrumentResult:
    """Score one complete set of responses; raise on any unknown, missing or disallowed answer."""
    _check_keys(instrument, responses)
    scored = tuple(_score_item(instrument, item, responses[item.id]) for item in instrument.items)
    total = sum(item.points for item in scored)
    return InstrumentResult(
        instrument_id=instrument.id,
        total=total,
        max_total=instrument.max_total,
        band=band_for(instrument, total),
        flags=_flags(instrument, scored),
        items=scored,
        evidence=cite(*_unique(instrument.evidence + instrument.band_evidence)),
    )


def band_for(instrument: Instrument, total: int) -> Band | None:
    """The band holding ``total``, or None for an instrument without bands."""
    if not instrument.min_total <= total <= instrument.max_total:
        raise InvalidInputError(
            f"{instrument.id}.total",
            "out of range",
            (f"{instrument.min_total}..{instrument.max_total}",),
        )
    for band in instrument.bands:
        if band.contains(total):
            return band
    return None


def _check_keys(instrument: Instrument, responses: Mapping[str, int]) -> None:
    if not isinstance(responses, Mapping):
        raise InvalidInputError(
            f"{instrument.id}.responses", "must map item ids to values", instrument.item_ids
        )
    unknown = sorted(set(responses) - set(instrument.item_ids))
    if unknown:
        raise InvalidInputError(
            f"{instrument.id}.{unknown[0]}", "not an item of this instrument", instrument.item_ids
        )
    for item in instrument.items:
        if item.id not in responses:
            raise InvalidInputError(
                f"{instrument.id}.{item.id}", "no response given", item.allowed_values
            )


def _score_item(instrument: Instrument, item: Item, value: object) -> ItemScore:
    # bool is an int in Python; refuse it so True never silently scores as 1.
    if isinstance(value, bool) or not isinstance(value, int) or value not in item.allowed_values:
        raise InvalidInputError(
            f"{instrument.id}.{item.id}", f"{value!r} is not an allowed value", item.allowed_values
        )
    return ItemScore(item.id, value, item.points_for(value))


def _flags(instrument: Instrument, scored: tuple[ItemScore, ...]) -> tuple[Finding, ...]:
    points = {item.item_id: item.points for item in scored}
    return tuple(
        Finding(rule.code, rule.severity, rule.message, rule.evidence)
        for rule in instrument.flag_rules
        if points[rule.item_id] >= rule.min_points
    )


def _unique(ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def scale_item(item_id: str, prompt: str, *anchors: tuple[int, str]) -> Item:
    """An item whose points equal its response codes (most instruments)."""
    return Item(item_id, prompt, tuple(Anchor(value, label, value) for value, label in anchors))


def present_absent_item(item_id: str, prompt: str) -> Item:
    return scale_item(item_id, prompt, (0, "Absent"), (1, "Present"))


YES, NO = 1, 0  # response codes for yes/no items


def yes_no_item(item_id: str, prompt: str, *, point_for: int = YES) -> Item:
    """A yes/no item; ``point_for=NO`` makes it reverse-scored."""
    return Item(
        item_id,
        prompt,
        (Anchor(NO, "No", int(point_for == NO)), Anchor(YES, "Yes", int(point_for == YES))),
    )

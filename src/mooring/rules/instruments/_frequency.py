"""The four how-often anchors shared by PHQ-9 and GAD-7 (last two weeks, scored 0-3)."""

from __future__ import annotations

from mooring.rules.instruments.base import Item, scale_item

HOW_OFTEN = (
    (0, "Not at all"),
    (1, "Some days"),
    (2, "More than half the days"),
    (3, "Almost every day"),
)


def how_often_item(item_id: str, prompt: str) -> Item:
    return scale_item(item_id, prompt, *HOW_OFTEN)

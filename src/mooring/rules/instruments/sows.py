"""SOWS, the Subjective Opiate Withdrawal Scale (Handelsman et al. 1987): 16 self-rated items.

Each item is rated 0-4, so totals run 0-64. The original paper gives no severity bands and
the bands on some clinic handouts are unverified, so Mooring reports the total alone. Not to
be confused with Gossop's 10-item *Short* Opiate Withdrawal Scale, also called SOWS.
"""

from __future__ import annotations

from mooring.rules.evidence import cite
from mooring.rules.instruments.base import Instrument, Item, scale_item

_HOW_MUCH = (
    (0, "Not at all"),
    (1, "Slightly"),
    (2, "Moderately"),
    (3, "Quite a lot"),
    (4, "Extremely"),
)

_PROMPTS = (
    ("anxious", "I feel anxious"),
    ("yawning", "I keep wanting to yawn"),
    ("perspiring", "I am sweating"),
    ("eyes_tearing", "My eyes are watering"),
    ("nose_running", "My nose is running"),
    ("gooseflesh", "I have gooseflesh"),
    ("shaking", "I am shaky"),
    ("hot_flushes", "I have hot flushes"),
    ("cold_flushes", "I have cold flushes"),
    ("aches", "My bones and muscles ache"),
    ("restless", "I feel restless"),
    ("nauseous", "I feel sick to my stomach"),
    ("like_vomiting", "I feel as if I might vomit"),
    ("muscle_twitches", "My muscles twitch"),
    ("stomach_cramps", "I have stomach cramps"),
    ("urge_to_use", "I want to use opioids right now"),
)


def _item(item_id: str, prompt: str) -> Item:
    return scale_item(item_id, prompt, *_HOW_MUCH)


SOWS = Instrument(
    id="sows",
    title="Subjective Opiate Withdrawal Scale (SOWS)",
    recall_period="right now",
    items=tuple(_item(item_id, prompt) for item_id, prompt in _PROMPTS),
    evidence=cite("S-EMCDDA-SOWS", "S-NIDA-DS-SOWS", "S-GC-SOWS", "S-METAMORPH-SOWS"),
)

"""PHQ-9 (Kroenke, Spitzer & Williams 2001): nine depression items over the last two weeks.

Any answer above zero on item 9 (thoughts of death or self-harm) raises a safety finding
whatever the total, because a low total can hide a person at risk.
"""

from __future__ import annotations

from mooring.rules.common import Severity
from mooring.rules.evidence import cite
from mooring.rules.instruments._frequency import how_often_item
from mooring.rules.instruments.base import Band, FlagRule, Instrument

ITEM9 = "thoughts_of_death_or_self_harm"

_PROMPTS = (
    ("little_interest", "Not enjoying or caring about things you usually do"),
    ("feeling_down", "Feeling low, sad or without hope"),
    ("sleep", "Trouble falling or staying asleep, or sleeping far more than usual"),
    ("low_energy", "Lacking energy or tiring easily"),
    ("appetite", "Eating much less or much more than usual"),
    ("self_worth", "Thinking badly of yourself, or that you have let yourself or others down"),
    ("concentration", "Finding it hard to concentrate, for example on reading or a TV programme"),
    (
        "slowed_or_restless",
        "Moving or talking so slowly that others could notice, or being so "
        "restless that you move about far more than usual",
    ),
    (ITEM9, "Thinking you would be better off dead, or thinking about hurting yourself"),
)

PHQ9 = Instrument(
    id="phq9",
    title="Patient Health Questionnaire (PHQ-9)",
    recall_period="the last 2 weeks",
    items=tuple(how_often_item(item_id, prompt) for item_id, prompt in _PROMPTS),
    evidence=cite("S-EMENTAL-PHQ9", "S-FLYGARE-KROENKE"),
    bands=(
        Band("minimal", "Minimal depression", 0, 4),
        Band("mild", "Mild depression", 5, 9),
        Band("moderate", "Moderate depression", 10, 14),
        Band("moderately_severe", "Moderately severe depression", 15, 19),
        Band("severe", "Severe depression", 20, 27),
    ),
    band_evidence=cite("S-EMENTAL-PHQ9", "S-FLYGARE-KROENKE"),
    flag_rules=(
        FlagRule(
            item_id=ITEM9,
            min_points=1,
            code="phq9.item9_positive",
            severity=Severity.CAUTION,
            message="The answer to item 9 (thoughts of death or of self-harm) is above zero: "
            "a clinician should assess suicide risk now, whatever the total score.",
            evidence=cite("S-CALCIPEDIA-PHQ9"),
        ),
    ),
)

"""COWS, the Clinical Opiate Withdrawal Scale (Wesson & Ling 2003): 11 clinician-rated signs.

Each item allows only the sparse values printed on the form (gooseflesh is 0, 3 or 5; there
is no 4), so forms must offer exactly :attr:`Item.allowed_values`. Rate a sign only as far as
it seems due to opioid withdrawal (a pulse raised by climbing stairs does not count).
Totals 0-4 carry no label on the original form; Mooring calls them "no active withdrawal",
never "mild".
"""

from __future__ import annotations

from mooring.rules.common import InvalidInputError
from mooring.rules.evidence import cite
from mooring.rules.instruments.base import Band, Instrument, scale_item

_ITEMS = (
    scale_item(
        "resting_pulse",
        "Pulse at rest, counted after one minute sitting or lying down",
        (0, "80 a minute or slower"),
        (1, "81 to 100 a minute"),
        (2, "101 to 120 a minute"),
        (4, "faster than 120 a minute"),
    ),
    scale_item(
        "sweating",
        "Sweating in the last half hour that room heat or exertion does not explain",
        (0, "No chills or flushing reported"),
        (1, "Says they had chills or flushing"),
        (2, "Face flushed or visibly damp"),
        (3, "Drops of sweat on the forehead or face"),
        (4, "Sweat running down the face"),
    ),
    scale_item(
        "restlessness",
        "Restlessness seen during the assessment",
        (0, "Sits still without trouble"),
        (1, "Finds sitting still hard but manages"),
        (3, "Keeps shifting or moving arms and legs"),
        (5, "Cannot stay seated for more than a few seconds"),
    ),
    scale_item(
        "pupil_size",
        "Size of the pupils",
        (0, "Pinpoint or usual for the room light"),
        (1, "Possibly wider than usual for the room light"),
        (2, "Clearly dilated"),
        (5, "So dilated that only a thin ring of iris shows"),
    ),
    scale_item(
        "bone_joint_aches",
        "Aching bones or joints (score only the part due to withdrawal if pain was there before)",
        (0, "None"),
        (1, "Mild, spread-out discomfort"),
        (2, "Reports severe aching of joints or muscles all over"),
        (4, "Rubbing joints or muscles and too uncomfortable to sit still"),
    ),
    scale_item(
        "runny_nose_tearing",
        "Runny nose or watery eyes not due to a cold or allergy",
        (0, "None"),
        (1, "Blocked nose or eyes wetter than usual"),
        (2, "Nose running or eyes watering"),
        (4, "Nose running all the time or tears running down the cheeks"),
    ),
    scale_item(
        "gi_upset",
        "Stomach or bowel upset in the last half hour",
        (0, "None"),
        (1, "Stomach cramps"),
        (2, "Nausea or loose stools"),
        (3, "Vomiting or diarrhoea"),
        (5, "Repeated vomiting or diarrhoea"),
    ),
    scale_item(
        "tremor",
        "Tremor of the hands held out in front",
        (0, "None"),
        (1, "Tremor can be felt but not seen"),
        (2, "Slight visible tremor"),
        (4, "Marked tremor or muscle twitching"),
    ),
    scale_item(
        "yawning",
        "Yawning seen during the assessment",
        (0, "None"),
        (1, "Once or twice"),
        (2, "Three times or more"),
        (4, "Several times a minute"),
    ),
    scale_item(
        "anxiety_irritability",
        "Anxiety or irritability",
        (0, "None"),
        (1, "Says they feel more irritable or anxious"),
        (2, "Clearly irritable or anxious"),
        (4, "So irritable or anxious that the assessment is hard to complete"),
    ),
    scale_item(
        "gooseflesh",
        "Gooseflesh",
        (0, "Skin smooth"),
        (3, "Raised skin can be felt, or hairs stand up on the arms"),
        (5, "Marked, obvious gooseflesh"),
    ),
)

COWS = Instrument(
    id="cows",
    title="Clinical Opiate Withdrawal Scale (COWS)",
    recall_period="now (sweating and stomach upset: the last half hour)",
    items=_ITEMS,
    evidence=cite("S-WL2003", "S-TIP45-COWS", "S-NAABT-COWS", "S-VALANT-COWS", "S-CLIOT-COWS"),
    bands=(
        Band("no_active_withdrawal", "No active withdrawal", 0, 4),
        Band("mild", "Mild withdrawal", 5, 12),
        Band("moderate", "Moderate withdrawal", 13, 24),
        Band("moderately_severe", "Moderately severe withdrawal", 25, 36),
        Band("severe", "Severe withdrawal", 37, 48),
    ),
    band_evidence=cite("S-COWS-FORM-BLOG", "S-VALANT-COWS", "S-MDAPP-COWS", "S-BICYCLE-COWS"),
)

# Upper edge (inclusive) of each pulse anchor, from the form; above the last edge scores 4.
_PULSE_EDGES = ((80, 0), (100, 1), (120, 2))
_PULSE_ABOVE_EDGES = 4
# A sanity guard against typing errors (e.g. 1100 for 110), not a clinical threshold.
_PLAUSIBLE_BPM = range(20, 301)


def cows_pulse_item(bpm: int) -> int:
    """The COWS resting-pulse item value for a pulse in beats per minute."""
    if isinstance(bpm, bool) or not isinstance(bpm, int) or bpm not in _PLAUSIBLE_BPM:
        raise InvalidInputError(
            "cows.resting_pulse_bpm",
            f"{bpm!r} is not a plausible pulse",
            (f"whole beats per minute, {_PLAUSIBLE_BPM.start}..{_PLAUSIBLE_BPM.stop - 1}",),
        )
    for upper, value in _PULSE_EDGES:
        if bpm <= upper:
            return value
    return _PULSE_ABOVE_EDGES

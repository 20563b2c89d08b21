"""OOWS, the Objective Opiate Withdrawal Scale (Handelsman et al. 1987): 13 observed signs.

The clinician watches for about five minutes and marks each sign present (1) or absent (0);
totals run 0-13. The sources give no severity bands, so Mooring reports the total alone.
This is the 13-sign form; a variant that drops sweating and grades anxiety 0-3 is not built.
"""

from __future__ import annotations

from mooring.rules.evidence import cite
from mooring.rules.instruments.base import Instrument, present_absent_item

_SIGNS = (
    ("yawning", "Yawns at least once"),
    ("rhinorrhoea", "Runny nose: sniffs three times or more"),
    ("piloerection", "Gooseflesh on the arms"),
    ("perspiration", "Sweating"),
    ("lacrimation", "Watery eyes"),
    ("mydriasis", "Pupils dilated to 3 mm or more"),
    ("tremor", "Tremor of the hands"),
    ("hot_cold_flushes", "Shivers or huddles for warmth"),
    ("restlessness", "Keeps changing position"),
    ("vomiting", "Vomits"),
    ("muscle_twitches", "Muscle twitches"),
    ("abdominal_cramps", "Holds the stomach as if cramping"),
    ("anxiety", "Anxiety, from mild to severe"),
)

OOWS = Instrument(
    id="oows",
    title="Objective Opiate Withdrawal Scale (OOWS)",
    recall_period="a timed observation of about 5 minutes",
    items=tuple(present_absent_item(sign_id, prompt) for sign_id, prompt in _SIGNS),
    evidence=cite("S-MEDALG-OOWS", "S-NIDA-DS-SOWS"),
)

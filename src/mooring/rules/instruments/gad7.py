"""GAD-7 (Spitzer et al. 2006): seven anxiety items over the last two weeks, total 0-21.

The cut points 5, 10 and 15 are well known but were not seen in a copy of the paper for
the Mooring reference, so their evidence is graded unverified (see docs/rules/gad7.md).
"""

from __future__ import annotations

from mooring.rules.evidence import cite
from mooring.rules.instruments._frequency import how_often_item
from mooring.rules.instruments.base import Band, Instrument

_PROMPTS = (
    ("nervous", "Feeling nervous, tense or on edge"),
    ("cannot_stop_worrying", "Being unable to stop or control worrying"),
    ("worrying_too_much", "Worrying a lot about many different things"),
    ("trouble_relaxing", "Finding it hard to relax"),
    ("restless", "Being so restless that sitting still is hard"),
    ("irritable", "Getting annoyed or irritable easily"),
    ("afraid", "Feeling afraid, as if something awful might happen"),
)

GAD7 = Instrument(
    id="gad7",
    title="Generalized Anxiety Disorder scale (GAD-7)",
    recall_period="the last 2 weeks",
    items=tuple(how_often_item(item_id, prompt) for item_id, prompt in _PROMPTS),
    evidence=cite("S-SPITZER2006-GAD7"),
    bands=(
        Band("minimal", "Minimal anxiety", 0, 4),
        Band("mild", "Mild anxiety", 5, 9),
        Band("moderate", "Moderate anxiety", 10, 14),
        Band("severe", "Severe anxiety", 15, 21),
    ),
    band_evidence=cite("S-SPITZER2006-GAD7"),
)

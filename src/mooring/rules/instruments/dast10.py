"""DAST-10 (Skinner 1982): ten yes/no questions about drug use in the last 12 months.

Each "yes" earns a point except item 3 ("can you always stop?"), where "no" earns it.
Only item 3 is reversed: the DAST-20 reverses items 4 and 5, which some sites misapply here.
Responses are recorded as 1 = yes, 0 = no (:data:`YES`, :data:`NO`).
"""

from __future__ import annotations

from mooring.rules.evidence import cite
from mooring.rules.instruments.base import NO, Band, Instrument, yes_no_item

ABLE_TO_STOP = "always_able_to_stop"

_ITEMS = (
    yes_no_item(
        "used_drugs", "In the last 12 months, have you used drugs other than for medical reasons?"
    ),
    yes_no_item("more_than_one_drug", "Have you used more than one drug on the same occasion?"),
    yes_no_item(ABLE_TO_STOP, "Can you always stop using drugs when you want to?", point_for=NO),
    yes_no_item(
        "blackouts_flashbacks", "Have you had blackouts or flashbacks because of drug use?"
    ),
    yes_no_item("bad_or_guilty", "Have you felt bad or guilty about your drug use?"),
    yes_no_item(
        "family_complained", "Has a partner, parent or relative complained about your drug use?"
    ),
    yes_no_item("neglected_family", "Have you neglected your family because of drug use?"),
    yes_no_item(
        "illegal_activity_for_drugs", "Have you done something against the law to get drugs?"
    ),
    yes_no_item(
        "withdrawal_symptoms", "Have you felt ill from withdrawal when you stopped using drugs?"
    ),
    yes_no_item(
        "medical_problems",
        "Have you had health problems caused by drug use, such as "
        "memory loss, hepatitis, seizures or bleeding?",
    ),
)

DAST10 = Instrument(
    id="dast10",
    title="Drug Abuse Screening Test (DAST-10)",
    recall_period="the last 12 months",
    items=_ITEMS,
    evidence=cite("S-COMORB-DAST10", "S-NIDA-CDE-DAST"),
    bands=(
        Band("none", "No problems reported", 0, 0),
        Band("low", "Low level of problems", 1, 2),
        Band("moderate", "Moderate level of problems", 3, 5),
        Band("substantial", "Substantial level of problems", 6, 8),
        Band("severe", "Severe level of problems", 9, 10),
    ),
    band_evidence=cite("S-COMORB-DAST10", "S-NIDA-CDE-DAST"),
)

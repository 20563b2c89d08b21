"""Quality measures: continuity of pharmacotherapy (POD), initiation and engagement (IET),
and retention at 90/180/365 days. Pure functions over frozen inputs; see docs/rules/measure-*.
"""

from mooring.rules.measures._days import DaySpan
from mooring.rules.measures._outcome import MeasureResult
from mooring.rules.measures.iet import (
    IetProfile,
    IetResult,
    ServiceKind,
    Status,
    TreatmentService,
    iet,
    iet_profile,
)
from mooring.rules.measures.pod import (
    ClaimKind,
    InpatientStay,
    MedicationEvent,
    OudMedication,
    PodProfile,
    pod_continuity,
    pod_profile,
    pod_treatment_starts,
    supply_spans,
)
from mooring.rules.measures.retention import (
    CareEpisode,
    RetentionProfile,
    retention_from_episodes,
    retention_from_medication,
    retention_profile,
)

__all__ = [
    "CareEpisode",
    "ClaimKind",
    "DaySpan",
    "IetProfile",
    "IetResult",
    "InpatientStay",
    "MeasureResult",
    "MedicationEvent",
    "OudMedication",
    "PodProfile",
    "RetentionProfile",
    "ServiceKind",
    "Status",
    "TreatmentService",
    "iet",
    "iet_profile",
    "pod_continuity",
    "pod_profile",
    "pod_treatment_starts",
    "retention_from_episodes",
    "retention_from_medication",
    "retention_profile",
    "supply_spans",
]

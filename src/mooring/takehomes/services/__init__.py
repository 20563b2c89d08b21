"""Writes to take-home doses: one function per use case, atomic, audited.

* :mod:`.assessments` — ``takehome_assessment_record`` (prescriber).
* :mod:`.issue` — ``takehome_issue`` (nurse), which draws the stock and records the take-home
  dose administrations in the same transaction.
* :mod:`.printing` — ``takehome_labels_print`` (nurse), audited as ``print``.
* :mod:`.returns` — ``takehome_return_check`` (nurse), ``takehome_concern_acknowledge``
  (prescriber).
* :mod:`.recalls` — ``takehome_recall_request`` (prescriber), ``takehome_recall_record``
  (nurse).
"""

from mooring.takehomes.services.assessments import takehome_assessment_record
from mooring.takehomes.services.issue import takehome_issue
from mooring.takehomes.services.printing import takehome_labels_print
from mooring.takehomes.services.recalls import takehome_recall_record, takehome_recall_request
from mooring.takehomes.services.returns import takehome_concern_acknowledge, takehome_return_check

__all__ = [
    "takehome_assessment_record",
    "takehome_concern_acknowledge",
    "takehome_issue",
    "takehome_labels_print",
    "takehome_recall_record",
    "takehome_recall_request",
    "takehome_return_check",
]

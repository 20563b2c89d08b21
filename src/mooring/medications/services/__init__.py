"""Writes to medication orders, holds and doses: one function per use case, atomic, audited.

* :mod:`.orders` — ``order_draft``, ``order_sign``, ``order_change``, ``order_end``,
  ``qtc_record`` (prescriber).
* :mod:`.holds` — ``hold_place``, ``hold_release``, ``missed_dose_review`` (prescriber),
  ``sedation_record`` (nurse), ``flag_acknowledge``.
* :mod:`.dosing` — ``dose_dispense`` (nurse), which draws the stock in the same transaction
  (also at a guest host clinic, and back-entered after a downtime).
* :mod:`.guest` — ``guest_dosing_arrange``, ``guest_dosing_cancel`` (home nurse/prescriber).
"""

from mooring.medications.services.dosing import dose_dispense
from mooring.medications.services.guest import guest_dosing_arrange, guest_dosing_cancel
from mooring.medications.services.holds import (
    flag_acknowledge,
    hold_place,
    hold_release,
    missed_dose_review,
    sedation_record,
)
from mooring.medications.services.orders import (
    OrderDraft,
    order_change,
    order_draft,
    order_end,
    order_sign,
    qtc_record,
)

__all__ = [
    "OrderDraft",
    "dose_dispense",
    "flag_acknowledge",
    "guest_dosing_arrange",
    "guest_dosing_cancel",
    "hold_place",
    "hold_release",
    "missed_dose_review",
    "order_change",
    "order_draft",
    "order_end",
    "order_sign",
    "qtc_record",
    "sedation_record",
]

"""Writes to controlled-substance stock. Each function is one use case, atomic and audited.

``stock_dispense`` is the exception that proves the rule: it is called *inside* another
service's transaction (``medications.services.dosing.dose_dispense``), which audits the dose
and its ledger entry together.
"""

from mooring.inventory.services.reconciliation import reconciliation_close, reconciliation_count
from mooring.inventory.services.stock import (
    ledger_reverse,
    product_create,
    stock_adjust,
    stock_dispense,
    stock_quarantine,
    stock_receive,
    stock_spill,
    stock_transfer,
    stock_waste,
)

__all__ = [
    "ledger_reverse",
    "product_create",
    "reconciliation_close",
    "reconciliation_count",
    "stock_adjust",
    "stock_dispense",
    "stock_quarantine",
    "stock_receive",
    "stock_spill",
    "stock_transfer",
    "stock_waste",
]

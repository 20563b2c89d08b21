"""Kept for old imports: the check lives in :func:`mooring.patients.selectors.require_patient_here`."""

from __future__ import annotations

from mooring.patients.selectors import require_patient_here

__all__ = ["require_patient_here"]

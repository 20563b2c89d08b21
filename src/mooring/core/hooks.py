"""Extension points that let later apps widen access without the core importing them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

# Each provider answers: besides the home clinic, which clinics may see this patient on a
# day (for example the clinic giving guest doses)? Registered in an app's ready().
PatientClinicProvider = Callable[[Any, date], set[int]]
_patient_clinic_providers: list[PatientClinicProvider] = []


def register_patient_clinic_provider(provider: PatientClinicProvider) -> None:
    if provider not in _patient_clinic_providers:
        _patient_clinic_providers.append(provider)


def extra_patient_clinic_ids(patient: Any, on: date) -> set[int]:
    found: set[int] = set()
    for provider in _patient_clinic_providers:
        found |= provider(patient, on)
    return found

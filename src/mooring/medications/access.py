"""Who may give a medicine to this patient here (nurses, or a prescriber giving it themselves).

Shared by the apps that record a given dose outside the dosing window: injections,
withdrawal medicines and naloxone kits. The patient-level check beneath it is
:func:`mooring.patients.selectors.require_patient_here`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied
from mooring.patients.models import Patient
from mooring.patients.selectors import require_patient_here


def require_giver(actor: Actor, patient: Patient) -> Clinic:
    """The actor's clinic, once they may see this patient and give medicines there.

    Nurses give (DISPENSE); prescribers may give a dose themselves (PRESCRIBE).
    """
    clinic = require_patient_here(actor, patient, Capability.VIEW_CLINICAL)
    if not (
        access.can(actor.user, Capability.DISPENSE, clinic.id)
        or access.can(actor.user, Capability.PRESCRIBE, clinic.id)
    ):
        raise CapabilityDenied(
            _("Your role here does not allow giving medicines."), code="capability_denied"
        )
    return clinic

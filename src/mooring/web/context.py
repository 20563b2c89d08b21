from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from mooring.accounts import access
from mooring.accounts.capabilities import capabilities_for
from mooring.web.access import current_clinic


def staff_context(request: HttpRequest) -> dict[str, object]:
    """What every page's header needs: the clinic, the user's clinics and capabilities."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"program_name": settings.MOORING_PROGRAM_NAME}
    clinic = current_clinic(request)
    roles = access.roles_at(user, clinic.id if clinic else None)
    return {
        "program_name": settings.MOORING_PROGRAM_NAME,
        "current_clinic": clinic,
        "my_clinics": access.clinics_for(user),
        "my_roles": sorted(roles),
        "caps": {str(c) for c in capabilities_for(roles)},
        "idle_timeout_minutes": settings.MOORING_IDLE_TIMEOUT_MINUTES,
    }

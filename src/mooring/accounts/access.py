"""Who may do what where: the only code that reads staff roles for permission decisions."""

from __future__ import annotations

from collections.abc import Iterable

from mooring.accounts.capabilities import Capability, capabilities_for
from mooring.accounts.models import Clinic, StaffRole, User
from mooring.core.errors import CapabilityDenied

_CACHE_ATTR = "_mooring_roles_by_clinic"
_CLINICS_ATTR = "_mooring_clinics"


def roles_by_clinic(user: User) -> dict[int, frozenset[str]]:
    """Clinic id -> roles held there, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        found: dict[int, set[str]] = {}
        for clinic_id, role in StaffRole.objects.filter(user=user).values_list("clinic_id", "role"):
            found.setdefault(clinic_id, set()).add(role)
        cached = {clinic_id: frozenset(roles) for clinic_id, roles in found.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: User) -> None:
    for attr in (_CACHE_ATTR, _CLINICS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_at(user: User, clinic_id: int | None) -> frozenset[str]:
    if clinic_id is None:
        return frozenset()
    return roles_by_clinic(user).get(clinic_id, frozenset())


def can(user: User, capability: Capability | str, clinic_id: int | None) -> bool:
    return capability in capabilities_for(roles_at(user, clinic_id))


def can_anywhere(user: User, capability: Capability | str) -> bool:
    return any(capability in capabilities_for(roles) for roles in roles_by_clinic(user).values())


def clinic_ids_with(user: User, capability: Capability | str) -> set[int]:
    return {cid for cid, roles in roles_by_clinic(user).items()
            if capability in capabilities_for(roles)}


def require(user: User, capability: Capability | str, clinic_id: int | None) -> None:
    if not can(user, capability, clinic_id):
        raise CapabilityDenied(
            f"Your role here does not allow this ({Capability(capability).label}).",
            code="capability_denied",
        )


def clinics_for(user: User) -> list[Clinic]:
    """The clinics where the user holds any role, by name; cached for the request."""
    cached = getattr(user, _CLINICS_ATTR, None)
    if cached is None:
        ids: Iterable[int] = roles_by_clinic(user).keys()
        cached = list(Clinic.objects.filter(id__in=list(ids)).order_by("name"))
        if user.is_authenticated:
            setattr(user, _CLINICS_ATTR, cached)
    return list(cached)

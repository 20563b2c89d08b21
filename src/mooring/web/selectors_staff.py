"""What the staff pages show: who works where, in which role, and how their privileges changed.

An administrator sees the people who hold a role at a clinic where they manage staff, and
the people who hold no role anywhere (just created, or every role revoked), so that nobody
drops out of sight. Roles at other clinics are shown but cannot be changed from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability, Role
from mooring.accounts.models import Clinic, StaffRole, User
from mooring.accounts.services import may_manage_account
from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import NotFoundOrForbidden

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class StaffFilter:
    clinic: Clinic | None = None
    role: str = ""
    status: str = ""  # "", "active" or "inactive"


@dataclass
class ClinicRoles:
    clinic: Clinic
    roles: list[StaffRole] = field(default_factory=list)
    managed: bool = False

    @property
    def labels(self) -> list[str]:
        return [r.get_role_display() for r in self.roles]


@dataclass
class StaffRow:
    user: User
    clinics: list[ClinicRoles]


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    summary: str


@dataclass
class MemberPage:
    user: User
    clinics: list[ClinicRoles]  # every clinic the manager manages, then the person's others
    managed_clinics: list[Clinic]
    may_manage_account: bool
    is_self: bool
    history: list[HistoryRow]


def managed_clinics(manager: User) -> list[Clinic]:
    ids = access.clinic_ids_with(manager, Capability.MANAGE_STAFF)
    return [c for c in access.clinics_for(manager) if c.id in ids]


def _roles_prefetch() -> Prefetch:
    return Prefetch(
        "staff_roles",
        queryset=StaffRole.objects.select_related("clinic").order_by("clinic__name", "role"),
    )


def _visible(managed_ids: set[int]) -> Q:
    """Holds a role where the manager manages staff, or holds no role at all."""
    return Q(id__in=StaffRole.objects.filter(clinic_id__in=managed_ids).values("user_id")) | ~Q(
        id__in=StaffRole.objects.values("user_id")
    )


def staff_members(manager: User, query: StaffFilter) -> QuerySet[User]:
    """The people the manager may see, filtered, by name, with every role prefetched."""
    managed_ids = {c.id for c in managed_clinics(manager)}
    users = User.objects.all()
    if query.clinic is not None or query.role:
        wanted = StaffRole.objects.filter(clinic_id__in=managed_ids)
        if query.clinic is not None:
            wanted = wanted.filter(clinic=query.clinic)
        if query.role:
            wanted = wanted.filter(role=query.role)
        users = users.filter(id__in=wanted.values("user_id"))
    else:
        users = users.filter(_visible(managed_ids))
    if query.status:
        users = users.filter(is_active=query.status == "active")
    return users.prefetch_related(_roles_prefetch()).order_by("display_name", "username")


def _group(roles: list[StaffRole], managed_ids: set[int]) -> list[ClinicRoles]:
    grouped: dict[int, ClinicRoles] = {}
    for role in roles:
        entry = grouped.setdefault(
            role.clinic_id, ClinicRoles(role.clinic, managed=role.clinic_id in managed_ids)
        )
        entry.roles.append(role)
    return list(grouped.values())


def staff_rows(manager: User, users: list[User]) -> list[StaffRow]:
    managed_ids = {c.id for c in managed_clinics(manager)}
    return [StaffRow(u, _group(list(u.staff_roles.all()), managed_ids)) for u in users]


def member_for(manager: User, user_uuid: object) -> User:
    """One person the manager may see; the same answer for missing and not theirs."""
    managed_ids = {c.id for c in managed_clinics(manager)}
    user = (
        User.objects.filter(_visible(managed_ids), uuid=user_uuid)
        .prefetch_related(_roles_prefetch())
        .first()
    )
    if user is None:
        raise NotFoundOrForbidden()
    return user


def member_page(manager: User, user: User) -> MemberPage:
    managed = managed_clinics(manager)
    managed_ids = {c.id for c in managed}
    roles = list(user.staff_roles.all())
    held = {entry.clinic.id: entry for entry in _group(roles, managed_ids)}
    clinics = [held.pop(c.id, ClinicRoles(c, managed=True)) for c in managed]
    clinics += list(held.values())
    return MemberPage(
        user=user,
        clinics=clinics,
        managed_clinics=managed,
        may_manage_account=may_manage_account(manager, user, {r.clinic_id for r in roles}),
        is_self=manager.pk == user.pk,
        history=privilege_history(user),
    )


def privilege_history(user: User) -> list[HistoryRow]:
    """The audit log's privilege changes for this person, newest first."""
    events = (
        AuditEvent.objects.filter(action=Action.PRIVILEGE_CHANGE, object_id=str(user.uuid))
        .select_related("clinic")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    return [HistoryRow(event, _summary(event)) for event in events]


def _role_label(value: object) -> str:
    return str(Role(value).label) if value in Role.values else str(value)


def _summary(event: AuditEvent) -> str:
    detail = event.detail or {}
    clinic = event.clinic.name if event.clinic else str(detail.get("clinic", ""))
    if "granted" in detail:
        return _("Granted %(role)s at %(clinic)s") % {
            "role": _role_label(detail["granted"]),
            "clinic": clinic,
        }
    if "revoked" in detail:
        return _("Revoked %(role)s at %(clinic)s") % {
            "role": _role_label(detail["revoked"]),
            "clinic": clinic,
        }
    if detail.get("deactivated"):
        return _("Account deactivated: %(reason)s") % {"reason": detail.get("reason", "")}
    if detail.get("reactivated"):
        return _("Account reactivated")
    return _("Privilege change")

"""The Django admin: for administrators only, for set-up data only.

Patient records never change through the admin (they'd bypass the services' validation);
staff roles change through the audited services, not through admin forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.shortcuts import redirect

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic, ClinicClosure, Program, StaffRole, User
from mooring.audit.models import Action
from mooring.audit.services import record
from mooring.core.context import Actor, client_address


def _admin_allowed(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and access.can_anywhere(user,
                                                                         Capability.MANAGE_STAFF))


admin.site.has_permission = _admin_allowed  # type: ignore[method-assign]
admin.site.site_header = "Mooring administration"


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, source_address=client_address(request),
                 user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], channel="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Every change made in the admin lands in the audit log too."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(actor=_actor(request), action=Action.UPDATE if change else Action.CREATE,
               object_type=obj._meta.model_name, object_id=getattr(obj, "uuid", obj.pk),
               detail={"fields": sorted(form.changed_data)})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(actor=_actor(request), action=Action.DELETE, object_type=obj._meta.model_name,
               object_id=getattr(obj, "uuid", obj.pk), detail={"label": str(obj)})
        super().delete_model(request, obj)


@admin.register(Program)
class ProgramAdmin(AuditedAdmin):
    list_display = ["name", "mrn_prefix"]
    readonly_fields = ["next_mrn"]


class ClosureInline(admin.TabularInline):
    model = ClinicClosure
    extra = 0


@admin.register(Clinic)
class ClinicAdmin(AuditedAdmin):
    list_display = ["name", "code", "time_zone", "protocol_profile"]
    inlines = [ClosureInline]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    can_delete = False
    readonly_fields = ["clinic", "role", "granted_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # roles change through staff_role_grant, which audits the change


@admin.register(User)
class StaffUserAdmin(UserAdmin, AuditedAdmin):
    """Read-mostly: sign-in, privileges and passwords change on the staff pages (/staff/),
    whose services guard them (no self lock-out, per-clinic rights) and audit each change."""

    list_display = ["username", "display_name", "credentials", "is_active", "last_login"]
    fieldsets = [*UserAdmin.fieldsets, ("Mooring", {"fields": ["display_name", "credentials"]})]
    readonly_fields = ["is_active", "is_staff", "is_superuser", "groups", "user_permissions",
                       "last_login", "date_joined"]
    inlines = [StaffRoleInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new staff accounts are made on /staff/new/

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        return redirect("web:staff_list")

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mooring.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, in the admin as everywhere."""

    list_display = ["occurred_at", "actor_username", "action", "object_type", "patient",
                    "outcome"]
    list_filter = ["action", "outcome", "data_category"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Reads of the audit log for the auditor's report and its export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from mooring.audit.models import AuditEvent

# Columns the report may sort by: URL key -> model field.
SORTABLE = {
    "time": "occurred_at",
    "user": "actor_username",
    "role": "role",
    "action": "action",
    "object": "object_type",
    "patient": "patient__mrn",
    "category": "data_category",
    "outcome": "outcome",
    "address": "source_address",
}


@dataclass(frozen=True)
class AuditFilter:
    start: datetime  # [start, end) in UTC
    end: datetime
    username: str = ""
    patient_mrn: str = ""
    action: str = ""
    sort: str = "time"
    descending: bool = True


def audit_events(clinic_ids: set[int], query: AuditFilter) -> QuerySet[AuditEvent]:
    """Events at the given clinics, plus events that belong to no clinic (sign-ins)."""
    events = AuditEvent.objects.filter(
        Q(clinic_id__in=clinic_ids) | Q(clinic__isnull=True),
        occurred_at__gte=query.start,
        occurred_at__lt=query.end,
    )
    if query.username:
        events = events.filter(actor_username__iexact=query.username.strip())
    if query.patient_mrn:
        events = events.filter(patient__mrn__iexact=query.patient_mrn.strip())
    if query.action:
        events = events.filter(action=query.action)
    column = SORTABLE.get(query.sort, "occurred_at")
    order = f"-{column}" if query.descending else column
    return events.select_related("patient", "clinic").order_by(
        order, "-id" if query.descending else "id"
    )

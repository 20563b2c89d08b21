"""The auditor's report: filter, sort, page through, and export the audit log as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, AuditEvent
from mooring.audit.selectors import SORTABLE, AuditFilter, audit_events
from mooring.audit.services import record
from mooring.core.time import local_day_bounds, today_at
from mooring.web.access import actor_from, current_clinic
from mooring.web.views.common import staff_view

PAGE_SIZE = 50
DEFAULT_DAYS = 7
CSV_COLUMNS = [
    "occurred_at",
    "actor_username",
    "role",
    "clinic",
    "patient_mrn",
    "action",
    "object_type",
    "object_id",
    "data_category",
    "outcome",
    "source_address",
    "user_agent",
    "channel",
    "detail",
]


class AuditFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    patient = forms.CharField(label=_("Patient MRN"), required=False, max_length=20)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any"))] + list(Action.choices)
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTABLE])
    dir = forms.ChoiceField(required=False, choices=[("desc", "desc"), ("asc", "asc")])

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data


def _filter_from(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilter | None]:
    clinic = current_clinic(request)
    today = today_at(clinic.tz)
    initial = {
        "start": today - timedelta(days=DEFAULT_DAYS - 1),
        "end": today,
        "sort": "time",
        "dir": "desc",
    }
    form = AuditFilterForm({**initial, **request.GET.dict()})
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    start, _ignored = local_day_bounds(data["start"], clinic.tz)
    _ignored, end = local_day_bounds(data["end"], clinic.tz)
    return form, AuditFilter(
        start=start,
        end=end,
        username=data["user"],
        patient_mrn=data["patient"],
        action=data["action"],
        sort=data["sort"] or "time",
        descending=data["dir"] != "asc",
    )


def _scope(request: HttpRequest) -> set[int]:
    return access.clinic_ids_with(request.user, Capability.VIEW_AUDIT)


@staff_view(Capability.VIEW_AUDIT)
def audit_report(request: HttpRequest) -> HttpResponse:
    form, query = _filter_from(request)
    page = None
    if query is not None:
        events = audit_events(_scope(request), query)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/audit/report.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "params": params.urlencode(),
            "sort_params": _without(params, "sort", "dir"),
            "columns": _columns(query),
        },
    )


def _without(params: object, *names: str) -> str:
    copy = params.copy()  # type: ignore[attr-defined]
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


def _columns(query: AuditFilter | None) -> list[dict[str, object]]:
    labels = {
        "time": _("Time (UTC)"),
        "user": _("User"),
        "role": _("Role"),
        "action": _("Action"),
        "object": _("Object"),
        "patient": _("Patient"),
        "category": _("Data"),
        "outcome": _("Outcome"),
        "address": _("Address"),
    }
    columns = []
    for key, label in labels.items():
        active = query is not None and query.sort == key
        next_dir = "asc" if active and query.descending else "desc"
        columns.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "next_dir": next_dir,
                "descending": active and query.descending,
            }
        )
    return columns


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(events: Iterator[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow(
            [
                event.occurred_at.isoformat(),
                event.actor_username,
                event.role,
                event.clinic.code if event.clinic else "",
                event.patient.mrn if event.patient else "",
                event.action,
                event.object_type,
                event.object_id,
                event.data_category,
                event.outcome,
                event.source_address,
                event.user_agent,
                event.channel,
                _safe_cell(str(event.detail)),
            ]
        )


def _safe_cell(value: str) -> str:
    # A cell that starts with = + - @ would run as a formula when opened in a spreadsheet.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


@staff_view(Capability.VIEW_AUDIT)
def audit_export(request: HttpRequest) -> HttpResponse:
    form, query = _filter_from(request)
    if query is None:
        return audit_report(request)
    events = audit_events(_scope(request), query)
    record(
        actor=actor_from(request),
        action=Action.EXPORT,
        object_type="audit_log",
        detail={
            "start": query.start.isoformat(),
            "end": query.end.isoformat(),
            "user": query.username,
            "patient": query.patient_mrn,
            "action": query.action,
            "rows": events.count(),
        },
    )
    filename = f"mooring-audit-{today_at(current_clinic(request).tz).isoformat()}.csv"
    response = StreamingHttpResponse(
        _csv_rows(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

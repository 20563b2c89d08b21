"""The clinic's home page: census, recent admissions and discharges."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.core.time import today_at
from mooring.web.access import current_clinic
from mooring.web.selectors import dashboard_for
from mooring.web.views.common import staff_view


@staff_view(Capability.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    clinic = current_clinic(request)
    assert clinic is not None  # staff_view refused users without a clinic
    summary = dashboard_for(
        clinic,
        today=today_at(clinic.tz),
        show_names=access.can(request.user, Capability.VIEW_DEMOGRAPHICS, clinic.id),
        show_clinical=access.can(request.user, Capability.VIEW_CLINICAL, clinic.id),
    )
    return render(request, "web/dashboard.html", {"summary": summary, "clinic": clinic})

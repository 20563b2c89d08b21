"""Placeholder for the audit report; the engineer who builds it replaces this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mooring.accounts.capabilities import Capability
from mooring.web.views.common import staff_view


@staff_view(Capability.VIEW_AUDIT)
def audit_report(request: HttpRequest) -> HttpResponse:
    return render(request, "web/audit_placeholder.html")


@staff_view(Capability.VIEW_AUDIT)
def audit_export(request: HttpRequest) -> HttpResponse:
    return render(request, "web/audit_placeholder.html")

"""Staff pages. Each module holds one area; this package re-exports the views for urls.py."""

from mooring.web.views.audit import audit_export, audit_report
from mooring.web.views.auth import login_view, logout_view, switch_clinic
from mooring.web.views.dashboard import dashboard
from mooring.web.views.episodes import patient_admit, patient_discharge
from mooring.web.views.patients import (
    patient_chart,
    patient_edit,
    patient_list,
    patient_photo,
    patient_pregnancy,
    patient_register,
    patient_search,
)

__all__ = [
    "audit_export",
    "audit_report",
    "dashboard",
    "login_view",
    "logout_view",
    "patient_admit",
    "patient_chart",
    "patient_discharge",
    "patient_edit",
    "patient_list",
    "patient_photo",
    "patient_pregnancy",
    "patient_register",
    "patient_search",
    "switch_clinic",
]

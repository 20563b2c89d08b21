"""The capability map: the one place that says which role may do what.

Every page and API endpoint asks :func:`role_allows` (through the access helpers) for a
capability at a clinic; nothing else checks role names. Adding a capability here and to
the right roles is how a new feature gets its permission.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PRESCRIBER = "prescriber", _("Prescriber")
    NURSE = "nurse", _("Nurse")
    COUNSELLOR = "counsellor", _("Counsellor")
    KEY_WORKER = "key_worker", _("Key worker")
    FRONT_DESK = "front_desk", _("Front desk")
    DIRECTOR = "director", _("Program director")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(models.TextChoices):
    VIEW_DASHBOARD = "view_dashboard", _("See the clinic dashboard")
    SEARCH_PATIENTS = "search_patients", _("Search patients")
    VIEW_DEMOGRAPHICS = "view_demographics", _("See demographics and schedule")
    REGISTER_PATIENT = "register_patient", _("Register and edit patients")
    VIEW_CLINICAL = "view_clinical", _("See clinical detail")
    MANAGE_EPISODES = "manage_episodes", _("Admit, discharge and readmit")
    RECORD_PREGNANCY = "record_pregnancy", _("Record pregnancy status")
    PRESCRIBE = "prescribe", _("Sign medication orders")
    DISPENSE = "dispense", _("Dose and dispense medication")
    MANAGE_INVENTORY = "manage_inventory", _("Receive and adjust controlled-substance stock")
    CLOSE_RECONCILIATION = "close_reconciliation", _("Close a stock discrepancy")
    VIEW_REPORTS = "view_reports", _("See program reports")
    VIEW_AUDIT = "view_audit", _("Read and export the audit log")
    MANAGE_STAFF = "manage_staff", _("Manage staff and roles")


C = Capability
_CLINICAL_READ = {C.VIEW_DASHBOARD, C.SEARCH_PATIENTS, C.VIEW_DEMOGRAPHICS, C.VIEW_CLINICAL}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.PRESCRIBER: frozenset(_CLINICAL_READ | {
        C.REGISTER_PATIENT, C.MANAGE_EPISODES, C.RECORD_PREGNANCY, C.PRESCRIBE,
    }),
    Role.NURSE: frozenset(_CLINICAL_READ | {
        C.RECORD_PREGNANCY, C.DISPENSE, C.MANAGE_INVENTORY,
    }),
    Role.COUNSELLOR: frozenset(_CLINICAL_READ | {C.MANAGE_EPISODES}),
    Role.KEY_WORKER: frozenset(_CLINICAL_READ),
    # Front desk registers and checks people in but never sees clinical detail.
    Role.FRONT_DESK: frozenset({
        C.VIEW_DASHBOARD, C.SEARCH_PATIENTS, C.VIEW_DEMOGRAPHICS, C.REGISTER_PATIENT,
    }),
    Role.DIRECTOR: frozenset(_CLINICAL_READ | {
        C.MANAGE_EPISODES, C.MANAGE_INVENTORY, C.CLOSE_RECONCILIATION, C.VIEW_REPORTS,
    }),
    # The auditor reads the log, not the chart: a record opened for review is read through
    # the audit report, and every chart read would itself be audited anyway.
    Role.AUDITOR: frozenset({C.VIEW_AUDIT, C.VIEW_DASHBOARD}),
    Role.ADMINISTRATOR: frozenset({C.VIEW_DASHBOARD, C.MANAGE_STAFF, C.VIEW_AUDIT}),
}


def role_allows(role: str, capability: Capability | str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def capabilities_for(roles: set[str] | frozenset[str] | tuple[str, ...]) -> frozenset[Capability]:
    result: set[Capability] = set()
    for role in roles:
        result |= ROLE_CAPABILITIES.get(role, frozenset())
    return frozenset(result)

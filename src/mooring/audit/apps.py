from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mooring.audit"
    label = "audit"

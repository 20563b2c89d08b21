from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "mooring.patients"
    label = "patients"

from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "mooring.medications"
    label = "medications"
    verbose_name = "Medication orders and dosing"

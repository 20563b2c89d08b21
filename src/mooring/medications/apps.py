from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "mooring.medications"
    label = "medications"
    verbose_name = "Medication orders and dosing"

    def ready(self) -> None:
        from mooring.core.hooks import register_patient_clinic_provider
        from mooring.medications.selectors import guest_host_clinic_ids

        # A guest dosing host clinic may open the person's record during the period.
        register_patient_clinic_provider(guest_host_clinic_ids)

from django.apps import AppConfig


class InjectionsConfig(AppConfig):
    name = "mooring.injections"
    label = "injections"
    verbose_name = "Long-acting injections"

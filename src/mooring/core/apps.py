from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mooring.core"
    label = "core"

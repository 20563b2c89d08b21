from django.apps import AppConfig


class TakeHomesConfig(AppConfig):
    name = "mooring.takehomes"
    label = "takehomes"
    verbose_name = "Take-home doses"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mooring.api"
    label = "api"

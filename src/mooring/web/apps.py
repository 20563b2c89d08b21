from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mooring.web"
    label = "web"

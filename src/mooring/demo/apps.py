from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo program and its commands (`demo`, `demo_logins`)."""

    name = "mooring.demo"
    label = "demo"

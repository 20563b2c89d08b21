from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "mooring.inventory"
    label = "inventory"
    verbose_name = "Controlled-substance inventory"

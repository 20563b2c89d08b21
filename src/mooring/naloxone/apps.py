from django.apps import AppConfig


class NaloxoneConfig(AppConfig):
    name = "mooring.naloxone"
    label = "naloxone"
    verbose_name = "Naloxone kits"

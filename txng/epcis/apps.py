from django.apps import AppConfig


class EpcisConfig(AppConfig):
    name = "txng.epcis"

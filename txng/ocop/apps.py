from django.apps import AppConfig


class OcopConfig(AppConfig):
    name = "txng.ocop"

from django.apps import AppConfig


class StampsConfig(AppConfig):
    name = "txng.stamps"

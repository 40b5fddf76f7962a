from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "txng.national"

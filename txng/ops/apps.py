from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "txng.ops"
    verbose_name = "Vận hành"

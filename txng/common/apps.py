from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "txng.common"
    label = "common"
    verbose_name = "txng"

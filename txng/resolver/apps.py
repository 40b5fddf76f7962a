from django.apps import AppConfig


class ResolverConfig(AppConfig):
    name = "txng.resolver"

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "txng.catalog"

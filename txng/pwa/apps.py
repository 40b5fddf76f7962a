from django.apps import AppConfig


class PwaConfig(AppConfig):
    """The installable app (PWA): manifest, service worker, scan screen, offline sending."""

    name = "txng.pwa"
    label = "pwa"
    verbose_name = "Ứng dụng di động"

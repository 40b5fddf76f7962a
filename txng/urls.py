from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from txng.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("", include("txng.accounts.urls")),
    path("", include("txng.enrolment.urls")),
    path("", include("txng.audit.urls")),
    path("api/v1/", api.urls),
    path("", include("txng.catalog.urls")),
    path("", include("txng.tracing.urls")),
    path("", include("txng.stamps.urls")),
    path("", include("txng.resolver.urls")),
    path("", include("txng.public.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(
        settings.MEDIA_URL + "public/", document_root=settings.MEDIA_ROOT / "public"
    )

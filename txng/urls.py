from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("", include("txng.accounts.urls")),
    path("", include("txng.enrolment.urls")),
    path("", include("txng.audit.urls")),
    path("", include("txng.public.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(
        settings.MEDIA_URL + "public/", document_root=settings.MEDIA_ROOT / "public"
    )

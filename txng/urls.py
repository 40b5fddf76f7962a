from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from txng.api import api
from txng.epcis.api import api as epcis_api
from txng.resolver import views as resolver_views

# A database outage is a 503 with Retry-After (and a read is tried again), not a 500 page.
handler500 = "txng.ops.resilience.server_error"

urlpatterns = [
    # Stamps first: the consumer scan page /q/<code> is by far the busiest URL, and no other
    # app's patterns overlap with these.
    path("", include("txng.stamps.urls")),
    path("", include("txng.resolver.urls")),
    # Choosing the language only sets a cookie, so it takes no CSRF token: public pages then
    # carry no per-visitor token or cookie, and can be cached whole.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("django-admin/", admin.site.urls),
    path("", include("txng.accounts.urls")),
    path("", include("txng.enrolment.urls")),
    path("", include("txng.audit.urls")),
    path("api/v1/", api.urls),
    path("epcis/", epcis_api.urls),
    path("", include("txng.epcis.urls")),
    path("", include("txng.ops.urls")),
    path("", include("txng.catalog.urls")),
    path("", include("txng.tracing.urls")),
    path("", include("txng.ocop.urls")),
    path("", include("txng.public.urls")),
    path("", include("txng.feedback.urls")),
    path("", include("txng.national.urls")),
    path("", include("txng.reports.urls")),
    path("", include("txng.pwa.urls")),
    # A fully compressed GS1 Digital Link is one path segment of base64url characters: last, so
    # that no page of the site is taken for one.
    re_path(
        r"^(?P<dl>[A-Za-z0-9_-]{10,}/?)$",
        resolver_views.resolve_compressed,
        name="resolver_compressed",
    ),
]

if settings.DEBUG:
    from txng.common.uploads import serve_public_media

    urlpatterns += [re_path(r"^media/public/(?P<path>.*)$", serve_public_media)]

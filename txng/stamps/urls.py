from django.urls import path

from txng.stamps import public_views, views

app_name = "stamps"
urlpatterns = [
    path("q/", public_views.retype, name="retype"),
    path("q/where/", public_views.location, name="location"),
    path("q/<str:code>", public_views.scan, name="scan"),
    # <path:>: the resolver's "not from this system" page and the lot page offer a report for
    # codes with slashes (a Digital Link's rest, a lot code "HD/2026"); the view normalises it.
    path("q/<path:code>/report/", public_views.report, name="report"),
    path("manage/stamps/", views.orders, name="orders"),
    path("manage/stamps/new/", views.new_order, name="new_order"),
    path("manage/stamps/<int:pk>/", views.order, name="order"),
    path("manage/stamps/<int:pk>/download/<str:kind>/", views.download, name="download"),
    path("manage/stamps/<int:pk>/<str:action>/", views.decide, name="decide"),
    path("manage/stamps/activate/", views.activate, name="activate"),
    path("manage/stamps/void/", views.void, name="void"),
    path("manage/stamps/scans/", views.scans, name="scans"),
    path("manage/stamps/reports/<int:pk>/photo/", views.report_photo, name="report_photo"),
    path("manage/stamps/delegations/", views.delegations, name="delegations"),
    path("manage/stamps/quota/<int:business_pk>/", views.quota, name="quota"),
]

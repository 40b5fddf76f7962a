from django.urls import path

from txng.pwa import views

app_name = "pwa"
urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
    path("app/", views.home, name="home"),
    path("app/icon-<int:size>.png", views.icon, name="icon"),
    path("app/csrf/", views.csrf, name="csrf"),
    path("app/kiem-tra/", views.check, name="check"),
]

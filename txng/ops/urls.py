from django.urls import path

from txng.ops import metrics, views

app_name = "ops"
urlpatterns = [
    path("metrics", metrics.metrics_view, name="metrics"),
    path("manage/status/", views.status, name="status"),
]

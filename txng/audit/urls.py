from django.urls import path

from txng.audit import views

app_name = "audit"
urlpatterns = [path("manage/audit/", views.audit_log, name="log")]

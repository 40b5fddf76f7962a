from django.urls import path

from txng.epcis import views

app_name = "apikeys"

urlpatterns = [
    path("manage/api-keys/", views.key_list, name="keys"),
    path("manage/api-keys/<int:pk>/rotate/", views.key_action, {"action": "rotate"}, name="rotate"),
    path("manage/api-keys/<int:pk>/revoke/", views.key_action, {"action": "revoke"}, name="revoke"),
]

from django.urls import path

from txng.feedback import views

app_name = "feedback"
urlpatterns = [
    path("phan-anh/", views.file_case, name="file"),
    path("phan-anh/<str:code>/", views.track, name="track"),
    path("manage/phan-anh/", views.cases, name="cases"),
    path("manage/phan-anh/<int:pk>/", views.case, name="case"),
    path("manage/phan-anh/<int:pk>/<str:action>/", views.act, name="act"),
]

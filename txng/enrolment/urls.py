from django.urls import path

from txng.enrolment import views

app_name = "enrolment"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/status/<str:code>/", views.status, name="status"),
    path("register/status/<str:code>/edit/", views.supplement, name="supplement"),
    path("manage/dossiers/", views.queue, name="queue"),
    path("manage/dossiers/<int:pk>/", views.detail, name="detail"),
    path("manage/dossiers/<int:pk>/licence/", views.licence, name="licence"),
    path("manage/dossiers/<int:pk>/<str:action>/", views.review, name="review"),
]

from django.urls import path

from txng.feedback import comment_views, views

app_name = "feedback"
urlpatterns = [
    path("phan-anh/", views.file_case, name="file"),
    path("phan-anh/<str:code>/", views.track, name="track"),
    path("manage/phan-anh/", views.cases, name="cases"),
    path("manage/phan-anh/<int:pk>/", views.case, name="case"),
    path("manage/phan-anh/<int:pk>/anh/", views.case_photo, name="case_photo"),
    path("manage/phan-anh/<int:pk>/<str:action>/", views.act, name="act"),
    path("manage/thong-bao/cach-nhan/", views.preferences, name="preferences"),
    path("danh-gia/<int:pk>/", comment_views.rate, name="rate"),
    path("danh-gia/anh/<int:pk>/", comment_views.photo, name="comment_photo"),
    path("manage/danh-gia/", comment_views.comments, name="comments"),
    path("manage/danh-gia/<int:pk>/<str:action>/", comment_views.comment_act, name="comment_act"),
]

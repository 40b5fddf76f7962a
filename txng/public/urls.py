from django.contrib.sitemaps.views import sitemap
from django.urls import path

from txng.public import views
from txng.public.sitemaps import SITEMAPS

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("du-lieu-ca-nhan/", views.privacy, name="privacy"),
    path("search/", views.search, name="search"),
    path("san-pham-thu-hoi/", views.recalls, name="recalls"),
    path("tin-tuc/", views.news, name="news"),
    path("tin-tuc/muc/<slug:section>/", views.news, name="news_section"),
    path("tin-tuc/<int:pk>/<slug:slug>/", views.article, name="article"),
    path("tin-tuc/<int:pk>/", views.article, name="article_short"),
    path("cung-cau/", views.board, name="board"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("manage/board/", views.my_posts, name="my_posts"),
    path("manage/board/new/", views.post_edit, name="post_new"),
    path("manage/board/<int:pk>/", views.post_edit, name="post_edit"),
    path("manage/board/review/", views.board_queue, name="board_queue"),
    path("manage/board/<int:pk>/<str:action>/", views.moderate_post, name="moderate_post"),
    path("manage/news/", views.manage_news, name="manage_news"),
    path("manage/news/new/", views.article_edit, name="article_new"),
    path("manage/news/<int:pk>/", views.article_edit, name="article_edit"),
    path("manage/sections/", views.manage_sections, name="manage_sections"),
    path("manage/sections/<int:pk>/", views.manage_sections, name="section_edit"),
    path("manage/banners/", views.manage_banners, name="manage_banners"),
    path("manage/banners/<int:pk>/", views.manage_banners, name="banner_edit"),
    path("manage/banners/<int:pk>/delete/", views.banner_delete, name="banner_delete"),
]

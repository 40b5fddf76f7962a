from django.urls import path

from txng.reports import views

app_name = "reports"

urlpatterns = [
    path("thong-ke/", views.public_stats, name="public_stats"),
    path("thong-ke/du-lieu.<str:fmt>", views.public_stats_data, name="public_stats_data"),
    path("manage/reports/", views.dashboard, name="dashboard"),
    path("manage/reports/periods/", views.periods, name="periods"),
    path("manage/reports/periods/<int:pk>/", views.period_detail, name="period"),
    path(
        "manage/reports/periods/<int:pk>/aggregate.<str:fmt>",
        views.aggregate_file,
        name="aggregate",
    ),
    path("manage/reports/<int:pk>/", views.report_detail, name="report"),
    path("manage/reports/<int:pk>/<str:action>/", views.decide, name="decide"),
    path("manage/exports/", views.my_export, name="my_export"),
    path("manage/exports/new/<str:source>/<int:pk>/", views.export_new, name="export_new"),
    path("manage/exports/<int:pk>/", views.export_detail, name="export"),
    path("manage/exports/<int:pk>/file.<str:fmt>", views.export_file, name="export_file"),
]

from django.urls import path

from txng.ocop import views

app_name = "ocop"

urlpatterns = [
    path("manage/ocop/", views.overview, name="overview"),
    path("manage/ocop/mine/", views.mine, name="mine"),
    path("manage/ocop/<int:pk>/", views.application, name="application"),
    path("manage/ocop/<int:pk>/score/", views.score, name="score"),
    path("manage/ocop/<int:pk>/<slug:action>/", views.decide, name="decide"),
    path("manage/ocop/sheets/", views.sheet_list, name="sheets"),
    path("manage/ocop/sheets/template.xlsx", views.sheet_template, name="sheet_template"),
    path("manage/ocop/sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("manage/ocop/sheets/<int:pk>/edit/", views.sheet_edit, name="sheet_edit"),
    path("manage/ocop/rounds/", views.rounds, name="rounds"),
    path("manage/certificates/", views.certificate_admin, name="certificates"),
    path(
        "manage/certificates/issue/<int:business_pk>/",
        views.certificate_issue,
        name="certificate_issue",
    ),
    path(
        "manage/certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"
    ),
    path("manage/certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("manage/my-certificates/", views.my_certificates, name="my_certificates"),
    path("xac-nhan/<str:code>/", views.verify, name="verify"),
]

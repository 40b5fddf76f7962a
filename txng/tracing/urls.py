from django.urls import path

from txng.tracing import public_views, views

app_name = "tracing"
urlpatterns = [
    path("lo-hang/", views.lots, name="lots"),
    path("lo-hang/moi/", views.lot_new, name="lot_new"),
    path("lo-hang/<int:pk>/", views.lot_detail, name="lot"),
    path("lo-hang/<int:pk>/nhat-ky/", views.diary_add, name="diary_add"),
    path("lo-hang/<int:pk>/epcis.jsonld", views.lot_epcis, name="lot_epcis"),
    path("lo-hang/<int:pk>/xuat/", views.ship, name="ship"),
    path("lo-hang/<int:pk>/truy-vet/", views.trace_page, name="trace"),
    path("lo-hang/<int:pk>/thu-hoi/", views.recall_new, name="recall_new"),
    path("lo-hang/<int:pk>/<str:kind>/", views.movement, name="movement"),
    path("nhat-ky/<int:pk>/sua/", views.diary_correct, name="diary_correct"),
    path("su-kien/<int:pk>/sai-sot/", views.declare_error, name="declare_error"),
    path("nhan-hang/", views.incoming, name="incoming"),
    path("nhan-hang/<int:pk>/", views.confirm, name="confirm"),
    path("tra-hang/<int:pk>/", views.return_goods, name="return"),
    path("che-bien/", views.transform, name="transform"),
    path("ton-kho/", views.stock, name="stock"),
    path("thu-hoi/", views.recalls, name="recalls"),
    path("thu-hoi/moi/", views.recall_many, name="recall_many"),
    path("thu-hoi/<int:pk>/", views.recall_detail, name="recall"),
    path("thu-hoi/<int:pk>/danh-sach.xlsx", views.recall_export, name="recall_export"),
    path("luu-tru/", views.retention, name="retention"),
    path("luu-tru/<int:category>/mac-dinh/", views.retention_clear, name="retention_clear"),
    path("yeu-cau-truy-xuat/", views.requests, name="requests"),
    path("yeu-cau-truy-xuat/moi/", views.request_new, name="request_new"),
    path("yeu-cau-truy-xuat/<int:pk>/", views.request_detail, name="request"),
    path("quy-trinh/", views.processes, name="processes"),
    path("quy-trinh/moi/", views.process_new, name="process_new"),
    path("nhap-tu-tep/", views.import_page, name="import"),
    path("nhap-tu-tep/mau/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("nhap-tu-tep/<int:pk>/", views.import_job, name="import_job"),
    path("truy-xuat/<path:code>/", public_views.public_lot, name="public_lot"),
]

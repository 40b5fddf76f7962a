from django.urls import path

from txng.national import views

app_name = "national"

urlpatterns = [
    path("quoc-gia/", views.hubs, name="hubs"),
    path("quoc-gia/he-thong/<int:pk>/", views.hub_edit, name="hub_edit"),
    path("quoc-gia/he-thong/<int:pk>/bat-tat/", views.hub_toggle, name="hub_toggle"),
    path("quoc-gia/dong-bo/", views.rows, name="rows"),
    path("quoc-gia/dong-bo/<int:pk>/", views.row_detail, name="row"),
    path(
        "quoc-gia/ban-ghi/<slug:record_type>/<int:record_id>/",
        views.record_state,
        name="record",
    ),
    path("quoc-gia/du-lieu-nganh/", views.sector_upload, name="sector_upload"),
    path("quoc-gia/du-lieu-nganh/xem-xet/", views.sector_review, name="sector_review"),
    path("quoc-gia/api/du-lieu-nganh/<slug:kind>", views.sector_api, name="sector_api"),
    path("ho-chieu-so/<int:pk>/", views.passport_product, name="passport"),
    path("ho-chieu-so/<int:pk>.jsonld", views.passport_product_ld, name="passport_ld"),
    path("ho-chieu-so/lo/<path:code>.jsonld", views.passport_lot_ld, name="passport_lot_ld"),
    path("ho-chieu-so/lo/<path:code>/", views.passport_lot, name="passport_lot"),
]

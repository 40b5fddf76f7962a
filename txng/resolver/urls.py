from django.urls import re_path

from txng.resolver import views

app_name = "resolver"
# GS1 Digital Link: /01/<gtin>[/10/<lot>]/21/<serial>, /01/<gtin> for the product itself, and
# /00/<sscc> for a carton or pallet.
urlpatterns = [
    re_path(
        r"^01/(?P<gtin>\d{8,14})/10/(?P<lot>[^/]{1,20})/21/(?P<serial>[^/]{1,20})$",
        views.stamp,
        name="stamp_lot",
    ),
    re_path(r"^01/(?P<gtin>\d{8,14})/21/(?P<serial>[^/]{1,20})$", views.stamp, name="stamp"),
    re_path(r"^01/(?P<gtin>\d{8,14})$", views.product, name="product"),
    re_path(r"^00/(?P<sscc>\d{18})$", views.logistic_unit, name="logistic_unit"),
]

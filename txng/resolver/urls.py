from django.urls import path, re_path

from txng.resolver import views

app_name = "resolver"
# GS1 Digital Link URIs of the primary keys this resolver answers for; the path after the key is
# read by digital_link.parse, which refuses a malformed one with 400. A trailing slash is
# tolerated (GS1-Conformant Resolver 1.1 §6.12).
urlpatterns = [
    path(".well-known/gs1resolver", views.description, name="description"),
    re_path(r"^(?P<dl>(?:01|00|414|417)/[^?#]*)$", views.resolve, name="resolve"),
    # What events name when there is no GS1 key: https URIs on the province's own domain
    # (txng.tracing.codes), answered here so each one leads somewhere.
    path("id/party/<str:ref>", views.party, name="party"),
    path("id/lot/<path:code>", views.lot, name="lot"),
    path("id/loc/<int:pk>", views.location, name="location"),
    path("manage/gs1-delegations/", views.delegations, name="delegations"),
    path("manage/gs1-delegations/<int:pk>/", views.delegations, name="delegation_edit"),
    path(
        "manage/gs1-delegations/<int:pk>/delete/",
        views.delegation_delete,
        name="delegation_delete",
    ),
]

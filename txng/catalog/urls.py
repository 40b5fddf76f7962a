from django.urls import path

from txng.catalog import public_views, views

app_name = "catalog"
urlpatterns = [
    # Public pages: the pk keeps a URL stable when a product is renamed; the slug is for people.
    path("san-pham/<int:pk>/<slug:slug>/", public_views.product, name="product"),
    path("san-pham/<int:pk>/", public_views.product, name="product_short"),
    path("co-so/<int:pk>/<slug:slug>/", public_views.business, name="business"),
    path("co-so/<int:pk>/", public_views.business, name="business_short"),
    path("tai-lieu/<int:pk>/", public_views.document, name="document"),
    # Workspace.
    path("manage/products/", views.products, name="products"),
    path("manage/products/new/", views.product_new, name="product_new"),
    path("manage/products/<int:pk>/", views.product_detail, name="my_product"),
    path("manage/products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("manage/products/<int:pk>/images/", views.image_add, name="image_add"),
    path("manage/products/<int:pk>/take-down/", views.take_down, name="take_down"),
    path("manage/images/<int:pk>/remove/", views.image_remove, name="image_remove"),
    path("manage/revisions/", views.queue, name="queue"),
    path("manage/revisions/<int:pk>/", views.revision, name="revision"),
    path("manage/revisions/<int:pk>/", views.revision, name="my_revision"),
    path("manage/revisions/<int:pk>/submit/", views.submit, name="submit"),
    path("manage/revisions/<int:pk>/<str:action>/", views.review, name="review"),
    path("manage/profile/", views.profile, name="profile"),
    path(
        "manage/businesses/<int:pk>/take-down/",
        views.take_down_business,
        name="take_down_business",
    ),
    path("manage/businesses/<int:pk>/content/", views.business_content, name="business_content"),
    path("manage/products/<int:pk>/feature/", views.feature, name="feature"),
    path("manage/documents/", views.documents, name="documents"),
    path("manage/documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("manage/facilities/", views.facilities, name="facilities"),
    path("manage/facilities/new/", views.facility_edit, name="facility_new"),
    path("manage/facilities/<int:pk>/", views.facility_edit, name="facility_edit"),
    path("manage/categories/", views.categories, name="categories"),
    path("manage/categories/<int:pk>/", views.categories, name="category_edit"),
]

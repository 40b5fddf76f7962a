from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from txng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        TemplateView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("accounts/activate/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path(
        "accounts/activated/",
        TemplateView.as_view(template_name="accounts/activated.html"),
        name="activated",
    ),
    path("manage/", views.home, name="home"),
    path("manage/organisations/", views.organisations, name="organisations"),
    path("manage/organisations/new/", views.new_authority, name="new_authority"),
    path("manage/organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("manage/organisations/<int:pk>/gln/", views.set_gln, name="set_gln"),
    path(
        "manage/organisations/<int:pk>/<str:action>/",
        views.change_status,
        name="change_status",
    ),
    path("manage/staff/", views.staff, name="staff"),
    path("manage/staff/<int:pk>/remove/", views.remove_staff, name="remove_staff"),
    path("manage/users/<int:pk>/resend/", views.resend_activation, name="resend_activation"),
    path("manage/security/", views.security, name="security"),
    path("manage/notifications/", views.notifications, name="notifications"),
]

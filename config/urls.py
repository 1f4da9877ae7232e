from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from config.api_docs import api_docs_view, api_redoc_view

urlpatterns = [
    path("", include("core.urls")),
    path("", include("petitions.urls")),
    path("", include("patrols.urls")),
    path("", include("mediation.urls")),
    path("", include("accountability.urls")),
    path("", include("reports.urls")),
    path("", include("duty.urls")),
    path("open311/v2/", include("open311.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs_view, name="api-docs"),
    path("api/redoc/", api_redoc_view, name="api-redoc"),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

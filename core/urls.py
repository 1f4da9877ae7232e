from django.urls import path

from core import views
from twofactor import views as twofactor_views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("villages/", views.village_list, name="villages"),
    path("healthz", views.healthz, name="healthz"),
    path("account/two-factor/", twofactor_views.enrol, name="twofactor_enrol"),
    path("account/two-factor/verify/", twofactor_views.verify, name="twofactor_verify"),
    path("account/two-factor/off/", twofactor_views.disable, name="twofactor_disable"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("notifications/", views.notification_inbox, name="notifications"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]

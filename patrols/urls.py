from django.urls import path

from patrols import views

app_name = "patrols"
urlpatterns = [
    path("village/", views.village, name="village"),
    path("patrols/new/", views.patrol_new, name="patrol_new"),
    path("risks/new/", views.risk_new, name="risk_new"),
    path("risks/<int:pk>/", views.risk_detail, name="risk"),
    path("risks/<int:pk>/<str:step>/", views.risk_act, name="risk_act"),
]

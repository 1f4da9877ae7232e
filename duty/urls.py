from django.urls import path

from duty import views

app_name = "duty"
urlpatterns = [
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/export.xlsx", views.assessment_export, name="assessment_export"),
    path("assessment/scheme/", views.scheme_edit, name="scheme"),
    path("assessment/villages/<str:code>/", views.assessment_village, name="assessment_village"),
    path("duty/", views.roster, name="roster"),
    path("duty/days/new/", views.duty_new, name="duty_new"),
    path("duty/days/fill/", views.duty_fill, name="duty_fill"),
    path("duty/days/<int:pk>/", views.duty_edit, name="duty_edit"),
    path("duty/days/<int:pk>/remove/", views.duty_remove, name="duty_remove"),
    path("duty/receptions/new/", views.reception_new, name="reception_new"),
    path("duty/receptions/<int:pk>/", views.reception_edit, name="reception_edit"),
    path("duty/receptions/<int:pk>/remove/", views.reception_remove, name="reception_remove"),
    path("duty/cards/new/", views.card_new, name="card_new"),
    path("duty/cards/<int:pk>/", views.card_edit, name="card_edit"),
    path("duty/cards/<int:pk>/remove/", views.card_remove, name="card_remove"),
    path("duty/cards/<int:pk>/photo/", views.card_photo, name="card_photo"),
]

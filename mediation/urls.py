from django.urls import path

from mediation import views

app_name = "mediation"
urlpatterns = [
    path("mediation/", views.overview, name="overview"),
    path("mediation/rooms/<int:pk>/", views.room_detail, name="room"),
    path("mediation/cases/new/", views.case_new, name="case_new"),
    path("mediation/cases/<str:number>/", views.case_detail, name="case"),
    path("mediation/cases/<str:number>/act/<str:action>/", views.case_act, name="act"),
    path("mediation/cases/<str:number>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("mediation/cases/<str:number>/agreement-full.pdf", views.agreement_pdf_full, name="agreement_pdf_full"),
]

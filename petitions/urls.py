from django.urls import path

from petitions import views

app_name = "petitions"
urlpatterns = [
    path("petitions/", views.petition_list, name="list"),
    path("petitions/new/", views.petition_intake, name="intake"),
    path("petitions/lookup/", views.intake_lookup, name="lookup"),
    path("petitions/<str:number>/", views.petition_detail, name="detail"),
    path("petitions/<str:number>/receipt/", views.receipt, name="receipt"),
    path("petitions/<str:number>/act/<str:action>/", views.petition_act, name="act"),
    path("petitions/<str:number>/reveal/<int:petitioner_id>/", views.reveal, name="reveal"),
    path("petitions/<str:number>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/done/", views.mailbox_done, name="mailbox_done"),
    path("status/", views.status, name="status"),
    path("status/rate/", views.rate, name="rate"),
]

from django.urls import path

from accountability import discipline_views, views

app_name = "accountability"
urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/decisions/", views.decision_list, name="decisions"),
    path("meetings/decisions/<int:pk>/report/", views.decision_report, name="decision_report"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/proposals/", views.agenda_add_proposals, name="agenda_proposals"),
    path("meetings/<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/agenda/<int:item_id>/remove/", views.agenda_remove, name="agenda_remove"),
    path("meetings/<int:pk>/agenda/<int:item_id>/move/", views.agenda_move, name="agenda_move"),
    path("meetings/<int:pk>/agenda/<int:item_id>/", views.item_detail, name="item"),
    path("meetings/<int:pk>/agenda/<int:item_id>/decide/", views.item_decide, name="item_decide"),
    path("meetings/<int:pk>/agenda/<int:item_id>/send-on/", views.item_send_on, name="item_send_on"),
    path("meetings/<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("discipline/", discipline_views.candidates, name="candidates"),
    path("discipline/supervisions/", discipline_views.supervision_list, name="supervisions"),
    path("discipline/supervisions/new/", discipline_views.supervision_new, name="supervision_new"),
    path("discipline/supervisions/<int:pk>/", discipline_views.supervision_detail, name="supervision"),
    path("discipline/supervisions/<int:pk>/reply/", discipline_views.supervision_reply, name="supervision_reply"),
    path("discipline/supervisions/<int:pk>/close/", discipline_views.supervision_close, name="supervision_close"),
    path("discipline/records/", discipline_views.record_list, name="records"),
    path("discipline/records/new/", discipline_views.record_new, name="record_new"),
    path("petitions/<str:number>/responsibility/", discipline_views.responsibility, name="responsibility"),
    path("my-cases/", discipline_views.my_cases, name="my_cases"),
]

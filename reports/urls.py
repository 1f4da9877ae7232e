from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/generate/", views.report_on_demand, name="generate"),
    path("reports/jobs/", views.job_runs, name="jobs"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="xlsx"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

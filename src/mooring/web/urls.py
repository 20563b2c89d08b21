from django.urls import path

from mooring.web import views

app_name = "web"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("clinic/", views.switch_clinic, name="switch_clinic"),
    path("", views.dashboard, name="dashboard"),
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/search/", views.patient_search, name="patient_search"),
    path("patients/new/", views.patient_register, name="patient_register"),
    path("patients/<uuid:patient_uuid>/", views.patient_chart, name="patient_chart"),
    path("patients/<uuid:patient_uuid>/photo/", views.patient_photo, name="patient_photo"),
    path("patients/<uuid:patient_uuid>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<uuid:patient_uuid>/admit/", views.patient_admit, name="patient_admit"),
    path(
        "patients/<uuid:patient_uuid>/discharge/", views.patient_discharge, name="patient_discharge"
    ),
    path(
        "patients/<uuid:patient_uuid>/pregnancy/", views.patient_pregnancy, name="patient_pregnancy"
    ),
    path("audit/", views.audit_report, name="audit_report"),
    path("audit/export/", views.audit_export, name="audit_export"),
]

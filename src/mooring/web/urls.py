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
    # The dosing window, the medication page and stock (views/dosing, orders, inventory).
    path("dosing/", views.dosing_queue, name="dosing_queue"),
    path("dosing/<uuid:patient_uuid>/", views.dosing_dispense, name="dosing_dispense"),
    path("dosing/<uuid:patient_uuid>/sedation/", views.dosing_sedation, name="dosing_sedation"),
    # Guest dosing (views/guest.py): arrange a period at another clinic, or cancel it.
    path("patients/<uuid:patient_uuid>/guest-dosing/", views.guest_dosing, name="guest_dosing"),
    path(
        "patients/<uuid:patient_uuid>/guest-dosing/<uuid:arrangement_uuid>/cancel/",
        views.guest_dosing_cancel_view,
        name="guest_dosing_cancel",
    ),
    # Take-homes (views/takehomes.py): issue and check in at the window, labels, recalls.
    path(
        "dosing/<uuid:patient_uuid>/takehomes/", views.takehome_issue_view, name="takehome_issue"
    ),
    path("dosing/<uuid:patient_uuid>/returns/", views.takehome_returns, name="takehome_returns"),
    path("takehomes/", views.takehome_worklist, name="takehome_worklist"),
    path("takehomes/labels/", views.takehome_labels, name="takehome_labels"),
    path(
        "takehomes/recalls/<uuid:recall_uuid>/",
        views.takehome_recall_record_view,
        name="takehome_recall_record",
    ),
    path(
        "takehomes/concerns/<uuid:concern_uuid>/acknowledge/",
        views.takehome_concern_acknowledge_view,
        name="takehome_concern_acknowledge",
    ),
    path(
        "patients/<uuid:patient_uuid>/takehomes/recall/",
        views.takehome_recall_request_view,
        name="takehome_recall",
    ),
    path(
        "patients/<uuid:patient_uuid>/takehomes/assessment/",
        views.takehome_assessment,
        name="takehome_assessment",
    ),
    path("inventory/takehomes/", views.takehome_report_view, name="takehome_report"),
    path(
        "patients/<uuid:patient_uuid>/medication/",
        views.patient_medication,
        name="patient_medication",
    ),
    path("patients/<uuid:patient_uuid>/medication/orders/new/", views.order_new, name="order_new"),
    path(
        "patients/<uuid:patient_uuid>/medication/orders/<uuid:order_uuid>/sign/",
        views.order_sign_view,
        name="order_sign",
    ),
    path(
        "patients/<uuid:patient_uuid>/medication/orders/<uuid:order_uuid>/change/",
        views.order_change_view,
        name="order_change",
    ),
    path(
        "patients/<uuid:patient_uuid>/medication/orders/<uuid:order_uuid>/end/",
        views.order_end_view,
        name="order_end",
    ),
    path(
        "patients/<uuid:patient_uuid>/medication/orders/<uuid:order_uuid>/review/",
        views.medication_review,
        name="medication_review",
    ),
    path(
        "patients/<uuid:patient_uuid>/medication/qtc/", views.medication_qtc, name="medication_qtc"
    ),
    path(
        "patients/<uuid:patient_uuid>/medication/holds/",
        views.medication_hold,
        name="medication_hold",
    ),
    path(
        "patients/<uuid:patient_uuid>/medication/holds/<uuid:hold_uuid>/release/",
        views.medication_hold_release,
        name="medication_hold_release",
    ),
    path(
        "patients/<uuid:patient_uuid>/medication/flags/<uuid:flag_uuid>/acknowledge/",
        views.medication_flag_acknowledge,
        name="medication_flag_acknowledge",
    ),
    path("inventory/", views.inventory_home, name="inventory_home"),
    path("inventory/receive/", views.inventory_receive, name="inventory_receive"),
    path(
        "inventory/reconciliation/",
        views.inventory_reconciliation,
        name="inventory_reconciliation",
    ),
    path("inventory/log/", views.inventory_dispensing_log, name="inventory_dispensing_log"),
    path("inventory/bottles/<uuid:bottle_uuid>/", views.inventory_bottle, name="inventory_bottle"),
    path(
        "inventory/bottles/<uuid:bottle_uuid>/remove/",
        views.inventory_remove,
        name="inventory_remove",
    ),
    path(
        "inventory/bottles/<uuid:bottle_uuid>/adjust/",
        views.inventory_adjust,
        name="inventory_adjust",
    ),
    path(
        "inventory/bottles/<uuid:bottle_uuid>/transfer/",
        views.inventory_transfer,
        name="inventory_transfer",
    ),
    path(
        "inventory/bottles/<uuid:bottle_uuid>/quarantine/",
        views.inventory_quarantine,
        name="inventory_quarantine",
    ),
    path(
        "inventory/bottles/<uuid:bottle_uuid>/count/",
        views.inventory_count,
        name="inventory_count",
    ),
    path(
        "inventory/entries/<uuid:entry_uuid>/reverse/",
        views.inventory_reverse,
        name="inventory_reverse",
    ),
    path(
        "inventory/counts/<uuid:count_uuid>/close/", views.inventory_close, name="inventory_close"
    ),
    # Long-acting injections, withdrawal medicines and naloxone (views/treatment.py).
    path("injections/", views.clinic_injection_list, name="injection_list"),
    path(
        "patients/<uuid:patient_uuid>/injections/",
        views.patient_injections,
        name="patient_injections",
    ),
    path(
        "patients/<uuid:patient_uuid>/injections/give/",
        views.injection_give_view,
        name="injection_give",
    ),
    path(
        "patients/<uuid:patient_uuid>/withdrawal/",
        views.patient_withdrawal,
        name="patient_withdrawal",
    ),
    path(
        "patients/<uuid:patient_uuid>/withdrawal/doses/",
        views.withdrawal_dose_give_view,
        name="withdrawal_dose_give",
    ),
    path(
        "patients/<uuid:patient_uuid>/withdrawal/impairment/",
        views.impairment_record_view,
        name="impairment_record",
    ),
    path("withdrawal/settings/", views.withdrawal_settings, name="withdrawal_settings"),
    path("patients/<uuid:patient_uuid>/naloxone/", views.patient_naloxone, name="patient_naloxone"),
    path(
        "patients/<uuid:patient_uuid>/naloxone/kits/",
        views.naloxone_kit_give_view,
        name="naloxone_kit_give",
    ),
    path(
        "patients/<uuid:patient_uuid>/naloxone/offers/",
        views.naloxone_offer_record_view,
        name="naloxone_offer_record",
    ),
    # Staff management for administrators (views/staff.py).
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<uuid:user_uuid>/", views.staff_detail, name="staff_detail"),
    path(
        "staff/<uuid:user_uuid>/roles/grant/", views.staff_role_grant_view, name="staff_role_grant"
    ),
    path(
        "staff/<uuid:user_uuid>/roles/revoke/",
        views.staff_role_revoke_view,
        name="staff_role_revoke",
    ),
    path("staff/<uuid:user_uuid>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<uuid:user_uuid>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("staff/<uuid:user_uuid>/password/", views.staff_password, name="staff_password"),
    path("audit/", views.audit_report, name="audit_report"),
    path("audit/export/", views.audit_export, name="audit_export"),
]

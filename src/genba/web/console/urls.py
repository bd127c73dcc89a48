from django.urls import path

from genba.web.console import (
    views_billing,
    views_board,
    views_inbox,
    views_plan,
    views_requests,
    views_settings,
)

app_name = "console"
R = "requests/<str:public_id>/"
urlpatterns = [
    path("", views_inbox.home, name="home"),
    path(R, views_requests.request_detail, name="request"),
    path(R + "ask-info/", views_requests.ask_info, name="ask-info"),
    path(R + "record-call/", views_requests.record_call, name="record-call"),
    path(R + "decline/", views_requests.decline, name="decline"),
    path(R + "cancel/", views_requests.cancel, name="cancel"),
    path(R + "release/", views_requests.release, name="release"),
    path(R + "propose/", views_requests.propose, name="propose"),
    path(R + "proposals/<str:proposal_id>/withdraw/", views_requests.withdraw, name="withdraw"),
    path(
        R + "visits/<str:visit_id>/reassign/", views_requests.visit_reassign, name="visit-reassign"
    ),
    path(
        R + "visits/<str:visit_id>/reschedule/",
        views_requests.visit_reschedule,
        name="visit-reschedule",
    ),
    path(R + "visits/<str:visit_id>/cancel/", views_requests.visit_cancel, name="visit-cancel"),
    path(R + "visits/<str:visit_id>/undo-step/", views_requests.visit_undo_step, name="visit-undo"),
    path(R + "invoice/", views_billing.invoice_issue, name="invoice-issue"),
    path("billing/", views_billing.billing, name="billing"),
    path("billing/export.csv", views_billing.export_csv, name="export-csv"),
    path("billing/contact/", views_billing.provider_contact, name="provider-contact"),
    path("invoices/<str:public_id>/", views_billing.invoice_detail, name="invoice"),
    path("invoices/<str:public_id>/pdf/", views_billing.invoice_pdf, name="invoice-pdf"),
    path("invoices/<str:public_id>/credit-note/", views_billing.credit_note, name="credit-note"),
    path("invoices/<str:public_id>/paid/", views_billing.mark_paid, name="mark-paid"),
    path("board/", views_board.board, name="board"),
    path("board/bookings/<str:public_id>/reassign/", views_board.reassign, name="reassign"),
    path("plan/", views_plan.plan, name="plan"),
    path("plan/run/", views_plan.plan_run, name="plan-run"),
    path("plan/accept/", views_plan.plan_accept, name="plan-accept"),
    path("settings/", views_settings.settings_home, name="settings"),
    path("settings/policies/<slug:key>/", views_settings.policy_edit, name="policy"),
    path(
        "settings/policies/<slug:key>/zones/<int:zone_id>/", views_settings.zone_edit, name="zone"
    ),
    path("settings/policies/<slug:key>/areas/", views_settings.area_add, name="area-add"),
    path(
        "settings/policies/<slug:key>/areas/<int:area_id>/delete/",
        views_settings.area_remove,
        name="area-remove",
    ),
]

from django.urls import path

from genba.web.portal import (
    views_account,
    views_actions,
    views_changes,
    views_form,
    views_requests,
)

app_name = "portal"
R = "requests/<str:public_id>/"
urlpatterns = [
    path("", views_requests.home, name="home"),
    path("requests/new/", views_form.new, name="request-new"),
    path("requests/preview/", views_form.preview_new, name="request-preview"),
    path(R, views_requests.detail, name="request"),
    path(f"{R}edit/", views_form.edit, name="request-edit"),
    path(f"{R}preview/", views_form.preview_edit, name="request-edit-preview"),
    path(f"{R}submit/", views_actions.submit, name="request-submit"),
    path(f"{R}cancel/", views_actions.cancel, name="request-cancel"),
    path(
        f"{R}proposals/<str:proposal_id>/approve/",
        views_actions.proposal_approve,
        name="proposal-approve",
    ),
    path(
        f"{R}proposals/<str:proposal_id>/decline/",
        views_actions.proposal_decline,
        name="proposal-decline",
    ),
    path(
        f"{R}proposals/<str:proposal_id>/engineers/<str:engineer_id>/photo-id/",
        views_actions.photo_id,
        name="photo-id",
    ),
    path(
        f"{R}visits/<str:visit_id>/sign-off/", views_actions.visit_sign_off, name="visit-sign-off"
    ),
    path(f"{R}visits/<str:visit_id>/change/", views_changes.visit_change, name="visit-change"),
    path(f"{R}attachments/", views_actions.attachment_upload, name="attachment-add"),
    path(
        f"{R}attachments/<str:attachment_id>/",
        views_actions.attachment_download,
        name="attachment",
    ),
    path("invoices/", views_account.invoices, name="invoices"),
    path("invoices/<str:public_id>.pdf", views_account.invoice_pdf, name="invoice-pdf"),
    path("coverage/", views_account.coverage, name="coverage"),
    path("tokens/", views_account.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views_account.token_revoke, name="token-revoke"),
]

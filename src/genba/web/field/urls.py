from django.urls import path

from genba.web.field import views_home, views_sign_off, views_visit

app_name = "field"
urlpatterns = [
    path("", views_home.home, name="home"),
    path("visits/<str:public_id>/", views_visit.visit_detail, name="visit"),
    path("visits/<str:public_id>/sign-off/", views_sign_off.sign_off, name="sign-off"),
    path("visits/<str:public_id>/no-access/", views_visit.visit_no_access, name="no-access"),
    path("visits/<str:public_id>/notes/", views_visit.visit_note, name="note"),
    path("visits/<str:public_id>/photos/", views_visit.visit_photo, name="photo"),
    path(
        "visits/<str:public_id>/files/<str:attachment_id>/",
        views_visit.attachment_download,
        name="attachment",
    ),
    path("visits/<str:public_id>/expenses/", views_visit.visit_expense, name="expense"),
    path(
        "visits/<str:public_id>/expenses/<str:expense_id>/remove/",
        views_visit.expense_remove,
        name="expense-remove",
    ),
    path(
        "visits/<str:public_id>/expenses/<str:expense_id>/receipt/",
        views_visit.expense_receipt,
        name="expense-receipt",
    ),
    path("visits/<str:public_id>/step/<slug:step>/", views_visit.visit_step, name="step"),
]

"""The console's expense routes (console.expenses), under /console/ beside console.urls."""

from django.urls import path

from genba.web.console import expenses

app_name = "console-expenses"
urlpatterns = [
    path("requests/<str:public_id>/expenses/", expenses.expense_add, name="add"),
    path(
        "requests/<str:public_id>/expenses/<str:expense_id>/approve/",
        expenses.expense_approve,
        name="approve",
    ),
    path(
        "requests/<str:public_id>/expenses/<str:expense_id>/reject/",
        expenses.expense_reject,
        name="reject",
    ),
    path(
        "requests/<str:public_id>/expenses/<str:expense_id>/remove/",
        expenses.expense_remove,
        name="remove",
    ),
    path(
        "requests/<str:public_id>/expenses/<str:expense_id>/receipt/",
        expenses.expense_receipt,
        name="receipt",
    ),
]

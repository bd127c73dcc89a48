"""The console's routes for changes after approval (console.changes), under /console/."""

from django.urls import path

from genba.web.console import changes

app_name = "console-changes"
R = "requests/<str:public_id>/"
urlpatterns = [
    path(f"{R}changes/", changes.changes, name="page"),
    path(f"{R}changes/<str:change_id>/confirm/", changes.confirm, name="confirm"),
    path(f"{R}changes/<str:change_id>/decline/", changes.decline, name="decline"),
    path(f"{R}visits/<str:visit_id>/engineers/", changes.engineer_add, name="engineer-add"),
    path(
        f"{R}visits/<str:visit_id>/engineers/<str:engineer_id>/remove/",
        changes.engineer_remove,
        name="engineer-remove",
    ),
]

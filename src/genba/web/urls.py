from django.contrib.auth import views as auth_views
from django.urls import include, path

from genba.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set, name="language-set"),
    path("r/<str:public_id>/", views.request_link, name="request-link"),
    path("portal/", include("genba.web.portal.urls")),
    path("console/", include("genba.web.console.urls")),
    path("console/", include("genba.web.console.urls_expenses")),
    path("console/", include("genba.web.console.urls_changes")),
    path("field/", include("genba.web.field.urls")),
]

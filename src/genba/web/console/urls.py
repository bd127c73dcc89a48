from django.urls import path

from genba.web.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("billing/", views.billing, name="billing"),
]

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "genba.api"
    label = "api"

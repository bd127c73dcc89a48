from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "genba.dispatch"
    label = "dispatch"

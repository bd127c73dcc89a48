from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "genba.core"
    label = "core"
    verbose_name = "Genba core"

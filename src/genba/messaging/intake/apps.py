from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "genba.messaging.intake"
    label = "intake"

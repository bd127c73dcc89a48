from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "genba.messaging"
    label = "messaging"

    def ready(self) -> None:
        from genba.messaging import receivers  # noqa: F401 - connects the signal receivers

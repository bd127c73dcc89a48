from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "genba.messaging.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from genba.messaging.webhooks import events

        events.connect()

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "genba.messaging.webhooks"
    label = "webhooks"

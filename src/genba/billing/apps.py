from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "genba.billing"
    label = "billing"

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "genba.orders"
    label = "orders"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "genba.accounts"
    label = "accounts"

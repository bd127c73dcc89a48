from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "genba.contracts"
    label = "contracts"

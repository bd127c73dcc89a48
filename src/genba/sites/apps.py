from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "genba.sites"
    label = "sites"

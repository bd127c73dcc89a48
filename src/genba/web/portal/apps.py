from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "genba.web.portal"
    label = "web_portal"

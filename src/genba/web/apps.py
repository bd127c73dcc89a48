from django.apps import AppConfig


class WebConfig(AppConfig):
    """What every page shares: login, the layout, language and time display, access rules."""

    name = "genba.web"
    label = "web"

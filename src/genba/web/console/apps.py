from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "genba.web.console"
    label = "web_console"

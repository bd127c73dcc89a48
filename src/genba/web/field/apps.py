from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "genba.web.field"
    label = "web_field"

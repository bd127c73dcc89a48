from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "genba.core"
    label = "core"
    verbose_name = "Genba core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from genba.core.instants import lenient_instants

        connection_created.connect(lenient_instants, dispatch_uid="genba-lenient-instants")

from django.apps import AppConfig


class PortaalConfig(AppConfig):
    name = "portaal"
    verbose_name = "Publieke pagina's"

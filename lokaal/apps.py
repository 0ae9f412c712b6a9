from django.apps import AppConfig


class LokaalConfig(AppConfig):
    name = "lokaal"
    verbose_name = "Lokaal Circulair"

from django.apps import AppConfig


class BesturenConfig(AppConfig):
    name = "besturen"
    verbose_name = "Besturen"

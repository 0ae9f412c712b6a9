from django.apps import AppConfig


class VolgenConfig(AppConfig):
    name = "volgen"
    verbose_name = "Volgen: feeds, kalender en e-mail"

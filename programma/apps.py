from django.apps import AppConfig


class ProgrammaConfig(AppConfig):
    name = "programma"
    verbose_name = "Programmagegevens"

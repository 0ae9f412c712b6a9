from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops en coaching"

    def ready(self):
        # Committed changes make the fragments that show them old (lokaal/fragmenten.py).
        from workshops import signals

        signals.connect()

from django.apps import AppConfig


class PortaalConfig(AppConfig):
    name = "portaal"
    verbose_name = "Publieke pagina's"

    def ready(self):
        # The `fold` lookups that search (public and admin) uses, on both databases.
        from portaal import folding

        folding.connect()

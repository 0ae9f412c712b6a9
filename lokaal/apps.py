from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class LokaalConfig(AppConfig):
    name = "lokaal"
    verbose_name = "Lokaal Circulair"

    def ready(self):
        # Infrastructure, not business logic: any data change invalidates the public page cache.
        from lokaal.cache import content_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"lokaal-content-{signal!r}")

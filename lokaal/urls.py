from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lokaal import accounts, health

admin.site.site_header = "Lokaal Circulair – programmabeheer"
admin.site.site_title = "Lokaal Circulair"
admin.site.index_title = "Programmabeheer"

urlpatterns = [
    # First: load balancer probes are resolved without walking every app's patterns.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/ping", health.ping, name="healthz-ping"),
    path("", include("portaal.urls")),
    path("besturen/", include("besturen.urls")),
    path("trajecten/", include("trajecten.urls")),
    path("trajecten/", include("workshops.urls")),
    path("coach/", include("coach.urls")),
    path("goedkeuring/", include("coach.urls_goedkeuring")),
    path("", include("volgen.urls")),
    # The same URLs as django.contrib.auth's, two of them with abuse limits (lokaal/accounts.py).
    path("account/login/", accounts.LoginView.as_view(), name="login"),
    path("account/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("account/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.DEBUG_TOOLBAR:
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()

"""WSGI entry of the bare yardstick project (scripts/bare/settings.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bare.settings"
application = get_wsgi_application()

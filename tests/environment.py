"""Loaded with `-p tests.environment` before Django is set up (see pyproject.toml).

Tests run with DEBUG off, as production does; they need a key but no real secret.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-key-not-secret")
os.environ.setdefault("DJANGO_SECURE", "false")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

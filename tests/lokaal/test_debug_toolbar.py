"""The debug toolbar is a development tool: never in production settings, never in tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.urls import reverse
try:
    url = reverse("djdt:render_panel")
except Exception:
    url = None
print(json.dumps({
    "apps": "debug_toolbar" in settings.INSTALLED_APPS,
    "middleware": any("debug_toolbar" in m for m in settings.MIDDLEWARE),
    "url": url,
}))
"""


def _settings_in_a_fresh_process(**environment) -> dict:
    """What `lokaal.settings` turn on outside the test run (no PYTEST_* in the environment)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="lokaal.settings", **environment)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_production_settings_leave_the_toolbar_out():
    found = _settings_in_a_fresh_process(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)
    assert found == {"apps": False, "middleware": False, "url": None}


def test_a_development_machine_gets_the_toolbar_when_it_is_installed():
    pytest.importorskip("debug_toolbar")
    found = _settings_in_a_fresh_process(DJANGO_DEBUG="true")
    assert found["apps"] and found["middleware"]
    assert found["url"].startswith("/__debug__/")


def test_the_test_run_has_no_toolbar():
    assert "debug_toolbar" not in settings.INSTALLED_APPS
    with pytest.raises(NoReverseMatch):
        reverse("djdt:render_panel")

"""A wrong setting stops start-up with a sentence that says what to fix."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, "DJANGO_SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "misschien"}, "DJANGO_DEBUG must be true or false"),
        ({"DJANGO_SECRET_KEY": ""}, "Set DJANGO_SECRET_KEY"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be a sqlite:/// or postgres://"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with redis://"),
        ({"MAX_UPLOAD_MB": "veel"}, "MAX_UPLOAD_MB must be a whole number"),
        ({"SITE_URL": "example.org"}, "SITE_URL must start with http://"),
    ],
)
def test_wrong_setting_stops_start_up_with_a_clear_sentence(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_defaults_start_cleanly():
    result = _start()
    assert result.returncode == 0, result.stderr

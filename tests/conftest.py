import os
import uuid

# Tests run with DEBUG off, as production does; they need a key but no real secret.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-key-not-secret")
os.environ.setdefault("DJANGO_SECURE", "false")

import pytest
from django.core.management import call_command

from tests import factories


@pytest.fixture
def programme(db):
    """The real programme data, as `manage.py load_programma` loads it."""
    call_command("load_programma", verbosity=0)


@pytest.fixture
def coach(db):
    return factories.make_coach("coach")


@pytest.fixture
def other_coach(db):
    return factories.make_coach("andere-coach")


@pytest.fixture
def manager(db):
    return factories.make_manager("beheerder")


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploads go to a temporary folder; static files need no collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing a password the production way (PBKDF2, 1.5 million iterations) takes ~0.45 s of
    CPU, and the fixtures create coaches and managers with a password. What is tested is who may
    log in and what they see, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_rate_limit_counts(settings):
    """Each test counts abuse limits afresh (the cache may be shared: no clearing it)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def _own_fragment_cache(settings):
    """Each test keeps its own cached fragments: ids are reused and clocks frozen across tests."""
    settings.FRAGMENT_CACHE_PREFIX = f"frag:{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _fragments_old_at_once(monkeypatch):
    """A test runs inside a transaction that never commits: a change makes its fragments old
    at once instead of on commit (tests/lokaal/test_fragmenten.py checks the commit itself)."""
    from lokaal import fragmenten

    monkeypatch.setattr(fragmenten, "_on_commit", lambda callback: callback())

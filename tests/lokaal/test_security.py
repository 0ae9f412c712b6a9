"""Secure by default: the deploy check, security headers on every page, uploads served safely."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import url_catalogue as catalogue
from workshops.models import Bijlage
from workshops.views import serve_bijlage

ROOT = Path(__file__).resolve().parents[2]
ONE_YEAR = 365 * 24 * 3600


def _production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "PUBLIC_CACHE"))
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE="true",
        DJANGO_ALLOWED_HOSTS="lokaalcirculair.example.org",
        EMAIL_HOST="smtp.example.org",
        **extra,
    )
    return env


def test_deploy_check_with_production_settings_finds_nothing():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # HSTS subdomains and preload are the operator's opt-in (W005, W021), and axes' middleware
    # is replaced by the login views' own lockout (axes.W002); nothing else.
    assert "no issues (3 silenced)" in result.stdout


def test_production_settings_protect_cookies_and_expire_idle_sessions():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
        "'CSRF_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_AGE', 'SESSION_SAVE_EVERY_REQUEST', 'DEBUG']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(DJANGO_SETTINGS_MODULE="lokaal.settings"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert values["SECURE_SSL_REDIRECT"]
    # Inactivity expiry: the cookie lives a fixed time after the LAST request.
    assert values["SESSION_SAVE_EVERY_REQUEST"]
    assert values["SESSION_COOKIE_AGE"] <= 8 * 3600


@pytest.fixture
def production_headers(settings):
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


@pytest.fixture
def world(db, coach):
    return catalogue.build_world(coach)


def assert_security_headers(response, path):
    assert response["X-Content-Type-Options"] == "nosniff", path
    if not response["Content-Type"].startswith("text/html"):
        return
    csp = response["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives["frame-ancestors"] == "'none'", path
    assert "'unsafe-inline'" not in directives["script-src"], path
    assert "'unsafe-eval'" not in directives["script-src"], path
    assert "'unsafe-inline'" not in directives.get("style-src", ""), path
    assert directives["object-src"] == "'none'", path
    hsts = response["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= ONE_YEAR, path
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", path
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
    assert response["X-Frame-Options"] == "DENY", path


@pytest.mark.parametrize("route", catalogue.routes_in(catalogue.PUBLIC), ids=lambda r: r.name)
def test_every_public_page_carries_the_security_headers(client, world, production_headers, route):
    responses = {}

    def ok(path):
        responses[path] = client.get(path, secure=True)
        return responses[path].status_code == 200

    path = catalogue.first_path(route, world, ok)
    assert path, f"No sample arguments give 200 for {route.name}."
    assert_security_headers(responses[path], path)
    # The cached copy of a page carries them too.
    with_cache = client.get(path, secure=True)
    assert_security_headers(with_cache, path)


@pytest.mark.parametrize(
    "route",
    catalogue.routes_in(
        catalogue.COACH_WIDE | catalogue.PER_TRAJECT | catalogue.MANAGER_ONLY | catalogue.ACCOUNT
    ),
    ids=lambda r: r.name,
)
def test_every_coach_page_carries_the_security_headers(world, production_headers, route):
    owner = Client()
    owner.force_login(catalogue.signed_in_user(route, world))
    responses = {}

    def ok(path):
        responses[path] = owner.get(path, secure=True)
        return responses[path].status_code in {200, 405}

    path = catalogue.first_path(route, world, ok)
    assert path, f"No sample arguments open {route.name} for its coach."
    assert_security_headers(responses[path], path)


def test_error_pages_carry_the_security_headers(client, db, production_headers):
    response = client.get("/trajecten/bestaat-niet/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response, "404")


def test_session_and_csrf_cookies_are_secure_and_httponly(client, manager, production_headers):
    client.get("/admin/login/", secure=True)
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post(
        "/admin/login/",
        {
            "username": "beheerder",
            "password": "beheer-wachtwoord-1",
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def _bijlage(world, name: str, content: bytes, mime: str, image: bool) -> Bijlage:
    return Bijlage.objects.create(
        workshop=world.public_image.workshop,
        titel=name,
        bestand=SimpleUploadedFile(name, content),
        bestandsnaam=name,
        mime_type=mime,
        is_afbeelding=image,
        is_publiek=True,
    )


def test_a_checked_image_is_shown_inline_with_its_type(world):
    response = serve_bijlage(world.public_image)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("verslag.html", b"<script>alert(1)</script>", "text/html"),
        ("tekening.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
        ("verslag.pdf", b"%PDF-1.4", "application/pdf"),
    ],
)
def test_any_other_upload_is_a_download_of_a_neutral_type(client, world, name, content, mime):
    bijlage = _bijlage(world, name, content, mime, image=False)
    response = client.get(bijlage.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("extra", "subdomains", "preload"),
    [
        ({}, False, False),
        ({"DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true"}, True, False),
        ({"DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true", "DJANGO_HSTS_PRELOAD": "true"}, True, True),
    ],
)
def test_hsts_subdomains_and_preload_only_when_the_operator_asks(extra, subdomains, preload):
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(DJANGO_SETTINGS_MODULE="lokaal.settings", **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [subdomains, preload]

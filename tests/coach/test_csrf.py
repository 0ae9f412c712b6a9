"""Every coach URL that accepts a POST refuses one without a CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.coach.test_permissions import PATTERNS, url_for


@pytest.mark.parametrize(("name", "params"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_post_without_csrf_token_is_refused(world, name, params):
    # The CSRF check runs before any view, so even GET-only coach URLs answer 403 here.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coach)
    assert client.post(url_for(name, params, world), {}).status_code == 403


def test_post_with_the_token_passes_the_check(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coach)
    url = reverse("coach:update_nieuw", args=[world.traject.slug])
    token = client.get(url).context["csrf_token"]
    assert client.post(url, {"csrfmiddlewaretoken": str(token)}).status_code == 400


def test_logout_needs_post_and_a_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coach)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 403

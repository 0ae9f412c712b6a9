"""Every coach URL x {anonymous, coach of this trajectory, coach of another, manager} x GET/POST.

The URLs are read from `coach.urls.urlpatterns`; what each answers comes from the one URL
catalogue, tests/url_catalogue.py (`COACH_EXPECTED`, with `COACH_KWARGS` / `COACH_URL_KWARGS` to
fill the path parameters from the `World` in conftest.py). A new coach URL without an entry
there fails `test_every_coach_url_has_expectations` and its own matrix cases.
"""

import pytest
from django.urls import URLPattern, URLResolver, reverse

import coach.urls
from tests import url_catalogue as catalogue
from tests.url_catalogue import (
    ANON,
    COACH_EXPECTED,
    COACH_KWARGS,
    COACH_URL_KWARGS,
    LOGIN,
    MANAGER,
    OTHER,
    RESULTATEN_URLS,
    ROLES,
)


def url_for(name: str, params: list[str], world) -> str:
    if name in COACH_URL_KWARGS:
        return reverse(f"coach:{name}", kwargs=COACH_URL_KWARGS[name](world))
    return reverse(f"coach:{name}", kwargs={p: COACH_KWARGS[p](world) for p in params})


def coach_patterns(patterns=None, prefix=""):
    """Every named URL pattern of the coach namespace, with the names of its path parameters."""
    found = []
    for entry in coach.urls.urlpatterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found += coach_patterns(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            found.append((entry.name, list(entry.pattern.converters)))
    return found


PATTERNS = coach_patterns()
CASES = [
    pytest.param(name, params, method, role, id=f"{name}-{method}-{role}")
    for name, params in PATTERNS
    for method in ("GET", "POST")
    for role in ROLES
]


def test_every_coach_url_has_expectations():
    names = [name for name, _ in PATTERNS]
    assert None not in names, "every coach URL needs a name"
    missing = sorted(set(names) - set(COACH_EXPECTED))
    assert not missing, f"add these coach URLs to COACH_EXPECTED in {catalogue.__file__}: {missing}"
    stale = sorted(set(COACH_EXPECTED) - set(names))
    assert not stale, f"COACH_EXPECTED names URLs that no longer exist: {stale}"
    params = {param for name, ps in PATTERNS if name not in COACH_URL_KWARGS for param in ps}
    unfilled = sorted(params - set(COACH_KWARGS))
    assert not unfilled, f"add fixtures to COACH_KWARGS for: {unfilled}"
    assert set(RESULTATEN_URLS) <= set(COACH_EXPECTED)


def test_the_matrix_agrees_with_the_catalogue_lists():
    """The role-by-role table and the lists the site-wide walks read say the same thing."""
    for name, expected in COACH_EXPECTED.items():
        full = f"coach:{name}"
        get = expected["GET"]
        if full in catalogue.MOVED:
            assert get[ANON] == 301, name
        elif full in catalogue.MANAGER_ONLY:
            assert get[ANON] == LOGIN and 403 in (get[OTHER], expected["POST"][OTHER]), name
        elif full in catalogue.COACH_WIDE:
            assert get[ANON] == LOGIN and get[OTHER] == get[MANAGER] != 404, name
        else:
            assert full in catalogue.PER_TRAJECT, name
            assert get[ANON] == LOGIN, name
            assert 404 in (get[OTHER], expected["POST"][OTHER]), name


def test_matrix_walks_at_least_the_workspace_urls():
    # 22 workspace URLs x 4 users x 2 methods = 176 cases; the results URLs add to this.
    assert len(PATTERNS) >= 22
    assert len(CASES) >= 176


@pytest.mark.parametrize(("name", "params", "method", "role"), CASES)
def test_permission_matrix(client, world, name, params, method, role):
    assert name in COACH_EXPECTED, f"add {name!r} to COACH_EXPECTED in tests/url_catalogue.py"
    expected = COACH_EXPECTED[name][method][role]
    url = url_for(name, params, world)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    response = client.generic(method, url)
    if expected == LOGIN:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(reverse("login") + "?next="), response["Location"]
    else:
        assert response.status_code == expected, (url, method, role, response.status_code)
        if expected == 302:
            assert response["Location"].startswith("/coach/"), response["Location"]
        if expected == 301:
            target = name.split("_", 1)[0] + "_uitkomst"
            assert response["Location"] == url_for(target, params, world), response["Location"]


def test_logged_in_user_outside_the_coaches_group_gets_403(client, world, django_user_model):
    outsider = django_user_model.objects.create_user("buitenstaander", password="x-y-z-1234")
    world.traject.coaches.add(outsider)  # assigned, but not in the group "Coaches"
    client.force_login(outsider)
    assert client.get(reverse("coach:dashboard")).status_code == 403
    assert client.get(reverse("coach:traject", args=[world.traject.slug])).status_code == 403


def test_other_coach_cannot_reach_an_attachment_through_their_own_trajectory(client, world):
    # The attachment belongs to the coach's trajectory; the URL names the other trajectory.
    client.force_login(world.other_coach)
    url = reverse("coach:bijlage", args=[world.other_traject.slug, world.bijlage.pk])
    assert client.get(url).status_code == 404
    url = reverse("coach:workshop_uitkomst", args=[world.other_traject.slug, world.workshop.pk])
    assert client.get(url).status_code == 404

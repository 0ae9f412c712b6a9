"""Every coach URL x {anonymous, coach of this trajectory, coach of another, manager} x GET/POST.

The URLs are read from `coach.urls.urlpatterns`, so a new coach URL without an entry in
`EXPECTED` fails `test_every_coach_url_has_expectations` and its own matrix cases.

To add URLs (e.g. the structured results): give each URL name a profile in `EXPECTED`, and each
new path parameter a way to fill it in `KWARGS` (a function of the `World` in conftest.py).
URLs with the same parameter names share those fixtures. Modules named
`tests/coach/test_resultaten*.py` may instead define `MATRIX_EXPECTED` and `MATRIX_KWARGS`
dicts of the same shape, and `MATRIX_URL_KWARGS` (URL name -> function of the `World` giving
all kwargs) where a parameter name means different things per URL; they are merged in here.
"""

import functools
import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, reverse

import coach.urls
import tests.coach

ANON, COACH, OTHER, MANAGER = "anonymous", "coach", "other_coach", "manager"
ROLES = (ANON, COACH, OTHER, MANAGER)
LOGIN = "login"  # anonymous visitors are redirected to the login page


def profile(get: dict | int, post: dict | int) -> dict:
    """Expected status per method and role; an int is the same answer for every logged-in role."""

    def expand(answer):
        if isinstance(answer, int):
            answer = {COACH: answer, OTHER: answer, MANAGER: answer}
        return {ANON: LOGIN, **answer}

    return {"GET": expand(get), "POST": expand(post)}


def own(ok: int) -> dict:
    """The coach of this trajectory and a manager get `ok`; the other coach gets 404."""
    return {COACH: ok, OTHER: 404, MANAGER: ok}


# A read-only page about no particular trajectory.
OVERVIEW = profile(get=200, post=405)
# A read-only page for programme managers only: coaches get 403.
MANAGER_PAGE = profile(
    get={COACH: 403, OTHER: 403, MANAGER: 200}, post={COACH: 403, OTHER: 403, MANAGER: 405}
)
# A read-only page of one trajectory.
PAGE = profile(get=own(200), post=405)
# A form: GET shows it, an empty POST re-renders it with errors (400).
FORM = profile(get=own(200), post=own(400))
# A confirmation page: GET asks, POST does it and redirects.
CONFIRM = profile(get=own(200), post=own(302))
# A POST-only action that ends in a redirect.
ACTION = profile(get=405, post=own(302))
# A former address: everyone, anonymous visitors included, is sent on permanently (301) to the
# page that replaced it, which then applies its own rules.
MOVED = {method: dict.fromkeys(ROLES, 301) for method in ("GET", "POST")}

EXPECTED = {
    "dashboard": OVERVIEW,
    "opvolging": MANAGER_PAGE,
    "traject": PAGE,
    "bijlage": PAGE,
    "bijlage_bewerken": FORM,
    "bijlage_verwijderen": CONFIRM,
    "update_nieuw": FORM,
    "update_bewerken": FORM,
    "update_verwijderen": CONFIRM,
    **{
        f"{soort}_{name}": expected
        for soort in ("workshop", "coachingsmoment")
        for name, expected in {
            "nieuw": FORM,
            "bewerken": FORM,
            "verslag_oud": MOVED,
            "publiceren_oud": MOVED,
            "depubliceren_oud": MOVED,
            "voorleggen": ACTION,
            "verwijderen": CONFIRM,
            "geschiedenis": PAGE,
            "uitkomst": FORM,
            "uitkomst_voorbeeld": PAGE,
            "uitkomst_publicatie": ACTION,
        }.items()
    },
}

KWARGS = {
    "slug": lambda world: world.traject.slug,
    "workshop_pk": lambda world: world.workshop.pk,
    "coachingsmoment_pk": lambda world: world.coachingsmoment.pk,
    "bijlage_pk": lambda world: world.bijlage.pk,
    "update_pk": lambda world: world.update.pk,
}

# Coaching moments are planned on pilot tracks only (a strategy track answers 400).
URL_KWARGS = {"coachingsmoment_nieuw": lambda world: {"slug": world.pilot_traject.slug}}


@functools.cache
def tables() -> tuple[dict, dict, dict]:
    """EXPECTED and KWARGS with the entries of the results tests merged in.

    Merged when first needed (not at import), so whichever test module pytest imports first,
    every table is complete.
    """
    expected, kwargs, url_kwargs = dict(EXPECTED), dict(KWARGS), dict(URL_KWARGS)
    for info in pkgutil.iter_modules(tests.coach.__path__):
        if info.name.startswith("test_resultaten"):
            module = importlib.import_module(f"tests.coach.{info.name}")
            expected.update(getattr(module, "MATRIX_EXPECTED", {}))
            kwargs.update(getattr(module, "MATRIX_KWARGS", {}))
            url_kwargs.update(getattr(module, "MATRIX_URL_KWARGS", {}))
    return expected, kwargs, url_kwargs


def url_for(name: str, params: list[str], world) -> str:
    _, kwargs, url_kwargs = tables()
    if name in url_kwargs:
        return reverse(f"coach:{name}", kwargs=url_kwargs[name](world))
    return reverse(f"coach:{name}", kwargs={p: kwargs[p](world) for p in params})


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
    expected, kwargs, url_kwargs = tables()
    names = [name for name, _ in PATTERNS]
    assert None not in names, "every coach URL needs a name"
    missing = sorted(set(names) - set(expected))
    assert not missing, f"add these coach URLs to EXPECTED in {__file__}: {missing}"
    stale = sorted(set(expected) - set(names))
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"
    params = {param for name, ps in PATTERNS if name not in url_kwargs for param in ps}
    assert params <= set(kwargs), f"add fixtures to KWARGS for: {sorted(params - set(kwargs))}"


def test_matrix_walks_at_least_the_workspace_urls():
    # 22 workspace URLs x 4 users x 2 methods = 176 cases; the results URLs add to this.
    assert len(PATTERNS) >= 22
    assert len(CASES) >= 176


@pytest.mark.parametrize(("name", "params", "method", "role"), CASES)
def test_permission_matrix(client, world, name, params, method, role):
    table = tables()[0]
    assert name in table, f"add {name!r} to EXPECTED in tests/coach/test_permissions.py"
    expected = table[name][method][role]
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

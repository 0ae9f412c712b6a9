"""Walk the whole URL configuration: every URL is public by decision, or refused to outsiders.

The lists live in tests/url_catalogue.py; a new URL that is on none of them fails here.
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import url_catalogue as catalogue

REFUSED = {403, 404, 405}


@pytest.fixture
def world(db, coach):
    return catalogue.build_world(coach)


def _is_refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code == 302 and "login" in response["Location"]


def test_every_url_is_classified():
    missing = catalogue.unclassified(catalogue.project_routes())
    assert not missing, (
        "These URLs are on no list in tests/url_catalogue.py, so nobody decided who "
        "may open them. Add each name to PUBLIC, ACCOUNT, COACH_WIDE, PER_TRAJECT or "
        "MANAGER_ONLY:\n" + "\n".join(f"  {r.name:40} /{r.route}" for r in missing)
    )


def test_no_url_is_on_two_lists_and_every_listed_url_exists():
    lists = [
        catalogue.PUBLIC,
        catalogue.ACCOUNT,
        catalogue.COACH_WIDE,
        catalogue.PER_TRAJECT,
        catalogue.MANAGER_ONLY,
    ]
    seen = set()
    for names in lists:
        assert not names & seen, f"On two lists: {sorted(names & seen)}"
        seen |= names
    existing = {r.name for r in catalogue.project_routes()}
    assert seen <= existing, f"Listed but no longer in the URL configuration: {seen - existing}"


@pytest.mark.parametrize("route", catalogue.routes_in(catalogue.PUBLIC), ids=lambda r: r.name)
def test_public_url_answers_anonymous_visitors(client, world, route):
    path = catalogue.first_path(route, world, lambda p: client.get(p).status_code == 200)
    assert path, f"No sample arguments give 200 for {route.name}: add them to SAMPLE_KWARGS."


@pytest.mark.parametrize("route", catalogue.protected_routes(), ids=lambda r: r.name)
def test_protected_url_is_refused_to_anonymous_visitors(client, world, route):
    def refused(path):
        get, post = client.get(path), client.post(path)
        assert _is_refused(get), f"anonymous GET {path} answered {get.status_code}"
        assert _is_refused(post), f"anonymous POST {path} answered {post.status_code}"
        return True

    assert catalogue.first_path(route, world, refused)


def _owner_path(route, world):
    owner = Client()
    owner.force_login(catalogue.signed_in_user(route, world))

    def works_for_owner(path):
        response = owner.get(path)
        if response.status_code == 405:
            response = owner.post(path)
        return response.status_code not in {404, 500}

    return catalogue.first_path(route, world, works_for_owner)


@pytest.mark.parametrize("route", catalogue.routes_in(catalogue.PER_TRAJECT), ids=lambda r: r.name)
def test_coach_of_another_trajectory_gets_404(client, world, other_coach, route):
    path = _owner_path(route, world)
    assert path, (
        f"No sample arguments make {route.name} work for the trajectory's own coach: "
        "add them to SAMPLE_KWARGS in tests/url_catalogue.py."
    )
    client.force_login(other_coach)
    # 405 answers any slug alike for a method the page does not take, so it reveals nothing.
    assert client.get(path).status_code in {404, 405}
    assert client.post(path).status_code in {404, 405}
    assert 404 in {client.get(path).status_code, client.post(path).status_code}


@pytest.mark.parametrize("route", catalogue.protected_routes(), ids=lambda r: r.name)
def test_logged_in_non_coach_is_refused(client, world, route):
    user = User.objects.create_user("burger", "burger@example.org", "burger-wachtwoord-1")
    client.force_login(user)
    path = _owner_path(route, world)
    assert path
    assert client.get(path).status_code in {403, 404, 405}
    assert client.post(path).status_code in {403, 404}


@pytest.mark.parametrize("route", catalogue.routes_in(catalogue.MANAGER_ONLY), ids=lambda r: r.name)
def test_coach_is_refused_a_manager_page(client, world, route):
    path = _owner_path(route, world)
    assert path, f"No sample arguments open {route.name} for a manager."
    client.force_login(world.coach)
    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403


def test_admin_is_refused_to_anonymous_visitors_and_coaches(client, world, coach):
    for path in ["/admin/", "/admin/trajecten/traject/", "/admin/workshops/bijlage/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path
    client.force_login(coach)  # a coach is not staff
    for path in ["/admin/", "/admin/trajecten/traject/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path


def test_internal_attachment_never_reaches_anonymous_visitors(client, world):
    assert client.get(world.internal_file.get_absolute_url()).status_code == 404


def test_attachment_of_an_unpublished_report_is_not_found(client, world):
    workshop = world.public_image.workshop
    workshop.gepubliceerd = False
    workshop.save()
    assert client.get(world.public_image.get_absolute_url()).status_code == 404


def test_a_new_unclassified_url_would_be_reported():
    new = catalogue.Route("coach:nieuw", "coach/<slug:slug>/nieuw/", ("slug",))
    known = catalogue.Route("portaal:home", "", ())
    assert catalogue.unclassified([known, new]) == [new]

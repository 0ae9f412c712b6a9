"""Fragments are kept under generation tokens (lokaal/fragmenten.py, workshops/signals.py): a
committed change replaces the tokens of what shows it and nothing else; no request does."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from lokaal import fragmenten
from tests import factories
from trajecten.models import Deelname, Traject

pytestmark = pytest.mark.django_db

COMMIT = fragmenten._on_commit  # the real hook, before the tests' fixture replaces it
INSIDE = datetime(2023, 3, 1, 10, tzinfo=UTC)


def _tokens(*scopes):
    return fragmenten._tokens(list(scopes))


@pytest.fixture
def twee(db, time_machine):
    time_machine.move_to(INSIDE)
    ronde = factories.make_ronde(start=date(2022, 9, 1), einde=date(2023, 12, 31))
    a = factories.make_traject(ronde=ronde, besturen=[factories.make_bestuur(korte_naam="Aadorp")])
    b = factories.make_traject(ronde=ronde, besturen=[factories.make_bestuur(korte_naam="Beedorp")])
    return a, b


def test_a_change_replaces_its_trajectory_and_round_and_keeps_the_others(twee):
    a, b = twee
    scopes = [fragmenten.SITE, fragmenten.INHOUD, fragmenten.traject_scope(a.pk)]
    scopes += [fragmenten.traject_scope(b.pk), fragmenten.ronde_scope(a.ronde_id)]
    before = _tokens(*scopes)
    factories.make_update(a, titel="Nieuws van Aadorp")
    after = _tokens(*scopes)
    changed = {scope for scope in scopes if before[scope] != after[scope]}
    assert changed == {
        fragmenten.INHOUD,
        fragmenten.traject_scope(a.pk),
        fragmenten.ronde_scope(a.ronde_id),
    }


def test_the_other_trajectorys_card_is_read_not_rendered(twee, client, monkeypatch):
    a, _ = twee
    assert client.get("/trajecten/").status_code == 200
    factories.make_update(a)
    rendered = []
    from trajecten.templatetags import traject_kaart

    original = traject_kaart.render_card
    monkeypatch.setattr(
        traject_kaart, "render_card", lambda t: rendered.append(t.pk) or original(t)
    )
    assert client.get("/trajecten/").status_code == 200
    assert rendered == [a.pk]


def test_tokens_change_only_when_the_transaction_commits(
    twee, monkeypatch, django_capture_on_commit_callbacks
):
    a, _ = twee
    monkeypatch.setattr(fragmenten, "_on_commit", COMMIT)
    scope = fragmenten.traject_scope(a.pk)
    before = _tokens(scope)[scope]
    try:
        with transaction.atomic():
            a.titel = "Teruggedraaid"
            a.save()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    with django_capture_on_commit_callbacks(execute=False) as pending:
        a.titel = "Bewaard"
        a.save()
    assert _tokens(scope)[scope] == before  # saved, not yet committed
    assert len(pending) == 1  # the rolled-back save left nothing to run
    for callback in pending:
        callback()
    assert _tokens(scope)[scope] != before


def test_a_record_moved_to_another_trajectory_makes_both_old(twee):
    a, b = twee
    scopes = [fragmenten.traject_scope(a.pk), fragmenten.traject_scope(b.pk)]
    before = _tokens(*scopes)
    deelname = Deelname.objects.get(traject=a)
    deelname.traject = b
    deelname.save()
    after = _tokens(*scopes)
    assert all(before[s] != after[s] for s in scopes)


def test_no_request_replaces_a_token(twee, client, settings):
    settings.RATE_LIMITS_ENABLED = False
    scopes = [fragmenten.SITE, fragmenten.INHOUD, fragmenten.ronde_scope(twee[0].ronde_id)]
    before = _tokens(*scopes)
    csrf = Client(enforce_csrf_checks=False)
    csrf.post("/", {"x": "1"})
    csrf.post("/account/login/", {"username": "niemand", "password": "fout"})
    for path in ("/", "/?a=1", "/trajecten/", twee[0].get_absolute_url(), "/kalender/"):
        client.get(path)
    assert _tokens(*scopes) == before


def test_a_coach_logging_in_replaces_no_token(twee):
    coach = factories.make_coach("coach-aadorp", twee[0])
    before = _tokens(fragmenten.SITE, fragmenten.INHOUD)
    Client().force_login(coach)  # writes last_login
    assert coach.last_login is not None or get_user_model().objects.get(pk=coach.pk).last_login
    assert _tokens(fragmenten.SITE, fragmenten.INHOUD) == before
    coach.first_name = "Andere naam"
    coach.save()
    assert _tokens(fragmenten.SITE)[fragmenten.SITE] != before[fragmenten.SITE]


def test_a_bump_the_cache_lost_is_made_up_when_it_answers(twee, monkeypatch):
    site = _tokens(fragmenten.SITE)[fragmenten.SITE]

    def refuse(*args, **kwargs):
        raise ConnectionError("cache down")

    with monkeypatch.context() as patched:
        patched.setattr(cache, "set_many", refuse)
        factories.make_update(twee[0])  # its bump is lost
    assert fragmenten._lost_bump
    # The next read replaces the site's token: everything kept before is old.
    assert _tokens(fragmenten.SITE)[fragmenten.SITE] != site
    assert not fragmenten._lost_bump


def test_a_cache_that_cannot_say_keeps_nothing(monkeypatch):
    monkeypatch.setattr(cache, "get_many", lambda keys: {})  # a circuit breaker that is open
    assert fragmenten.version(fragmenten.INHOUD) is None
    built = []
    value = fragmenten.kept("x", [fragmenten.INHOUD], lambda: (built.append(1) or "waarde", None))
    assert value == "waarde" and built == [1]


def test_a_fragment_is_kept_until_the_instant_it_reads_differently(monkeypatch):
    written = {}
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: written.update({key: timeout}))
    now = timezone.now()
    fragmenten.put("x", "v", "waarde", until=now + timedelta(seconds=90))
    fragmenten.put("y", "v", "waarde", until=now + timedelta(days=30))
    fragmenten.put("z", "v", "waarde", until=now - timedelta(seconds=5))
    timeouts = {key.split(":")[-2]: timeout for key, timeout in written.items()}
    assert 89 <= timeouts["x"] <= 91
    assert timeouts["y"] == fragmenten.TIMEOUT
    assert timeouts["z"] == 1


@pytest.mark.parametrize(
    ("age", "next_change"),
    [
        (timedelta(seconds=10), timedelta(seconds=50)),  # "10 seconden": each minute
        (timedelta(hours=3, seconds=30), timedelta(seconds=30)),
        (timedelta(days=2, minutes=20), timedelta(minutes=40)),  # "2 dagen": each hour
        (timedelta(days=40, hours=5), timedelta(hours=19)),  # "1 maand, 1 week": each day
    ],
)
def test_freshness_changes_at_the_next_unit(age, next_change):
    now = INSIDE
    assert fragmenten.freshness_until(now - age, now) == now + next_change
    assert fragmenten.freshness_until(None, now) is None


def test_moments_change_when_their_date_and_the_grace_period_pass(settings):
    settings.BEHIND_PLAN_GRACE_DAYS = 14

    class Moment:
        def __init__(self, gepland_op):
            self.gepland_op = gepland_op

    now = INSIDE
    soon, long_ago = Moment(now + timedelta(hours=2)), Moment(now - timedelta(days=3))
    assert fragmenten.moments_until([soon, long_ago, Moment(None)], now) == soon.gepland_op
    assert fragmenten.moments_until([long_ago], now) == long_ago.gepland_op + timedelta(days=14)
    assert fragmenten.moments_until([Moment(now - timedelta(days=30))], now) is None


def test_a_card_follows_the_clock_without_a_save(twee, client, time_machine):
    a, _ = twee
    time_machine.move_to(INSIDE, tick=False)
    factories.make_update(a)  # published just now
    assert "0\xa0minuten geleden" in client.get("/trajecten/").content.decode()
    time_machine.move_to(INSIDE + timedelta(minutes=3), tick=False)
    html = client.get("/trajecten/").content.decode()
    assert "3\xa0minuten geleden" in html and "0\xa0minuten geleden" not in html


def test_loading_the_programme_makes_everything_old(db):
    from programma.loader import load_programme

    before = _tokens(fragmenten.SITE)[fragmenten.SITE]
    load_programme()
    assert _tokens(fragmenten.SITE)[fragmenten.SITE] != before
    assert Traject.objects.exists()


def _changed_scopes(action) -> set[str]:
    """The scopes whose tokens `action` replaces (read before and after, in this process)."""
    written = []
    original = fragmenten._write

    def spy(scopes):
        written.append(set(scopes))
        original(scopes)

    fragmenten._write = spy
    try:
        action()
    finally:
        fragmenten._write = original
    return set().union(*written) if written else set()


def test_every_kind_of_record_reaches_its_trajectory_and_round(twee):
    from trajecten.models import Actiedomein, Pilotkandidaat
    from workshops.models import Bijlage

    a, b = twee
    own = {fragmenten.INHOUD, fragmenten.traject_scope(a.pk), fragmenten.ronde_scope(a.ronde_id)}
    kpi = factories.make_kpi(a)
    workshop = factories.make_workshop(a)
    assert _changed_scopes(lambda: factories.make_meting(kpi, waarde=3)) == own
    assert (
        _changed_scopes(
            lambda: Bijlage.objects.create(
                workshop=workshop,
                titel="Verslag",
                bestand=ContentFile(b"%PDF-1.4 verslag", name="v.pdf"),
            )
        )
        == own
    )
    # A candidate names a follow-up trajectory: both pages show it.
    kandidaat = _changed_scopes(
        lambda: Pilotkandidaat.objects.create(traject=a, naam="Deelfabriek", vervolgtraject=b)
    )
    assert kandidaat == own | {fragmenten.traject_scope(b.pk)}
    # The follow-up changing shows on the page of the trajectory whose candidate names it.
    b.titel = "Nieuwe titel"
    assert fragmenten.traject_scope(a.pk) in _changed_scopes(b.save)
    domein = Actiedomein.objects.create(naam="Textiel", slug="textiel-test")
    assert _changed_scopes(lambda: a.prioritaire_actiedomeinen.add(domein)) == own
    domein.naam = "Kleding"
    assert _changed_scopes(domein.save) == {fragmenten.INHOUD, fragmenten.SITE}
    ronde = a.ronde
    ronde.naam = "Andere naam"
    assert fragmenten.SITE in _changed_scopes(ronde.save)


def test_a_change_through_another_instance_shows_on_the_next_request(twee, client):
    """Another instance's save reaches this one only through the shared cache: tokens are
    never remembered beyond one request."""
    a, _ = twee
    url = a.get_absolute_url()
    assert "Elders gewijzigd" not in client.get(url).content.decode()
    Traject.objects.filter(pk=a.pk).update(titel="Elders gewijzigd")  # the other's write
    for scope in (fragmenten.INHOUD, fragmenten.traject_scope(a.pk)):  # and its bump
        cache.set(fragmenten._generation_key(scope), "van-elders", None)
    assert "Elders gewijzigd" in client.get(url).content.decode()


def test_a_page_reads_each_token_once(twee, client, monkeypatch):
    a, _ = twee
    url = a.get_absolute_url()
    client.get(url)
    asked = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: asked.extend(keys) or original(keys))
    client.get(url)
    tokens = [key for key in asked if ":gen:" in key]
    assert tokens and len(tokens) == len(set(tokens))


def test_unknown_addresses_keep_nothing(twee, client):
    before = set(cache._cache)
    for n in range(5):
        assert client.get(f"/trajecten/bestaat-niet-{n}/").status_code == 404
        assert client.get(f"/besturen/bestaat-niet-{n}/").status_code == 404
    added = {key for key in set(cache._cache) - before if ":gen:" not in key}
    assert not [key for key in added if "bestaat-niet" in key]

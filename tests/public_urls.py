"""Every public page of the portal, for every object present: each bestuur, trajectory, ...

The URL names come from the classification in `tests/lokaal/url_catalogue.py`; a public name
without an entry in `BUILDERS` fails `all_public_urls()`, so a new page cannot be forgotten.
"""

from django.urls import reverse

from besturen.models import Bestuur
from portaal.opendata import BY_SLUG
from tests.lokaal import url_catalogue as catalogue
from trajecten.models import Ronde, Traject
from volgen.services import confirm_token, unsubscribe_token
from workshops.models import Bijlage, Workshop


def _each(name, model):
    return lambda: [reverse(name, args=[obj.slug]) for obj in model.objects.all()]


BUILDERS = {
    "portaal:home": lambda: [reverse("portaal:home")],
    "portaal:rondes": lambda: [reverse("portaal:rondes")],
    "portaal:ronde": _each("portaal:ronde", Ronde),
    "besturen:list": lambda: [reverse("besturen:list")],
    "besturen:detail": _each("besturen:detail", Bestuur),
    "trajecten:list": lambda: [reverse("trajecten:list")],
    "trajecten:detail": _each("trajecten:detail", Traject),
    "workshops:detail": lambda: [
        w.get_absolute_url() for w in Workshop.objects.select_related("traject")
    ],
    "workshops:bijlage": lambda: [b.get_absolute_url() for b in Bijlage.objects.all()],
    "healthz": lambda: [reverse("healthz")],
    "healthz-ping": lambda: [reverse("healthz-ping")],
    "portaal:vergelijk": lambda: [reverse("portaal:vergelijk")],
    "portaal:kaart": lambda: [reverse("portaal:kaart")],
    "portaal:zoeken": lambda: [
        reverse("portaal:zoeken"),
        reverse("portaal:zoeken") + "?q=circulair",
    ],
    "portaal:open_data": lambda: [reverse("portaal:open_data")],
    "portaal:open_data_csv": lambda: [
        reverse("portaal:open_data_csv", args=[slug]) for slug in BY_SLUG
    ],
    "portaal:open_data_json": lambda: [
        reverse("portaal:open_data_json", args=[slug]) for slug in BY_SLUG
    ],
    "portaal:open_data_csvw": lambda: [
        reverse("portaal:open_data_csvw", args=[slug]) for slug in BY_SLUG
    ],
    "portaal:open_data_catalogue_jsonld": lambda: [reverse("portaal:open_data_catalogue_jsonld")],
    "portaal:open_data_catalogue_turtle": lambda: [reverse("portaal:open_data_catalogue_turtle")],
    "login": lambda: [reverse("login")],
    "password_reset": lambda: [reverse("password_reset")],
    "password_reset_done": lambda: [reverse("password_reset_done")],
    "password_reset_complete": lambda: [reverse("password_reset_complete")],
    "volgen:programma_rss": lambda: [reverse("volgen:programma_rss")],
    "volgen:programma_atom": lambda: [reverse("volgen:programma_atom")],
    "volgen:bestuur_rss": _each("volgen:bestuur_rss", Bestuur),
    "volgen:bestuur_atom": _each("volgen:bestuur_atom", Bestuur),
    "volgen:traject_rss": _each("volgen:traject_rss", Traject),
    "volgen:traject_atom": _each("volgen:traject_atom", Traject),
    "volgen:kalender": lambda: [reverse("volgen:kalender")],
    "volgen:kalender_ics": lambda: [reverse("volgen:kalender_ics")],
    "volgen:traject_ics": _each("volgen:traject_ics", Traject),
    "volgen:bestuur": _each("volgen:bestuur", Bestuur),
    "volgen:traject": _each("volgen:traject", Traject),
    "volgen:bevestigen": lambda: [
        reverse("volgen:bevestigen", args=[confirm_token(email="a@example.org", onderwerp=t)])
        for t in Traject.objects.all()[:1]
    ],
    "volgen:afmelden": lambda: [
        reverse("volgen:afmelden", args=[unsubscribe_token(email="a@example.org")])
    ],
    "goedkeuring:verzoek": lambda: [
        reverse("goedkeuring:verzoek", args=[catalogue.signoff_token_for(w)])
        for w in Workshop.objects.select_related("traject")[:1]
    ],
}


def all_public_urls() -> list[str]:
    missing = catalogue.PUBLIC - BUILDERS.keys()
    assert not missing, f"Public URL names without a builder in tests/public_urls.py: {missing}"
    return [url for name in sorted(BUILDERS) for url in BUILDERS[name]()]

"""Every public page of the portal, built from the URL configuration and the data present.

A public URL name without an entry in `BUILDERS` fails `all_public_urls()`, so a new page
cannot be forgotten by the tests that walk them all.
"""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from besturen.models import Bestuur
from lokaal.opendata import BY_SLUG
from trajecten.models import Traject
from workshops.models import Bijlage, Workshop

# Namespaces that are not public: their own tests walk them.
PRIVATE_NAMESPACES = {"admin", "coach"}
# Public, but only meaningful with a signed token for one address: tests/volgen covers them.
TOKEN_URL_NAMES = {"volgen:bevestigen", "volgen:afmelden", "password_reset_confirm"}
# Account pages for signed-in users (or POST only): tests/coach/test_accounts.py covers them.
ACCOUNT_URL_NAMES = {"logout", "password_change", "password_change_done"}


def _each(name, model):
    return lambda: [reverse(name, args=[obj.slug]) for obj in model.objects.all()]


BUILDERS = {
    "home": lambda: [reverse("home")],
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
    "vergelijk": lambda: [reverse("vergelijk")],
    "kaart": lambda: [reverse("kaart")],
    "zoeken": lambda: [reverse("zoeken"), reverse("zoeken") + "?q=circulair"],
    "open_data": lambda: [reverse("open_data")],
    "open_data_csv": lambda: [reverse("open_data_csv", args=[slug]) for slug in BY_SLUG],
    "open_data_json": lambda: [reverse("open_data_json", args=[slug]) for slug in BY_SLUG],
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
}


def public_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in PRIVATE_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= public_url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names - TOKEN_URL_NAMES - ACCOUNT_URL_NAMES


def all_public_urls() -> list[str]:
    missing = public_url_names() - BUILDERS.keys()
    assert not missing, f"Public URL names without a builder in tests/public_urls.py: {missing}"
    return [url for name in sorted(BUILDERS) for url in BUILDERS[name]()]

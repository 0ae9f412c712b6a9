"""Every public page of the portal, built from the URL configuration and the data present.

A public URL name without an entry in `BUILDERS` fails `all_public_urls()`, so a new page
cannot be forgotten by the tests that walk them all.
"""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from besturen.models import Bestuur
from trajecten.models import Traject
from workshops.models import Bijlage, Workshop

# Namespaces that are not public: their own tests walk them.
PRIVATE_NAMESPACES = {"admin", "coach"}
PRIVATE_NAMES = set()


def _each_traject():
    return [reverse("trajecten:detail", args=[t.slug]) for t in Traject.objects.all()]


BUILDERS = {
    "home": lambda: [reverse("home")],
    "besturen:list": lambda: [reverse("besturen:list")],
    "besturen:detail": lambda: [
        reverse("besturen:detail", args=[b.slug]) for b in Bestuur.objects.all()
    ],
    "trajecten:list": lambda: [reverse("trajecten:list")],
    "trajecten:detail": _each_traject,
    "workshops:detail": lambda: [
        w.get_absolute_url() for w in Workshop.objects.select_related("traject")
    ],
    "workshops:bijlage": lambda: [b.get_absolute_url() for b in Bijlage.objects.all()],
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
    return names - PRIVATE_NAMES


def all_public_urls() -> list[str]:
    missing = public_url_names() - BUILDERS.keys()
    assert not missing, f"Public URL names without a builder in tests/public_urls.py: {missing}"
    return [url for name in sorted(BUILDERS) for url in BUILDERS[name]()]

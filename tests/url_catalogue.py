"""Every URL of the project, classified, with real arguments to call it with.

The one URL catalogue of the tests: the authorization, security-header, caching, query-count,
public-content and accessibility walks all read it (and scripts/bench.py its routes). They walk
the whole URL configuration through this module. A new URL name must be added to exactly one
of the lists below, or those tests fail and say so. That is deliberate: someone has to decide
who may open a new page.

- PUBLIC        anyone, anonymous visitors included (must answer 200 with the sample data)
- ACCOUNT       login, logout, password pages: open to anyone by their nature
- COACH_WIDE    any logged-in coach or manager, not tied to one trajectory (e.g. a dashboard)
- PER_TRAJECT   a coach's work on one trajectory: 404 for coaches of other trajectories
- MANAGER_ONLY  programme managers (staff) only: 403 for coaches too; walks open it as a manager
- MOVED         a former address: a permanent redirect (301), for anyone, to the page that
                replaced it; that page applies its own rules, so the walks skip these

Everything but PUBLIC and ACCOUNT is refused to anonymous visitors (login redirect, 403 or
404). The `admin` namespace is Django's own and checked as a whole.

When the walk cannot find arguments for a URL, add a function to SAMPLE_KWARGS that returns
them from the `World` (the sample data built below). `all_public_urls()` gives every public
page for every object in the database (each bestuur, trajectory, ...); a PUBLIC name without an
entry in `BUILDERS` fails it, so a new page cannot be forgotten there either.

The coach workspace is also listed role by role (`COACH_EXPECTED`, at the end): what each coach
URL answers per method to an anonymous visitor, the trajectory's coach, a coach of another
trajectory and a manager, with the structured-results URLs (`RESULTATEN_URLS`) and
`resultaten_kwargs` to make the result a URL is about. tests/coach/test_permissions.py walks it
and checks it agrees with the lists above.
"""

import io
import itertools
from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from besturen.models import Bestuur
from portaal.opendata import BY_SLUG
from tests import factories
from trajecten.models import (
    Beleidsactie,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Ronde,
    Traject,
)
from volgen.services import confirm_token, unsubscribe_token
from workshops.models import Bijlage, Workshop

# Public URLs that answer with a file, a feed or data rather than an HTML page.
PUBLIC_NOT_HTML = {
    "workshops:bijlage",
    "healthz",
    "healthz-ping",
    "portaal:open_data_csv",
    "portaal:open_data_json",
    "portaal:open_data_csvw",
    "portaal:open_data_catalogue_jsonld",
    "portaal:open_data_catalogue_turtle",
    "volgen:programma_rss",
    "volgen:programma_atom",
    "volgen:bestuur_rss",
    "volgen:bestuur_atom",
    "volgen:traject_rss",
    "volgen:traject_atom",
    "volgen:kalender_ics",
    "volgen:traject_ics",
}
PUBLIC = PUBLIC_NOT_HTML | {
    "portaal:home",
    "portaal:rondes",
    "portaal:ronde",
    "besturen:list",
    "besturen:detail",
    "trajecten:list",
    "trajecten:detail",
    "workshops:detail",
    "portaal:vergelijk",
    "portaal:kaart",
    "portaal:zoeken",
    "portaal:open_data",
    "volgen:kalender",
    "volgen:bestuur",
    "volgen:traject",
    "volgen:bevestigen",
    "volgen:afmelden",
    "goedkeuring:verzoek",
}
ACCOUNT = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
COACH_WIDE = {"coach:dashboard"}
MANAGER_ONLY = {"coach:opvolging"}
PER_TRAJECT: set[str] = set()  # every other coach URL; filled in below, after `walk`
# The separate report page and its publish buttons, replaced by the one outcome page.
MOVED = {
    f"coach:{soort}_{old}_oud"
    for soort in ("workshop", "coachingsmoment")
    for old in ("verslag", "publiceren", "depubliceren")
}

ADMIN_NAMESPACES = {"admin"}
# URLs that do not answer with an HTML page (files, feeds, data).
NOT_HTML = PUBLIC_NOT_HTML | {"coach:bijlage"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the path with its <converters>, for messages
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.rsplit(":", 1)[0] if ":" in self.name else ""


def walk(resolver=None, prefix="", namespace="") -> list[Route]:
    """Every named URL pattern, depth first, with its full route and parameter names."""
    routes = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            routes += walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            params = (
                tuple(entry.pattern.converters)
                if isinstance(entry.pattern, RoutePattern)
                else tuple(entry.pattern.regex.groupindex)
            )
            routes.append(Route(name, prefix + str(entry.pattern), params))
    # A name reversed twice resolves to its first pattern; keep that one.
    unique = {}
    for route in routes:
        unique.setdefault(route.name, route)
    return list(unique.values())


def project_routes() -> list[Route]:
    return [r for r in walk() if r.namespace.split(":")[0] not in ADMIN_NAMESPACES]


# The coach namespace is for work on one trajectory unless listed in COACH_WIDE; the tests then
# prove a coach of another trajectory gets 404 on each of them.
PER_TRAJECT.update(
    r.name
    for r in walk()
    if r.namespace == "coach" and r.name not in COACH_WIDE | MANAGER_ONLY | MOVED
)


def unclassified(routes) -> list[Route]:
    known = PUBLIC | ACCOUNT | COACH_WIDE | PER_TRAJECT | MANAGER_ONLY | MOVED
    return [r for r in routes if r.name not in known]


def routes_in(names: set[str]) -> list[Route]:
    return [r for r in project_routes() if r.name in names]


def protected_routes() -> list[Route]:
    return [r for r in project_routes() if r.name in COACH_WIDE | PER_TRAJECT | MANAGER_ONLY]


def signed_in_user(route: Route, world: "World"):
    """Who the walks sign in as to open a protected page: a manager for MANAGER_ONLY."""
    return world.manager if route.name in MANAGER_ONLY else world.coach


@dataclass
class World:
    """The sample data every walk uses: the real programme plus one fully filled trajectory."""

    traject: Traject
    pilot: Traject
    bestuur: Bestuur
    coach: object
    manager: object
    public_image: Bijlage
    internal_file: Bijlage
    meting: object
    pks: list[int] = field(default_factory=list)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def build_world(coach) -> World:
    """Load the programme and demo content, give `coach` one trajectory with everything in it."""
    from trajecten import models as t

    call_command("load_programma", verbosity=0)
    call_command("load_demo", verbosity=0)
    traject = Traject.objects.get(slug="strategie-halle")
    traject.coaches.add(coach)
    workshop = traject.workshops.get(volgnummer=1)
    if not workshop.is_public:
        factories.publish_report(workshop, "Drie actiedomeinen gekozen.", internal="Intern.")
    moment = factories.make_coachingsmoment(traject)
    update = factories.make_update(traject)
    image = Bijlage.objects.create(
        workshop=workshop,
        titel="Foto van de flappen",
        bestand=SimpleUploadedFile("flap.png", _png()),
        bestandsnaam="flap.png",
        mime_type="image/png",
        is_afbeelding=True,
        is_publiek=True,
    )
    internal = Bijlage.objects.create(
        workshop=workshop,
        titel="Interne nota",
        bestand=SimpleUploadedFile("nota.html", b"<script>alert(1)</script>"),
        bestandsnaam="nota.html",
        mime_type="text/html",
        is_publiek=False,
    )
    domein = t.Actiedomein.objects.first()
    # Pilot results live on a pilot trajectory of the same coach.
    pilot = Traject.objects.get(slug="pilootproject-deelfabriek-kortrijk")
    pilot.coaches.add(coach)
    kpi = factories.make_kpi(pilot, naam="Hergebruikte kilo's", eenheid="kg")
    rows = [
        workshop,
        moment,
        update,
        image,
        internal,
        kpi,
        meting := factories.make_meting(kpi, datum=date(2023, 3, 1), waarde=12),
        factories.make_lopend_initiatief(traject, naam="Repaircafé", actiedomein=domein),
        factories.make_beleidsactie(traject, titel="Circulair aankopen"),
        factories.make_pilotkandidaat(traject, naam="Materialenbank"),
        factories.make_partner(pilot, naam="Kringwinkel"),
        factories.make_gekozen_module(
            pilot,
            # A module the demo did not choose already.
            module=t.Ondersteuningsmodule.objects.exclude(
                pk__in=pilot.modules.values("module")
            ).first(),
        ),
    ]
    bestuur = traject.besturen.first()
    return World(
        traject=traject,
        pilot=pilot,
        bestuur=bestuur,
        coach=coach,
        manager=factories.make_manager("catalogus-beheerder"),
        public_image=image,
        internal_file=internal,
        meting=meting,
        pks=[row.pk for row in rows],
    )


def _meting_kwargs(world: World) -> dict:
    return {"slug": world.pilot.slug, "kpi_pk": world.meting.kpi_id, "pk": world.meting.pk}


def _confirm_token(world: World) -> dict:
    return {"token": confirm_token(email="volger@example.org", onderwerp=world.traject)}


def _unsubscribe_token(world: World) -> dict:
    return {"token": unsubscribe_token(email="volger@example.org")}


def signoff_token_for(workshop) -> str:
    """A fresh sign-off link token for a workshop's report as it stands (the page only reads)."""
    import secrets

    from django.core import signing

    from coach.goedkeuring import SALT
    from workshops.models import Goedkeuringsverzoek
    from workshops.services import report_snapshot

    verzoek = Goedkeuringsverzoek.objects.create(
        workshop=workshop,
        versie=workshop.versie,
        inhoud=report_snapshot(workshop),
        sleutel=secrets.token_urlsafe(32),
        contact_naam="Contactpersoon",
        contact_email="contact@example.org",
    )
    return signing.TimestampSigner(salt=SALT).sign(verzoek.sleutel)


def _signoff_token(world: World) -> dict:
    return {"token": signoff_token_for(world.traject.workshops.get(volgnummer=1))}


# Arguments for URLs the generic guess below cannot fill: name -> function(world) -> kwargs.
SAMPLE_KWARGS = {
    "besturen:detail": lambda w: {"slug": w.bestuur.slug},
    "workshops:bijlage": lambda w: {"pk": w.public_image.pk},
    "portaal:open_data_csv": lambda w: {"slug": "trajecten"},
    "portaal:open_data_json": lambda w: {"slug": "trajecten"},
    "portaal:open_data_csvw": lambda w: {"slug": "trajecten"},
    "volgen:bestuur_rss": lambda w: {"slug": w.bestuur.slug},
    "volgen:bestuur_atom": lambda w: {"slug": w.bestuur.slug},
    "volgen:bestuur": lambda w: {"slug": w.bestuur.slug},
    # Two ids in one path: guessing from `pks` would take too many tries.
    "coach:resultaten_meting_bewerken": lambda w: _meting_kwargs(w),
    "coach:resultaten_meting_verwijderen": lambda w: _meting_kwargs(w),
    "coach:resultaten_meting_publicatie": lambda w: _meting_kwargs(w),
    "volgen:bevestigen": _confirm_token,
    "volgen:afmelden": _unsubscribe_token,
    "goedkeuring:verzoek": _signoff_token,
}


def candidate_kwargs(route: Route, world: World):
    """Argument sets to try for a route, most likely first."""
    if route.name in SAMPLE_KWARGS:
        yield SAMPLE_KWARGS[route.name](world)
        return
    pools = []
    for param in route.params:
        if "slug" in param:
            pools.append(
                [world.traject.slug, world.pilot.slug, world.bestuur.slug, world.traject.ronde.slug]
            )
        elif param in {"volgnummer", "nummer"}:
            pools.append([1, 2, 3])
        elif param == "pk" or param == "id" or param.endswith(("_pk", "_id")):
            pools.append(world.pks)
        elif param in {"jaar", "year"}:
            pools.append([2023])
        else:
            pools.append([1, "1"])
    for values in itertools.islice(itertools.product(*pools), 200):
        yield dict(zip(route.params, values, strict=True))


def path_for(route: Route, kwargs: dict) -> str:
    return reverse(route.name, kwargs=kwargs or None)


def first_path(route: Route, world: World, accept) -> str | None:
    """The first path of this route for which `accept(path)` holds, or None."""
    for kwargs in candidate_kwargs(route, world):
        try:
            path = path_for(route, kwargs)
        except Exception:  # noqa: S112 - a converter refused this guess; try the next one
            continue
        if accept(path):
            return path
    return None


# Every public page for every object present.


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
        reverse("goedkeuring:verzoek", args=[signoff_token_for(w)])
        for w in Workshop.objects.select_related("traject")[:1]
    ],
}


def all_public_urls() -> list[str]:
    missing = PUBLIC - BUILDERS.keys()
    assert not missing, f"Public URL names without a builder in tests/url_catalogue.py: {missing}"
    return [url for name in sorted(BUILDERS) for url in BUILDERS[name]()]


# The coach workspace role by role: what each URL of the `coach` namespace answers per method to
# an anonymous visitor, the trajectory's own coach, a coach of another trajectory and a manager.
# tests/coach/test_permissions.py walks every coach URL x role x GET/POST against it, with the
# `World` of tests/coach/conftest.py; a coach URL missing here fails there.

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
# A former address (MOVED): everyone is sent on permanently (301) to the page that replaced it.
REDIRECT = {method: dict.fromkeys(ROLES, 301) for method in ("GET", "POST")}

# The structured-results pages: each name with what its kwargs are, which methods it answers
# and the kind of trajectory it belongs to. GET answers 200 for the trajectory's coach and a
# manager on every one; POST on a confirmation page deletes, so walk POST only where intended.
STRATEGIE = Traject.Soort.STRATEGIE
PILOOT = Traject.Soort.PILOOTPROJECT

_SLUG_ANY = "slug: any trajectory"
_SLUG_S = "slug: a strategy trajectory"
_SLUG_P = "slug: a pilot trajectory"
_GP = ["GET", "POST"]

RESULTATEN_URLS: dict[str, dict] = {
    "resultaten": {"kwargs": _SLUG_ANY, "methods": ["GET"], "soort": None},
    "resultaten_prioriteiten": {"kwargs": _SLUG_S, "methods": ["GET", "POST"], "soort": STRATEGIE},
}
for _key, _model, _soort in [
    ("initiatief", "LopendInitiatief", STRATEGIE),
    ("beleidsactie", "Beleidsactie", STRATEGIE),
    ("pilotkandidaat", "Pilotkandidaat", STRATEGIE),
    ("module", "GekozenModule", PILOOT),
    ("partner", "Partner", PILOOT),
    ("kpi", "Kpi", PILOOT),
]:
    _slug = _SLUG_S if _soort == STRATEGIE else _SLUG_P
    _pk = f"{_slug}; pk: a {_model} of that trajectory"
    RESULTATEN_URLS.update(
        {
            f"resultaten_{_key}_nieuw": {"kwargs": _slug, "methods": _GP, "soort": _soort},
            f"resultaten_{_key}_bewerken": {"kwargs": _pk, "methods": _GP, "soort": _soort},
            f"resultaten_{_key}_verwijderen": {
                "kwargs": _pk + " (GET confirms, POST deletes)",
                "methods": _GP,
                "soort": _soort,
            },
            f"resultaten_{_key}_publicatie": {
                "kwargs": _pk + " (POST only: publish or unpublish)",
                "methods": ["POST"],
                "soort": _soort,
            },
        }
    )
_KPI = f"{_SLUG_P}; kpi_pk: a Kpi of that trajectory"
_METING = f"{_KPI}; pk: a Meting of that Kpi"
RESULTATEN_URLS.update(
    {
        "resultaten_meting_nieuw": {"kwargs": _KPI, "methods": ["GET", "POST"], "soort": PILOOT},
        "resultaten_meting_bewerken": {
            "kwargs": _METING,
            "methods": ["GET", "POST"],
            "soort": PILOOT,
        },
        "resultaten_meting_verwijderen": {
            "kwargs": _METING + " (GET confirms, POST deletes)",
            "methods": ["GET", "POST"],
            "soort": PILOOT,
        },
        "resultaten_meting_publicatie": {
            "kwargs": _METING + " (POST only: publish or unpublish)",
            "methods": ["POST"],
            "soort": PILOOT,
        },
    }
)


def _results_profile(name: str) -> dict:
    if name == "resultaten":
        return PAGE
    if name.endswith("_verwijderen"):
        return CONFIRM
    if name.endswith("_publicatie"):
        return ACTION
    return FORM


COACH_EXPECTED = {
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
            "voorleggen": ACTION,
            "verwijderen": CONFIRM,
            "geschiedenis": PAGE,
            "uitkomst": FORM,
            "uitkomst_voorbeeld": PAGE,
            "uitkomst_publicatie": ACTION,
            "verslag_oud": REDIRECT,
            "publiceren_oud": REDIRECT,
            "depubliceren_oud": REDIRECT,
        }.items()
    },
    **{name: _results_profile(name) for name in RESULTATEN_URLS},
}

# How to fill each path parameter from the coach tests' `World`; URLs with the same parameter
# names share these.
COACH_KWARGS = {
    "slug": lambda world: world.traject.slug,
    "workshop_pk": lambda world: world.workshop.pk,
    "coachingsmoment_pk": lambda world: world.coachingsmoment.pk,
    "bijlage_pk": lambda world: world.bijlage.pk,
    "update_pk": lambda world: world.update.pk,
}

# All kwargs of one URL where a parameter name means something else per URL.
COACH_URL_KWARGS = {
    # Coaching moments are planned on pilot tracks only (a strategy track answers 400).
    "coachingsmoment_nieuw": lambda world: {"slug": world.pilot_traject.slug},
    **{
        name: (
            lambda world, name=name: resultaten_kwargs(
                name, strategie=world.traject, pilot=world.pilot_traject
            )
        )
        for name in RESULTATEN_URLS
    },
}


def reference_term(model, naam: str, **extra):
    item, _ = model.objects.get_or_create(
        slug=f"test-{model.__name__.lower()}-{naam}".lower().replace(" ", "-"),
        defaults={"naam": f"{naam} ({model._meta.verbose_name})", **extra},
    )
    return item


def resultaten_kwargs(name: str, *, strategie: Traject, pilot: Traject) -> dict:
    """Real kwargs for a URL name; creates the result the URL is about when it needs one."""
    soort = RESULTATEN_URLS[name]["soort"]
    traject = pilot if soort == PILOOT else strategie
    kwargs = {"slug": traject.slug}
    if name.endswith(("_bewerken", "_verwijderen", "_publicatie")):
        if name.startswith("resultaten_meting_"):
            kpi = Kpi.objects.create(traject=pilot, naam="Bezoekers", eenheid="per jaar")
            meting = Meting.objects.create(kpi=kpi, datum=date(2023, 3, 1), waarde=10)
            return {**kwargs, "kpi_pk": kpi.pk, "pk": meting.pk}
        key = name.removeprefix("resultaten_").rsplit("_", 1)[0]
        kwargs["pk"] = make_result(key, traject).pk
    elif name == "resultaten_meting_nieuw":
        kpi = Kpi.objects.create(traject=pilot, naam="Bezoekers", eenheid="per jaar")
        kwargs["kpi_pk"] = kpi.pk
    return kwargs


def make_result(key: str, traject: Traject):
    if key == "initiatief":
        return LopendInitiatief.objects.create(traject=traject, naam="Repaircafé")
    if key == "beleidsactie":
        return Beleidsactie.objects.create(traject=traject, titel="Circulair aankopen")
    if key == "pilotkandidaat":
        return Pilotkandidaat.objects.create(traject=traject, naam="Materialenbank")
    if key == "module":
        module = reference_term(Ondersteuningsmodule, f"module voor {traject.slug}")
        return GekozenModule.objects.create(traject=traject, module=module)
    if key == "partner":
        return Partner.objects.create(traject=traject, naam="Kringwinkel")
    if key == "kpi":
        return Kpi.objects.create(traject=traject, naam="Bezoekers", eenheid="per jaar")
    raise KeyError(key)

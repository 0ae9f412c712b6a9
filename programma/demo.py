"""Illustrative demo content, to show how the portal looks once coaches log their work.

Nothing here describes a real workshop: every row is flagged `is_demo`, every page says so
while any exists, and `load_demo --verwijder` takes it all out again.
"""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from lokaal import fragmenten
from trajecten.markdown import render_markdown
from trajecten.models import Actiedomein, GekozenModule, Ondersteuningsmodule, Traject, Update
from workshops.models import Coachingsmoment, Workshop

DEMO_PREFIX = "*Illustratief voorbeeld – dit verslag beschrijft geen echte workshop.*\n\n"

# slug → list of (workshop number, date, report)
WORKSHOP_REPORTS = {
    "strategie-halle": [
        (
            1,
            date(2022, 11, 24),
            "We overliepen twaalf actiedomeinen en kozen er drie om op in te "
            "zetten.\n\n- circulair bouwen\n- deel- en hersteleconomie\n- voedselketen",
        ),
        (
            2,
            date(2023, 2, 9),
            "De deelnemers brachten samen de lopende initiatieven in kaart. "
            "De kaart telt nu een twintigtal initiatieven, van repaircafés tot een materialenbank.",
        ),
    ],
    "strategie-roeselare": [
        (
            1,
            date(2022, 12, 6),
            "Een eerste verkenning van de actiedomeinen, met vertegenwoordigers "
            "van vijf stadsdiensten.",
        ),
    ],
    "pilootproject-deelfabriek-kortrijk": [
        (
            1,
            date(2022, 11, 30),
            "Het team koos drie modules uit de menukaart: businessmodel, "
            "communicatieplan en KPI's met monitoring.",
        ),
        (
            2,
            date(2023, 1, 25),
            "We werkten het businessmodel voor de nieuwe locatie uit en "
            "legden de eerste KPI's vast.",
        ),
        (
            3,
            date(2023, 3, 22),
            "Het plan voor de verhuis en de opvolging ligt klaar. Volgende "
            "stap: de eerste meting na de opening.",
        ),
    ],
}
COACHING = {
    "pilootproject-deelfabriek-kortrijk": [
        (
            date(2023, 1, 10),
            Coachingsmoment.Vorm.ONLINE,
            "Voorbereiding businessmodel",
            "Een kort online overleg over de cijfers die nodig zijn voor het businessmodel.",
        ),
    ],
}
UPDATES = {
    "strategie-halle": [
        (
            date(2023, 2, 15),
            "De kaart van lopende initiatieven is klaar",
            "Na de tweede workshop is er een overzicht van wat er in de stad al loopt.",
        ),
    ],
}


# Structured results that say what the demo reports above say, so the comparison page agrees
# with the reports. slug → action domain slugs (strategy) or (module slug, status) (pilot).
DOMAINS = {
    "strategie-halle": ["circulair-bouwen", "deel-en-hersteleconomie", "voedselketen"],
}
MODULES = {
    "pilootproject-deelfabriek-kortrijk": [
        # Report 2 worked the business model out; report 3 lays down the KPIs and follow-up.
        ("businessmodel", GekozenModule.Status.AFGEROND),
        ("communicatieplan", GekozenModule.Status.GEKOZEN),
        ("kpis-en-monitoring", GekozenModule.Status.BEZIG),
    ],
}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(14, 0)))


@transaction.atomic
def load_demo() -> int:
    """Add the demo content where it is missing; returns how many rows it touched."""
    touched = 0
    trajecten = {t.slug: t for t in Traject.objects.filter(slug__in=WORKSHOP_REPORTS.keys())}
    for slug, reports in WORKSHOP_REPORTS.items():
        traject = trajecten.get(slug)
        if traject is None:
            continue
        for volgnummer, day, text in reports:
            workshop = traject.workshops.filter(volgnummer=volgnummer).first()
            if workshop is None or workshop.is_demo or workshop.verslag:
                continue  # never overwrite a report a coach wrote
            workshop.gepland_op = _at(day)
            workshop.status = Workshop.Status.GEHOUDEN
            workshop.verslag = DEMO_PREFIX + text
            workshop.verslag_html = render_markdown(workshop.verslag)
            workshop.gepubliceerd = True
            workshop.gepubliceerd_op = _at(day)
            workshop.is_demo = True
            workshop.save()
            touched += 1
    for slug, moments in COACHING.items():
        traject = Traject.objects.filter(slug=slug).first()
        for day, vorm, onderwerp, text in moments if traject else []:
            _, created = Coachingsmoment.objects.get_or_create(
                traject=traject,
                onderwerp=onderwerp,
                is_demo=True,
                defaults={
                    "gepland_op": _at(day),
                    "vorm": vorm,
                    "status": Coachingsmoment.Status.GEHOUDEN,
                    "verslag": DEMO_PREFIX + text,
                    "verslag_html": render_markdown(DEMO_PREFIX + text),
                    "gepubliceerd": True,
                    "gepubliceerd_op": _at(day),
                },
            )
            touched += created
    for slug, updates in UPDATES.items():
        traject = Traject.objects.filter(slug=slug).first()
        for day, titel, text in updates if traject else []:
            _, created = Update.objects.get_or_create(
                traject=traject,
                titel=titel,
                is_demo=True,
                defaults={
                    "datum": day,
                    "tekst": DEMO_PREFIX + text,
                    "tekst_html": render_markdown(DEMO_PREFIX + text),
                    "gepubliceerd": True,
                    "gepubliceerd_op": _at(day),
                },
            )
            touched += created
    for slug, domains in DOMAINS.items():
        traject = Traject.objects.filter(slug=slug).first()
        if traject is not None and not traject.prioritaire_actiedomeinen.exists():
            traject.prioritaire_actiedomeinen.set(Actiedomein.objects.filter(slug__in=domains))
            touched += 1
    for slug, modules in MODULES.items():
        traject = Traject.objects.filter(slug=slug).first()
        if traject is None or traject.modules.filter(is_demo=False).exists():
            continue  # never mix demo modules into a coach's own choice
        for module_slug, status in modules:
            module = Ondersteuningsmodule.objects.filter(slug=module_slug).first()
            if module is not None:
                _, created = GekozenModule.objects.get_or_create(
                    traject=traject,
                    module=module,
                    defaults={"status": status, "is_demo": True, "gepubliceerd": True},
                )
                touched += created
    fragmenten.bump_all()  # bulk deletions and updates send no signals
    return touched


def _remove_demo_domains() -> int:
    """Take out the demo's action domains, only where they are still exactly the demo's."""
    removed = 0
    for slug, domains in DOMAINS.items():
        traject = Traject.objects.filter(slug=slug).first()
        if traject is None:
            continue
        current = set(traject.prioritaire_actiedomeinen.values_list("slug", flat=True))
        if current == set(domains):
            traject.prioritaire_actiedomeinen.clear()
            removed += 1
    return removed


@transaction.atomic
def remove_demo() -> int:
    """Take every piece of demo content out again; workshops go back to planned."""
    removed = 0
    for workshop in Workshop.objects.filter(is_demo=True):
        workshop.gepland_op = None
        workshop.status = Workshop.Status.GEPLAND
        workshop.verslag = workshop.verslag_html = ""
        workshop.gepubliceerd = False
        workshop.gepubliceerd_op = None
        workshop.is_demo = False
        workshop.save()
        removed += 1
    removed += Coachingsmoment.objects.filter(is_demo=True).delete()[0]
    removed += Update.objects.filter(is_demo=True).delete()[0]
    removed += GekozenModule.objects.filter(is_demo=True).delete()[0]
    removed += _remove_demo_domains()
    fragmenten.bump_all()  # bulk deletions and updates send no signals
    return removed

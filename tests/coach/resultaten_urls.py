"""Every URL of the structured-results pages, for the global permission matrix.

`RESULTATEN_URLS` lists each URL name (in the `coach` namespace) with what its kwargs are and
which methods it answers. `resultaten_kwargs` builds real kwargs for one name on a strategy and
a pilot trajectory; `fill_strategy_results` / `fill_pilot_results` give a trajectory results.
GET answers 200 for the trajectory's coach and a manager on every URL below; POST on a
confirmation page deletes, so walk POST only where a change is intended.
"""

from datetime import date, timedelta
from decimal import Decimal

from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Traject,
)

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


def _reference(model, naam: str, **extra):
    item, _ = model.objects.get_or_create(
        slug=f"test-{model.__name__.lower()}-{naam}".lower().replace(" ", "-"),
        defaults={"naam": f"{naam} ({model._meta.verbose_name})", **extra},
    )
    return item


def fill_strategy_results(traject: Traject, n: int = 1, *, published: bool = True) -> None:
    """n more of each strategy result, with their reference terms (published, by default)."""
    pub = {"gepubliceerd": published}
    start = traject.initiatieven.count()
    for i in range(start, start + n):
        domein = _reference(Actiedomein, f"domein {i}")
        instrument = _reference(Beleidsinstrument, f"instrument {i}")
        traject.prioritaire_actiedomeinen.add(domein)
        traject.beleidsinstrumenten.add(instrument)
        LopendInitiatief.objects.create(
            traject=traject,
            naam=f"Initiatief {i}",
            actiedomein=domein,
            eigenaar=f"Dienst {i}",
            **pub,
        )
        Beleidsactie.objects.create(
            traject=traject,
            titel=f"Beleidsactie {i}",
            omschrijving="Verkend in workshop 3.",
            actiedomein=domein,
            beleidsinstrument=instrument,
            **pub,
        )
        vervolg = Traject.objects.filter(soort=PILOOT).first() if i == 0 else None
        Pilotkandidaat.objects.create(
            traject=traject,
            naam=f"Kandidaat {i}",
            stakeholders="Lokale ondernemers",
            vervolgtraject=vervolg,
            **pub,
        )


def fill_pilot_results(
    traject: Traject, n: int = 1, metingen: int = 2, *, published: bool = True
) -> None:
    """n more of each pilot result; every KPI gets `metingen` dated measurements."""
    pub = {"gepubliceerd": published}
    start = traject.kpis.count()
    for i in range(start, start + n):
        module = _reference(Ondersteuningsmodule, f"module {i}")
        GekozenModule.objects.create(
            traject=traject, module=module, resultaat=f"Resultaat {i}", **pub
        )
        Partner.objects.create(traject=traject, naam=f"Partner {i}", rol="Uitvoerder", **pub)
        definitie = _reference(KpiDefinitie, f"kpi {i}", eenheid="kg per inwoner")
        kpi = Kpi.objects.create(
            traject=traject,
            definitie=definitie,
            naam=f"KPI {i}",
            eenheid="kg per inwoner",
            nulwaarde=Decimal("131"),
            streefwaarde=Decimal("97"),
            **pub,
        )
        for d in range(metingen):
            Meting.objects.create(
                kpi=kpi,
                datum=date(2023, 1, 1) + timedelta(days=d),
                waarde=Decimal(120 - d),
                **pub,
            )


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
        kwargs["pk"] = _make_one(key, traject).pk
    elif name == "resultaten_meting_nieuw":
        kpi = Kpi.objects.create(traject=pilot, naam="Bezoekers", eenheid="per jaar")
        kwargs["kpi_pk"] = kpi.pk
    return kwargs


def _make_one(key: str, traject: Traject):
    if key == "initiatief":
        return LopendInitiatief.objects.create(traject=traject, naam="Repaircafé")
    if key == "beleidsactie":
        return Beleidsactie.objects.create(traject=traject, titel="Circulair aankopen")
    if key == "pilotkandidaat":
        return Pilotkandidaat.objects.create(traject=traject, naam="Materialenbank")
    if key == "module":
        module = _reference(Ondersteuningsmodule, f"module voor {traject.slug}")
        return GekozenModule.objects.create(traject=traject, module=module)
    if key == "partner":
        return Partner.objects.create(traject=traject, naam="Kringwinkel")
    if key == "kpi":
        return Kpi.objects.create(traject=traject, naam="Bezoekers", eenheid="per jaar")
    raise KeyError(key)


def count_results() -> tuple[int, ...]:
    """Rows of every structured result and of their history, to prove nothing was saved."""
    models = [LopendInitiatief, Beleidsactie, Pilotkandidaat, GekozenModule, Partner, Kpi, Meting]
    rows = [m.objects.count() for m in models] + [m.history.count() for m in models]
    through = [Traject.prioritaire_actiedomeinen.through, Traject.beleidsinstrumenten.through]
    return (*rows, *(t.objects.count() for t in through), Traject.history.count())

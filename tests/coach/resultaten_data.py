"""Structured results for the tests: fill a trajectory with them, count them.

`fill_strategy_results` / `fill_pilot_results` give a trajectory results (published by
default); `count_results` proves a refused request saved nothing. The URLs of the results
pages, and the result a URL is about, are in tests/url_catalogue.py.
"""

from datetime import date, timedelta
from decimal import Decimal

from tests.url_catalogue import PILOOT, reference_term
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


def fill_strategy_results(traject: Traject, n: int = 1, *, published: bool = True) -> None:
    """n more of each strategy result, with their reference terms (published, by default)."""
    pub = {"gepubliceerd": published}
    start = traject.initiatieven.count()
    for i in range(start, start + n):
        domein = reference_term(Actiedomein, f"domein {i}")
        instrument = reference_term(Beleidsinstrument, f"instrument {i}")
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
        module = reference_term(Ondersteuningsmodule, f"module {i}")
        GekozenModule.objects.create(
            traject=traject, module=module, resultaat=f"Resultaat {i}", **pub
        )
        Partner.objects.create(traject=traject, naam=f"Partner {i}", rol="Uitvoerder", **pub)
        definitie = reference_term(KpiDefinitie, f"kpi {i}", eenheid="kg per inwoner")
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


def count_results() -> tuple[int, ...]:
    """Rows of every structured result and of their history, to prove nothing was saved."""
    models = [LopendInitiatief, Beleidsactie, Pilotkandidaat, GekozenModule, Partner, Kpi, Meting]
    rows = [m.objects.count() for m in models] + [m.history.count() for m in models]
    through = [Traject.prioritaire_actiedomeinen.through, Traject.beleidsinstrumenten.through]
    return (*rows, *(t.objects.count() for t in through), Traject.history.count())

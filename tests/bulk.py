"""Many times the programme data, to check that a page's query count does not grow with it.

`multiply_programme(20)` adds 19 copies of every trajectory in the database, each with its own
besturen, an intercommunale with members, workshops in every state, coaching moments, updates,
structured results and KPI measurements. Text that must never be public (internal notes,
attendance, drafts, unpublished updates) carries the `secret` marker so a test can look for it.
`add_activity()` gives one trajectory the same activity.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from besturen.models import Bestuur, Lidmaatschap
from trajecten.markdown import render_markdown
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    Deelname,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Traject,
    Update,
)
from workshops.models import Coachingsmoment, Workshop

SECRET = "GEHEIM-7f3a"


def _report(text: str) -> dict:
    return {"verslag": text, "verslag_html": render_markdown(text)}


# Results made here stand for what a coach published (new results are concepts otherwise).
PUBLISHED = {"gepubliceerd": True}


def add_activity(traject: Traject, *, secret: str = SECRET, n: int = 0) -> None:
    """Workshops in every state, reports (published and draft), updates and results."""
    now = timezone.now()
    start = timezone.make_aware(datetime(2023, 1, 10, 14, 0))
    hidden = {
        "interne_notities": f"Interne notitie {secret}",
        "aanwezigen": f"Jan Peeters {secret}",
        "beslissingen": "Een beslissing die bij het verslag hoort.",
        "volgende_stappen": "Een volgende stap die bij het verslag hoort.",
    }
    workshops = {w.volgnummer: w for w in traject.workshops.all()}
    states = {
        1: {
            "status": Workshop.Status.GEHOUDEN,
            "gepubliceerd": True,
            "gepubliceerd_op": now,
            **_report(f"Openbaar verslag van workshop een, traject {n}."),
        },
        2: {
            "status": Workshop.Status.GEHOUDEN,
            "gepubliceerd": False,
            **_report(f"Ontwerp van verslag {secret}"),
        },
        3: {"status": Workshop.Status.GEPLAND, "gepland_op": now + timedelta(days=30)},
    }
    for volgnummer, fields in states.items():
        values = {
            "titel": f"Workshop {volgnummer}",
            "gepland_op": start + timedelta(days=40 * volgnummer),
            **hidden,
            **fields,
        }
        if volgnummer in workshops:
            Workshop.objects.filter(pk=workshops[volgnummer].pk).update(**values)
        else:
            Workshop.objects.create(traject=traject, volgnummer=volgnummer, **values)
    Workshop.objects.create(
        traject=traject, volgnummer=4, titel="Extra workshop", status=Workshop.Status.GEANNULEERD
    )
    Coachingsmoment.objects.bulk_create(
        [
            Coachingsmoment(
                traject=traject,
                onderwerp="Tussentijdse coaching",
                gepland_op=start + timedelta(days=20),
                status=Coachingsmoment.Status.GEHOUDEN,
                gepubliceerd=True,
                gepubliceerd_op=now,
                **_report("Openbaar coachingsverslag."),
                **hidden,
            ),
            Coachingsmoment(
                traject=traject,
                onderwerp="Nog niet gepubliceerd",
                gepland_op=start + timedelta(days=60),
                status=Coachingsmoment.Status.GEHOUDEN,
                **_report(f"Coachingsontwerp {secret}"),
                **hidden,
            ),
        ]
    )
    Update.objects.bulk_create(
        [
            Update(
                traject=traject,
                datum=date(2023, 2, 1),
                titel="Openbaar nieuws",
                tekst="Er is nieuws.",
                tekst_html=render_markdown("Er is nieuws."),
                gepubliceerd=True,
                gepubliceerd_op=now,
            ),
            Update(
                traject=traject,
                datum=date(2023, 3, 1),
                titel=f"Ontwerp-update {secret}",
                tekst=f"Nog niet klaar {secret}",
                tekst_html=render_markdown(f"Nog niet klaar {secret}"),
            ),
        ]
    )
    domeinen = list(Actiedomein.objects.all())
    if domeinen:
        traject.prioritaire_actiedomeinen.add(*domeinen[n % len(domeinen) :][:3])
    instrument = Beleidsinstrument.objects.first()
    if traject.soort == Traject.Soort.STRATEGIE:
        LopendInitiatief.objects.create(
            traject=traject,
            naam="Repaircafé",
            actiedomein=domeinen[0] if domeinen else None,
            **PUBLISHED,
        )
        Beleidsactie.objects.create(
            traject=traject, titel="Circulair aankopen", beleidsinstrument=instrument, **PUBLISHED
        )
        Pilotkandidaat.objects.create(
            traject=traject, naam="Materialenbank", stakeholders="Bouwsector", **PUBLISHED
        )
    else:
        for module in Ondersteuningsmodule.objects.all()[:3]:
            GekozenModule.objects.create(
                traject=traject, module=module, status=GekozenModule.Status.BEZIG, **PUBLISHED
            )
        Partner.objects.create(
            traject=traject, naam="Kringwinkel", status=Partner.Status.AAN_BOORD, **PUBLISHED
        )
        kpi = Kpi.objects.create(
            traject=traject,
            naam="Bezoekers",
            eenheid="aantal per jaar",
            nulwaarde=Decimal("1200"),
            streefwaarde=Decimal("2000"),
            **PUBLISHED,
        )
        Meting.objects.bulk_create(
            [
                Meting(kpi=kpi, datum=date(2023, m, 1), waarde=Decimal(1200 + 150 * m), **PUBLISHED)
                for m in range(1, 6)
            ]
        )


def multiply_programme(factor: int = 20, *, secret: str = SECRET) -> int:
    """Add `factor - 1` copies of every trajectory; returns the number of trajectories then."""
    originals = list(Traject.objects.prefetch_related("deelnames__bestuur"))
    members = list(Bestuur.objects.filter(lid_van__isnull=False).distinct()[:5])
    for copy in range(1, factor):
        for index, original in enumerate(originals):
            traject = Traject.objects.create(
                ronde=original.ronde,
                soort=original.soort,
                titel=f"{original.titel} (kopie {copy})",
                slug=f"{original.slug}-kopie-{copy}",
                samenvatting=original.samenvatting,
                gepland_start=original.gepland_start,
                gepland_einde=original.gepland_einde,
            )
            for deelname in original.deelnames.all():
                bron = deelname.bestuur
                bestuur = Bestuur.objects.create(
                    naam=f"{bron.naam} (kopie {copy})",
                    korte_naam=f"{bron.korte_naam} {copy}",
                    slug=f"{bron.slug}-kopie-{copy}",
                    soort=bron.soort,
                    provincie=bron.provincie,
                    breedtegraad=(bron.breedtegraad or Decimal("51")) + Decimal(copy) / 100,
                    lengtegraad=(bron.lengtegraad or Decimal("4")) + Decimal(index) / 100,
                )
                Deelname.objects.create(traject=traject, bestuur=bestuur, rol=deelname.rol)
                if bestuur.is_intercommunale:
                    Lidmaatschap.objects.bulk_create(
                        [Lidmaatschap(intercommunale=bestuur, lid=lid) for lid in members]
                    )
            add_activity(traject, secret=secret, n=copy * 10 + index)
    return Traject.objects.count()

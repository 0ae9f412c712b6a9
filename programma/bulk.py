"""The programme at many times its size: copies of every trajectory, for benchmarks and tests.

`load_bulk(scale=20)` adds copies until every original trajectory exists `scale` times. As
`manage.py load_bulk` and the benchmarks use it, each copy keeps the original's besturen (so a
bestuur page lists `scale` times as many trajectories) and gets its own published activity:
workshops with reports, a coaching moment, updates and structured results, written with
bulk_create. Two options make the copies what the tests need to check that a page's query count
does not grow with the data:

- `own_besturen=True`: each copy takes part with copies of the original's besturen (their own
  name, slug and coordinates; a copied intercommunale has members), so lists of besturen and the
  map grow as well;
- `every_state=True`: each copy gets `add_activity` instead: workshops in every state, published
  and draft reports, a cancelled workshop, unpublished updates and structured results, where all
  text no public page may show carries `SECRET`, so a test can look for it.

Copies (trajectories and besturen) are recognisable by the slug suffix `-bulk-<n>`; a second
call adds only what is missing, and `remove_bulk` deletes them again.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from besturen.models import Bestuur, Lidmaatschap
from lokaal import fragmenten
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

BULK_MARK = "-bulk-"
# Not a credential: marks the text no public page may show (internal notes, attendance, drafts).
SECRET = "GEHEIM-7f3a"  # noqa: S105
REPORT = (
    "In deze workshop bespraken de deelnemers de stand van zaken.\n\n"
    "- wat loopt er al\n- wat willen we verder uitbouwen\n- wie trekt welke actie\n\n"
    "De volgende stap is een gesprek met de betrokken diensten."
)
# Results made here stand for what a coach published (new results are concepts otherwise).
PUBLISHED = {"gepubliceerd": True}


@transaction.atomic
def load_bulk(
    *,
    scale: int = 20,
    own_besturen: bool = False,
    every_state: bool = False,
) -> int:
    """Add copies until every original trajectory exists `scale` times; returns copies added."""
    originals = list(
        Traject.objects.exclude(slug__contains=BULK_MARK).prefetch_related("deelnames__bestuur")
    )
    members = list(Bestuur.objects.filter(lid_van__isnull=False).distinct()[:5])
    now = timezone.now()
    html = render_markdown(REPORT)
    added = 0
    for index, original in enumerate(originals):
        for n in range(1, scale):
            slug = f"{original.slug[: 100 - 10]}{BULK_MARK}{n}"
            if Traject.objects.filter(slug=slug).exists():
                continue
            copy = Traject.objects.create(
                ronde_id=original.ronde_id,
                soort=original.soort,
                titel=f"{original.titel} (kopie {n})",
                slug=slug,
                samenvatting=original.samenvatting,
                ambitie=original.ambitie,
                gepland_start=original.gepland_start,
                gepland_einde=original.gepland_einde,
                gestopt=original.gestopt,
            )
            Deelname.objects.bulk_create(
                Deelname(
                    traject=copy,
                    bestuur_id=(
                        _bestuur_copy(d.bestuur, n, index, members).pk
                        if own_besturen
                        else d.bestuur_id
                    ),
                    rol=d.rol,
                )
                for d in original.deelnames.all()
            )
            if every_state:
                add_activity(copy, n=n * 10 + index)
            else:
                _add_published_activity(copy, now=now, html=html)
            added += 1
    fragmenten.bump_all()  # bulk writes send no signals
    return added


@transaction.atomic
def remove_bulk() -> int:
    """Delete every copy (and what belongs to it); returns the rows deleted."""
    removed = Traject.objects.filter(slug__contains=BULK_MARK).delete()[0]
    removed += Bestuur.objects.filter(slug__contains=BULK_MARK).delete()[0]
    fragmenten.bump_all()  # bulk writes send no signals
    return removed


def _bestuur_copy(source: Bestuur, n: int, index: int, members: list[Bestuur]) -> Bestuur:
    """Copy `n` of a bestuur, made once; placed beside the original on the map."""
    bestuur, created = Bestuur.objects.get_or_create(
        slug=f"{source.slug[: 100 - 10]}{BULK_MARK}{n}",
        defaults={
            "naam": f"{source.naam[:180]} (kopie {n})",
            "korte_naam": f"{source.korte_naam[:70]} {n}",
            "soort": source.soort,
            "provincie": source.provincie,
            "breedtegraad": (source.breedtegraad or Decimal("51")) + Decimal(n) / 100,
            "lengtegraad": (source.lengtegraad or Decimal("4")) + Decimal(index) / 100,
        },
    )
    if created and bestuur.is_intercommunale:
        Lidmaatschap.objects.bulk_create(
            Lidmaatschap(intercommunale=bestuur, lid=lid) for lid in members
        )
    return bestuur


def _add_published_activity(traject: Traject, *, now: datetime, html: str) -> None:
    """What the benchmarks render: published workshops, coaching, updates and results."""
    start = timezone.make_aware(datetime.combine(traject.gepland_start, datetime.min.time()))
    Workshop.objects.bulk_create(
        Workshop(
            traject=traject,
            volgnummer=v,
            titel=f"Workshop {v}",
            thema="Een thema",
            gepland_op=start + timedelta(days=40 * v),
            status=Workshop.Status.GEHOUDEN if v < 3 else Workshop.Status.GEPLAND,
            verslag=REPORT if v < 3 else "",
            verslag_html=html if v < 3 else "",
            gepubliceerd=v < 3,
            gepubliceerd_op=now if v < 3 else None,
        )
        for v in (1, 2, 3)
    )
    Coachingsmoment.objects.create(
        traject=traject,
        onderwerp="Tussentijdse coaching",
        gepland_op=start + timedelta(days=60),
        status=Coachingsmoment.Status.GEHOUDEN,
        verslag=REPORT,
        verslag_html=html,
        gepubliceerd=True,
        gepubliceerd_op=now,
    )
    Update.objects.bulk_create(
        Update(
            traject=traject,
            datum=date(2023, 1, 1) + timedelta(days=k * 20),
            titel=f"Nieuws {k}",
            tekst=REPORT,
            tekst_html=html,
            gepubliceerd=True,
            gepubliceerd_op=now,
        )
        for k in (1, 2)
    )
    LopendInitiatief.objects.bulk_create(
        LopendInitiatief(traject=traject, naam=f"Initiatief {k}", gepubliceerd=True)
        for k in range(3)
    )
    Partner.objects.bulk_create(
        Partner(traject=traject, naam=f"Partner {k}", gepubliceerd=True) for k in range(2)
    )
    kpi = Kpi.objects.create(
        traject=traject, naam="Hergebruikte materialen", eenheid="kg", gepubliceerd=True
    )
    Meting.objects.bulk_create(
        Meting(kpi=kpi, datum=date(2023, m, 1), waarde=10 * m, gepubliceerd=True) for m in (1, 2, 3)
    )


def _report(text: str) -> dict:
    return {"verslag": text, "verslag_html": render_markdown(text)}


def add_activity(traject: Traject, *, secret: str = SECRET, n: int = 0) -> None:
    """Workshops in every state, reports (published and draft), updates and results.

    Workshops 1 to 3 of `traject` are overwritten (held and published, held with a draft
    report, planned) and a cancelled fourth is added; internal notes, attendance, drafts and
    the unpublished update carry `secret`. `n` varies the priority action domains.
    """
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

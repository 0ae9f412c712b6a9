"""The programme at many times its size, for benchmarks: copies of every trajectory.

Each copy keeps the original's besturen (so a bestuur page lists `scale` times as many
trajectories), gets its own workshops with published reports, a coaching moment, updates and
structured results. Copies are recognisable by the slug suffix `-bulk-<n>`; `remove_bulk`
deletes them again. Rows are written with bulk_create, so one content-version bump follows.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from trajecten.markdown import render_markdown
from trajecten.models import Deelname, Kpi, LopendInitiatief, Meting, Partner, Traject, Update
from workshops.models import Coachingsmoment, Workshop

BULK_MARK = "-bulk-"
REPORT = (
    "In deze workshop bespraken de deelnemers de stand van zaken.\n\n"
    "- wat loopt er al\n- wat willen we verder uitbouwen\n- wie trekt welke actie\n\n"
    "De volgende stap is een gesprek met de betrokken diensten."
)


@transaction.atomic
def load_bulk(*, scale: int = 20) -> int:
    """Add copies until every original trajectory exists `scale` times; returns rows added."""
    originals = list(
        Traject.objects.exclude(slug__contains=BULK_MARK).prefetch_related("deelnames")
    )
    now = timezone.now()
    html = render_markdown(REPORT)
    added = 0
    for original in originals:
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
                Deelname(traject=copy, bestuur_id=d.bestuur_id, rol=d.rol)
                for d in original.deelnames.all()
            )
            start = timezone.make_aware(
                timezone.datetime.combine(original.gepland_start, timezone.datetime.min.time())
            )
            Workshop.objects.bulk_create(
                Workshop(
                    traject=copy,
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
                traject=copy,
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
                    traject=copy,
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
                LopendInitiatief(traject=copy, naam=f"Initiatief {k}", gepubliceerd=True)
                for k in range(3)
            )
            Partner.objects.bulk_create(
                Partner(traject=copy, naam=f"Partner {k}", gepubliceerd=True) for k in range(2)
            )
            kpi = Kpi.objects.create(
                traject=copy, naam="Hergebruikte materialen", eenheid="kg", gepubliceerd=True
            )
            Meting.objects.bulk_create(
                Meting(kpi=kpi, datum=date(2023, m, 1), waarde=10 * m, gepubliceerd=True)
                for m in (1, 2, 3)
            )
            added += 1
    return added


@transaction.atomic
def remove_bulk() -> int:
    removed = Traject.objects.filter(slug__contains=BULK_MARK).delete()[0]
    return removed

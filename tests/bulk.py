"""Grow the programme data many times over, to prove query counts do not depend on it."""

from datetime import date, timedelta

from django.utils import timezone

from besturen.models import Bestuur, Lidmaatschap
from trajecten.markdown import render_markdown
from trajecten.models import Deelname, Ronde, Traject, Update
from workshops.models import Bijlage, Coachingsmoment, Workshop


def multiply_programme(factor: int = 20) -> None:
    """Add (factor - 1) copies of every trajectory with besturen, reports and updates.

    Expects the programme to be loaded. Each copy gets published and unpublished reports,
    coaching moments, updates and attachments, so every public page has more of everything.
    """
    ronde = Ronde.objects.get()
    originals = list(Traject.objects.all())
    now = timezone.now()
    intercommunale = Bestuur.objects.filter(soort=Bestuur.Soort.INTERCOMMUNALE).first()
    for copy in range(1, factor):
        besturen = Bestuur.objects.bulk_create(
            Bestuur(
                naam=f"Bulkbestuur {copy}-{i}",
                korte_naam=f"Bulk {copy}-{i}",
                slug=f"bulk-{copy}-{i}",
                soort=Bestuur.Soort.GEMEENTE,
                provincie="antwerpen",
                nis_code=f"9{copy:02d}{i:02d}",
                breedtegraad=51,
                lengtegraad=4,
            )
            for i in range(len(originals) + 1)
        )
        Lidmaatschap.objects.bulk_create(
            Lidmaatschap(intercommunale=intercommunale, lid=bestuur) for bestuur in besturen
        )
        trajecten = Traject.objects.bulk_create(
            Traject(
                ronde=ronde,
                soort=original.soort,
                titel=f"{original.titel} ({copy})",
                slug=f"{original.slug}-{copy}",
                gepland_start=original.gepland_start,
                gepland_einde=original.gepland_einde,
                status=Traject.Status.LOPEND,
            )
            for original in originals
        )
        Deelname.objects.bulk_create(
            [Deelname(traject=t, bestuur=besturen[i]) for i, t in enumerate(trajecten)]
            + [
                Deelname(traject=t, bestuur=besturen[i + 1], rol=Deelname.Rol.PARTNER)
                for i, t in enumerate(trajecten)
            ]
        )
        html = render_markdown("Een **verslag** met wat uitleg.")
        workshops = Workshop.objects.bulk_create(
            Workshop(
                traject=t,
                volgnummer=n,
                titel=f"Workshop {n}",
                gepland_op=now - timedelta(days=30 * (4 - n)),
                status=Workshop.Status.GEHOUDEN if n < 3 else Workshop.Status.GEPLAND,
                verslag="Een **verslag** met wat uitleg.",
                verslag_html=html,
                interne_notities="intern",
                gepubliceerd=n < 3,
                gepubliceerd_op=now if n < 3 else None,
            )
            for t in trajecten
            for n in (1, 2, 3)
        )
        Coachingsmoment.objects.bulk_create(
            Coachingsmoment(
                traject=t,
                onderwerp="Coaching",
                gepland_op=now - timedelta(days=10),
                status=Coachingsmoment.Status.GEHOUDEN,
                verslag="Kort verslag",
                verslag_html=render_markdown("Kort verslag"),
                gepubliceerd=True,
                gepubliceerd_op=now,
            )
            for t in trajecten
        )
        Update.objects.bulk_create(
            Update(
                traject=t,
                datum=date(2023, 1, 1) + timedelta(days=copy),
                titel="Nieuws",
                tekst="Nieuws",
                tekst_html="<p>Nieuws</p>",
                gepubliceerd=True,
                gepubliceerd_op=now,
            )
            for t in trajecten
        )
        Bijlage.objects.bulk_create(
            Bijlage(
                workshop=w,
                titel="Verslag (pdf)",
                bestand="bijlagen/bulk.pdf",
                mime_type="application/pdf",
                grootte=1000,
                is_publiek=True,
            )
            for w in workshops
        )

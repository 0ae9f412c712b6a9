from django.db import DatabaseError

from lokaal import fragmenten
from trajecten.models import Update
from workshops.models import Coachingsmoment, Workshop


def _demo_content_present() -> bool:
    return (
        Workshop.objects.filter(is_demo=True)
        .values("pk")
        .union(Coachingsmoment.objects.filter(is_demo=True).values("pk"))
        .union(Update.objects.filter(is_demo=True).values("pk"))
        .exists()
    )


def _demo_content_present_or_unknown() -> bool:
    # Kept under the generation of all content (lokaal/fragmenten.py): every page asks.
    # An error page (a 404 while the database is down) must render without the database.
    try:
        return fragmenten.kept(
            "demo-aanwezig", [fragmenten.INHOUD], lambda: (_demo_content_present(), None)
        )
    except DatabaseError:
        return False


def portal(request):
    """What every page needs: whether illustrative demo content is on the site."""
    return {"demo_content_present": _demo_content_present_or_unknown}

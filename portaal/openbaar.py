"""What of a trajectory the public may see, in one place for the pages and the open data.

Reports and updates carry their own published flag. The structured results (modules, pilot
candidates, KPIs, ...) have none: they become public together with the trajectory's first
published report or update, so a coach's half-filled forms never show before that.
"""

from django.db.models import Exists, OuterRef, Q

from trajecten.models import Traject, Update
from workshops.models import Coachingsmoment, Workshop


def _published(model, **extra):
    return model.objects.filter(traject=OuterRef("pk"), gepubliceerd=True, **extra)


def public_content_filter() -> Q:
    """A filter on Traject: it has at least one published report or update."""
    return (
        Q(Exists(_published(Workshop).exclude(verslag_html="")))
        | Q(Exists(_published(Coachingsmoment).exclude(verslag_html="")))
        | Q(Exists(_published(Update)))
    )


def trajecten_with_public_content():
    return Traject.objects.filter(public_content_filter())


def has_public_content(traject: Traject) -> bool:
    """The same rule for one trajectory loaded with `Traject.objects.with_progress()`."""
    return traject.has_public_content

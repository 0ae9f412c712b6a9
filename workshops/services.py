from django.db import transaction

from trajecten.models import Traject
from workshops.models import SjabloonWorkshop, Workshop


@transaction.atomic
def plan_workshops_from_template(*, traject: Traject) -> list[Workshop]:
    """Plan the workshops of the trajectory's track template that it does not have yet.

    Existing workshops are left as they are, so this is safe to run again.
    """
    existing = set(traject.workshops.values_list("volgnummer", flat=True))
    created = [
        Workshop(
            traject=traject,
            volgnummer=stap.volgnummer,
            titel=stap.titel,
            thema=stap.thema,
        )
        for stap in SjabloonWorkshop.objects.filter(soort=traject.soort)
        if stap.volgnummer not in existing
    ]
    for workshop in created:
        workshop.save()
    return created

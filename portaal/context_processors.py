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


def portal(request):
    """What every page needs: whether illustrative demo content is on the site."""
    return {"demo_content_present": _demo_content_present}

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from trajecten.models import Ronde, Traject
from trajecten.voortgang import RondeFase, ronde_samenvatting
from workshops.nieuws import public_items

NEWS_ON_HOME = 5


def current_ronde(rondes: list[Ronde]) -> Ronde | None:
    """The running round, else the latest (rounds are ordered newest first)."""
    return next((r for r in rondes if r.fase == RondeFase.LOPEND), rondes[0] if rondes else None)


def _ronde_context(ronde: Ronde | None, rondes: list[Ronde]) -> dict:
    """What home and a round's own page show: the cards, the summary and the news."""
    trajecten = list(Traject.objects.filter(ronde=ronde).with_progress()) if ronde else []
    tracks = {soort: [t for t in trajecten if t.soort == soort] for soort in Traject.Soort.values}
    news = public_items(traject_filter=Q(traject__ronde=ronde), limit=NEWS_ON_HOME) if ronde else []
    return {
        "ronde": ronde,
        "andere_rondes": [r for r in rondes if r != ronde],
        "samenvatting": ronde_samenvatting(trajecten) if trajecten else [],
        "strategie": tracks[Traject.Soort.STRATEGIE],
        "pilootproject": tracks[Traject.Soort.PILOOTPROJECT],
        "nieuws": news,
    }


def _rondes() -> list[Ronde]:
    return list(Ronde.objects.prefetch_related("extra_besturen"))


@require_safe
def home(request):
    rondes = _rondes()
    context = _ronde_context(current_ronde(rondes), rondes)
    return render(request, "portaal/home.html", context)


@require_safe
def ronde_list(request):
    rondes = list(Ronde.objects.all())
    return render(
        request, "portaal/ronde_list.html", {"rondes": rondes, "huidige": current_ronde(rondes)}
    )


@require_safe
def ronde_detail(request, slug):
    rondes = _rondes()
    ronde = next((r for r in rondes if r.slug == slug), None)
    if ronde is None:
        raise Http404("Deze ronde bestaat niet.")
    context = _ronde_context(ronde, rondes)
    return render(request, "portaal/ronde_detail.html", context)

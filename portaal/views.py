from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lokaal import fragmenten
from trajecten.models import Ronde, Traject
from trajecten.templatetags.traject_kaart import cards
from trajecten.voortgang import RondeFase, ronde_samenvatting
from workshops.nieuws import public_items

NEWS_ON_HOME = 5
# Cards per track on the home and round pages; the rest is one link away in the list, so a
# page does not grow with the number of participants. The real round fits on the page.
CARDS_PER_TRACK = 6


def current_ronde(rondes: list[Ronde]) -> Ronde | None:
    """The running round, else the latest (rounds are ordered newest first)."""
    return next((r for r in rondes if r.fase == RondeFase.LOPEND), rondes[0] if rondes else None)


def _ronde_context(ronde: Ronde | None, rondes: list[Ronde]) -> dict:
    """What home and a round's own page show: the summary, the first cards of each track and
    a link to the rest, and the news."""
    context: dict[str, Any] = {
        "ronde": ronde,
        "andere_rondes": [r for r in rondes if r != ronde],
        "samenvatting": [],
        "nieuws": [],
        **{soort: [] for soort in Traject.Soort.values},
        **{f"{soort}_aantal": 0 for soort in Traject.Soort.values},
    }
    if ronde is None:
        return context
    in_ronde = Traject.objects.filter(ronde=ronde)

    # The summary reads every trajectory's progress: it is kept, with the news and which cards
    # to show, under the round's generation until a date in it passes (lokaal/fragmenten.py).
    loaded: list[Traject] = []

    def build() -> tuple[dict[str, Any], datetime | None]:
        trajecten = loaded[:] = list(in_ronde.with_progress())
        getoond: dict[str, list[int]] = {}
        value: dict[str, Any] = {
            "samenvatting": ronde_samenvatting(trajecten) if trajecten else [],
            "nieuws": public_items(traject_filter=Q(traject__ronde=ronde), limit=NEWS_ON_HOME)
            if trajecten
            else [],
            "getoond": getoond,
        }
        for soort in Traject.Soort.values:
            pks = [t.pk for t in trajecten if t.soort == soort]
            value[f"{soort}_aantal"] = len(pks)
            getoond[soort] = pks[:CARDS_PER_TRACK]
        return value, fragmenten.moments_until(m for t in trajecten for m in t.momenten)

    kept = fragmenten.kept(f"ronde-overzicht-{ronde.pk}", [fragmenten.ronde_scope(ronde.pk)], build)
    context.update(kept)
    # The cards are kept per trajectory: no row is read unless a card must be rendered (then
    # those just loaded with their progress serve).
    shown = [pk for pks in kept["getoond"].values() for pk in pks]
    html = cards(shown, {t.pk: t for t in loaded} if loaded else None)
    for soort, pks in kept["getoond"].items():
        context[soort] = [html[pk] for pk in pks if pk in html]
    return context


def _rondes() -> list[Ronde]:
    """Every round with the besturen named beside its participants, kept with the site's
    reference data (lokaal/fragmenten.py)."""
    return fragmenten.kept(
        "rondes", [], lambda: (list(Ronde.objects.prefetch_related("extra_besturen")), None)
    )


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

from typing import Any

from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from besturen.filters import BestuurFilter
from besturen.models import Bestuur, Lidmaatschap
from lokaal import fragmenten
from lokaal.paginering import InvalidPageNumber, page_number, page_of

# Trajectory cards per page of a bestuur: an intercommunale takes part round after round.
TRAJECTEN_PER_PAGE = 12
# Trajectory titles per bestuur on the list; the bestuur's own page has them all.
TITELS_PER_BESTUUR = 3


@require_safe
def bestuur_list(request):
    # Reached through the relation: besturen does not import trajecten.
    deelname: Any = Bestuur._meta.get_field("deelnames").related_model
    latest = deelname.objects.select_related("traject").order_by(
        "-traject__ronde__start", "traject__titel", "pk"
    )
    besturen = Bestuur.objects.annotate(
        aantal_trajecten=Count("deelnames", distinct=True)
    ).prefetch_related(
        # The latest few per bestuur, limited in the database: the list stays the same size
        # however many rounds a bestuur takes part in.
        Prefetch("deelnames", queryset=latest[:TITELS_PER_BESTUUR], to_attr="laatste_deelnames"),
        "genoemd_in_rondes",
        Prefetch("lid_van", queryset=Lidmaatschap.objects.select_related("intercommunale")),
    )
    filterset = BestuurFilter(request.GET, queryset=besturen)
    if not filterset.is_valid():
        # An unknown filter value is answered plainly instead of silently showing everything.
        return render(
            request,
            "besturen/bestuur_list.html",
            {"filter": filterset, "invalid_filter": True},
            status=400,
        )
    groups: dict[str, list[Bestuur]] = {"deelnemers": [], "genoemd": [], "leden": []}
    for bestuur in filterset.qs:
        if bestuur.laatste_deelnames:
            bestuur.meer_trajecten = bestuur.aantal_trajecten - len(bestuur.laatste_deelnames)
            groups["deelnemers"].append(bestuur)
        elif bestuur.genoemd_in_rondes.all():
            groups["genoemd"].append(bestuur)
        else:
            groups["leden"].append(bestuur)
    return render(
        request,
        "besturen/bestuur_list.html",
        {"filter": filterset, **groups},
    )


@require_safe
def bestuur_detail(request, slug):
    try:
        number = page_number(request)
    except InvalidPageNumber as exc:
        return render(request, "400.html", {"melding": exc.message}, status=400)
    # The bestuur with its rounds and memberships, kept with the site's data
    # (lokaal/fragmenten.py); an unknown address is asked again each time.
    bestuur = fragmenten.kept(
        f"bestuur:{slug}",
        [],
        lambda: (
            Bestuur.objects.prefetch_related(
                "genoemd_in_rondes",
                Prefetch("lidmaatschappen", queryset=Lidmaatschap.objects.select_related("lid")),
                Prefetch("lid_van", queryset=Lidmaatschap.objects.select_related("intercommunale")),
            )
            .filter(slug=slug)
            .first(),
            None,
        ),
    )
    if bestuur is None:
        raise Http404("Dit bestuur bestaat niet.")
    # Reached through the reverse relation: besturen does not import trajecten.
    # Rows only: their cards are kept per trajectory (the template's `met_kaarten`).
    trajecten = bestuur.trajecten.select_related("ronde").order_by(
        "-ronde__start", "soort", "titel"
    )
    page = page_of(trajecten, TRAJECTEN_PER_PAGE, number)
    return render(
        request,
        "besturen/bestuur_detail.html",
        {"bestuur": bestuur, "trajecten": page.object_list, "page": page},
    )

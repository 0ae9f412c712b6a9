from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from lokaal.paginering import InvalidPageNumber, page_number, page_of
from trajecten import services
from trajecten.filters import TrajectFilter
from trajecten.models import Ronde, Traject
from workshops import fragmenten

# Cards per page of the list: it grows with every round and participant.
TRAJECTEN_PER_PAGE = 24


@require_safe
def traject_list(request):
    filterset = TrajectFilter(request.GET, queryset=Traject.objects.with_progress())
    try:
        number = page_number(request)
    except InvalidPageNumber as exc:
        return render(
            request,
            "trajecten/traject_list.html",
            {"filter": filterset, "trajecten": [], "ongeldige_pagina": exc.message},
            status=400,
        )
    if not filterset.is_valid():
        # An unknown filter value is answered plainly instead of silently showing everything.
        return render(
            request,
            "trajecten/traject_list.html",
            {"filter": filterset, "trajecten": [], "invalid_filter": True},
            status=400,
        )
    slug = filterset.form.cleaned_data.get("ronde")
    ronde = Ronde.objects.filter(slug=slug).first() if slug else None
    # Only the trajectories of this page are loaded with their progress.
    page = page_of(filterset.qs, TRAJECTEN_PER_PAGE, number)
    return render(
        request,
        "trajecten/traject_list.html",
        {"filter": filterset, "trajecten": page.object_list, "page": page, "ronde": ronde},
    )


@require_safe
def traject_detail(request, slug):
    """A trajectory's public page. Its body (timeline, results, charts, participants, updates)
    is kept as a fragment under a digest of everything it shows and of the clock as its
    progress sees it (workshops/fragmenten.py): on a warm fragment the page costs the
    trajectory's row and the digest's one query. Per visitor are only the freshness, which
    moves with the hour, and the follow form with its CSRF token, both outside the fragment."""
    traject = get_object_or_404(Traject.objects.select_related("ronde"), slug=slug)
    name = f"traject:{traject.pk}"
    version = fragmenten.traject_version(traject)
    kept = fragmenten.get(name, version)
    if kept is None:
        kept = _traject_inhoud(traject)
        fragmenten.put(name, version, kept)
    html, last_updated = kept
    return render(
        request,
        "trajecten/traject_detail.html",
        {
            "traject": traject,
            "inhoud": mark_safe(html),  # rendered by our own template
            "bijgewerkt": {"last_updated": last_updated},
        },
    )


def _traject_inhoud(traject: Traject) -> tuple[str, object]:
    """The body of the page, rendered without the request, and when it was last updated.
    What it shows is loaded onto the row the page has already read."""
    lookups = (
        Traject.objects.with_progress()
        .with_coaches()
        .prefetch_related(
            "prioritaire_actiedomeinen",
            "beleidsinstrumenten",
            # Attachments are reached by name: trajecten does not import workshops.
            "workshops__bijlagen",
            "coachingsmomenten__bijlagen",
        )
        ._prefetch_related_lookups
    )
    prefetch_related_objects([traject], *lookups)
    # Structured results go public with the trajectory's first published content; only then
    # are they loaded (one query per kind of result, whatever their number).
    show_results = traject.is_openbaar
    if show_results:
        services.prefetch_results(traject)
        show_results = services.traject_has_results(traject)
    html = render_to_string(
        "trajecten/_traject_inhoud.html",
        {
            "traject": traject,
            "timeline": traject.voortgang.momenten,
            "toon_resultaten": show_results,
        },
    )
    return str(html), traject.last_updated

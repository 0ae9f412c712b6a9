from datetime import datetime

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from lokaal import fragmenten
from lokaal.paginering import InvalidPageNumber, page_number, page_of
from trajecten import services
from trajecten.filters import TrajectFilter
from trajecten.models import Ronde, Traject

# Cards per page of the list: it grows with every round and participant.
TRAJECTEN_PER_PAGE = 24


@require_safe
def traject_list(request):
    filterset = TrajectFilter(request.GET, queryset=Traject.objects.select_related("ronde"))
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
    # Only the rows of this page are loaded; their cards are kept per trajectory
    # (the template's `met_kaarten`).
    page = page_of(filterset.qs, TRAJECTEN_PER_PAGE, number)
    return render(
        request,
        "trajecten/traject_list.html",
        {
            "filter": filterset,
            "trajecten": page.object_list,
            "page": page,
            "ronde": ronde,
        },
    )


@require_safe
def traject_detail(request, slug):
    """A trajectory's public page. Its body (timeline, results, charts, participants, updates)
    is kept as a fragment under the trajectory's generation (lokaal/fragmenten.py) until a
    date in it passes: on a warm fragment the page costs the trajectory's row and one read
    from the cache. Per visitor are only the freshness, which moves with the hour, and the
    follow form with its CSRF token, both outside the fragment."""
    traject = get_object_or_404(Traject.objects.select_related("ronde"), slug=slug)
    html, last_updated = fragmenten.kept(
        f"traject:{traject.pk}",
        [fragmenten.traject_scope(traject.pk)],
        lambda: _traject_inhoud(traject),
    )
    return render(
        request,
        "trajecten/traject_detail.html",
        {
            "traject": traject,
            "inhoud": mark_safe(html),  # rendered by our own template
            "bijgewerkt": {"last_updated": last_updated},
        },
    )


def _traject_inhoud(traject: Traject) -> tuple[tuple[str, object], datetime | None]:
    """The body of the page, rendered without the request, and when it was last updated; and
    until when it reads the same. What it shows is loaded onto the row the page has read."""
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
    return (str(html), traject.last_updated), fragmenten.moments_until(traject.momenten)

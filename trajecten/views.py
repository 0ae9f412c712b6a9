from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lokaal.paginering import InvalidPageNumber, page_number, page_of
from trajecten import services
from trajecten.filters import TrajectFilter
from trajecten.models import Ronde, Traject

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
    traject = get_object_or_404(
        Traject.objects.with_progress()
        .with_coaches()
        .prefetch_related(
            "prioritaire_actiedomeinen",
            "beleidsinstrumenten",
            # Attachments are reached by name: trajecten does not import workshops.
            "workshops__bijlagen",
            "coachingsmomenten__bijlagen",
        ),
        slug=slug,
    )
    # Structured results go public with the trajectory's first published content; only then
    # are they loaded (one query per kind of result, whatever their number).
    show_results = traject.is_openbaar
    if show_results:
        services.prefetch_results(traject)
        show_results = services.traject_has_results(traject)
    return render(
        request,
        "trajecten/traject_detail.html",
        {
            "traject": traject,
            "timeline": traject.voortgang.momenten,
            "toon_resultaten": show_results,
        },
    )

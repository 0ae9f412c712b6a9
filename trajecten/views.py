from django.shortcuts import get_object_or_404, render

from trajecten.filters import TrajectFilter
from trajecten.models import Traject


def traject_list(request):
    filterset = TrajectFilter(request.GET, queryset=Traject.objects.with_progress())
    if not filterset.is_valid():
        # An unknown filter value is answered plainly instead of silently showing everything.
        return render(
            request,
            "trajecten/traject_list.html",
            {"filter": filterset, "trajecten": [], "invalid_filter": True},
            status=400,
        )
    return render(
        request,
        "trajecten/traject_list.html",
        {"filter": filterset, "trajecten": filterset.qs},
    )


def traject_detail(request, slug):
    traject = get_object_or_404(
        Traject.objects.with_progress().prefetch_related(
            "coaches",
            "prioritaire_actiedomeinen",
            "beleidsinstrumenten",
            # Attachments are reached by name: trajecten does not import workshops.
            "workshops__bijlagen",
            "coachingsmomenten__bijlagen",
        ),
        slug=slug,
    )
    return render(
        request,
        "trajecten/traject_detail.html",
        {"traject": traject, "timeline": traject.momenten},
    )

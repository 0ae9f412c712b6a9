from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from workshops.models import Bijlage, Workshop


@require_safe
def workshop_detail(request, slug, volgnummer):
    workshop = get_object_or_404(
        Workshop.objects.select_related("traject__ronde").prefetch_related("bijlagen"),
        traject__slug=slug,
        volgnummer=volgnummer,
    )
    traject = workshop.traject
    return render(
        request,
        "workshops/workshop_detail.html",
        {"workshop": workshop, "traject": traject, "voortgang": workshop.voortgang},
    )


@require_safe
def bijlage_download(request, pk):
    """Serve a public attachment of a published report; anything else is not found."""
    bijlage = get_object_or_404(
        Bijlage.objects.select_related("workshop", "coachingsmoment"), pk=pk
    )
    if not bijlage.is_public:
        raise Http404("Deze bijlage is niet publiek.")
    return serve_bijlage(bijlage, public=True)


def serve_bijlage(bijlage: Bijlage, *, public: bool = False) -> FileResponse:
    """A checked image is shown inline; any other file is a download with a safe type.

    The public gets a large image's downscaled copy when it has one; coaches get the original.
    """
    stored = bijlage.publieke_kopie if public and bijlage.publieke_kopie else bijlage.bestand
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("Het bestand van deze bijlage ontbreekt.") from None
    content_type = bijlage.mime_type if bijlage.is_afbeelding else "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=not bijlage.is_afbeelding,
        filename=bijlage.bestandsnaam or str(bijlage.bestand.name).rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

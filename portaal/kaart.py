"""The map of the participants, with the same information as a list for every visitor."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from besturen.models import Bestuur, Lidmaatschap
from trajecten.models import Deelname, Ronde, Update


def _progress_text(traject) -> str:
    """The same words as the trajectory's card: its state and what is known."""
    progress = traject.voortgang
    return f"{progress.kort}. {progress.samenvatting}"


def _bestuur_entry(bestuur: Bestuur, rol: str) -> dict:
    return {
        "naam": bestuur.naam,
        "url": bestuur.get_absolute_url(),
        "soort": bestuur.get_soort_display(),
        "provincie": bestuur.get_provincie_display() if bestuur.provincie else "",
        "rol": rol,
        "trajecten": [
            {
                "titel": d.traject.titel,
                "url": d.traject.get_absolute_url(),
                "spoor": d.traject.soort,
                "rol": d.get_rol_display().lower(),
                "voortgang": _progress_text(d.traject),
            }
            for d in bestuur.deelnames.all()
        ],
        "leden": [
            {"naam": m.lid.naam, "url": m.lid.get_absolute_url()}
            for m in bestuur.lidmaatschappen.all()
        ],
        "leden_toelichting": next(
            (m.toelichting for m in bestuur.lidmaatschappen.all() if not m.geverifieerd), ""
        ),
    }


def _spoor(entries: list[dict]) -> str:
    sporen = {t["spoor"] for entry in entries for t in entry["trajecten"]}
    if not sporen:
        return "genoemd"
    return sporen.pop() if len(sporen) == 1 else "beide"


def map_data(besturen: list[Bestuur]) -> tuple[list[dict], list[dict], list[dict]]:
    """The participants and mentioned besturen, their map points, and member-only points.

    Besturen at the same spot (a city and its economic agency) share one marker.
    """
    deelnemers: list[dict] = []
    punten: dict[tuple[float, float], list[dict]] = {}
    leden: list[dict] = []
    for bestuur in besturen:
        if bestuur.deelnames.all():
            rol = "deelnemer"
        elif bestuur.genoemd_in_rondes.all():
            rol = "genoemd"
        else:
            continue
        entry = _bestuur_entry(bestuur, rol)
        deelnemers.append(entry)
        if bestuur.point is not None:
            punten.setdefault(bestuur.point, []).append(entry)
    shown = set(punten)
    for bestuur in besturen:
        for lidmaatschap in bestuur.lidmaatschappen.all() if punten else []:
            lid = lidmaatschap.lid
            key = lid.point
            if key is not None and key not in shown:
                shown.add(key)
                leden.append(
                    {"lat": key[0], "lon": key[1], "naam": lid.naam, "url": lid.get_absolute_url()}
                )
    markers = [
        {"lat": lat, "lon": lon, "spoor": _spoor(entries), "besturen": entries}
        for (lat, lon), entries in punten.items()
    ]
    return deelnemers, markers, leden


@require_safe
def kaart(request):
    slug = request.GET.get("ronde")
    ronde = Ronde.objects.filter(slug=slug).first() if slug is not None else None
    if slug is not None and ronde is None:
        return HttpResponseBadRequest(
            f"De ronde ‘{slug[:60]}’ bestaat niet. Laat ?ronde= weg voor alle rondes.",
            content_type="text/plain; charset=utf-8",
        )
    deelnames = Deelname.objects.select_related("traject__ronde").order_by("traject__titel")
    if ronde is not None:
        deelnames = deelnames.filter(traject__ronde=ronde)
    besturen = list(
        Bestuur.objects.prefetch_related(
            Prefetch(
                "deelnames",
                queryset=deelnames.prefetch_related(
                    "traject__deelnames",
                    "traject__workshops",
                    "traject__coachingsmomenten",
                    Prefetch(
                        "traject__updates",
                        queryset=Update.objects.openbaar(),
                        to_attr="publieke_updates",
                    ),
                ),
            ),
            "genoemd_in_rondes",
            Prefetch(
                "lidmaatschappen",
                queryset=Lidmaatschap.objects.select_related("lid").order_by("lid__naam"),
            ),
        ).order_by("naam")
    )
    deelnemers, markers, leden = map_data(besturen)
    return render(
        request,
        "portaal/kaart.html",
        {
            "ronde": ronde,
            "deelnemers": [d for d in deelnemers if d["rol"] == "deelnemer"],
            "genoemd": [d for d in deelnemers if d["rol"] == "genoemd"],
            "kaart_data": {
                "tegels": settings.MAP_TILE_URL,
                "bronvermelding": settings.MAP_TILE_ATTRIBUTION,
                "punten": markers,
                "leden": leden,
            },
        },
    )

from django.shortcuts import render

from trajecten.models import Ronde, Traject, Update


def home(request):
    ronde = Ronde.objects.prefetch_related("extra_besturen").first()
    trajecten = list(Traject.objects.filter(ronde=ronde).with_progress()) if ronde else []
    tracks = {soort: [t for t in trajecten if t.soort == soort] for soort in Traject.Soort.values}
    updates = Update.objects.gepubliceerd().select_related("traject").order_by("-datum", "-id")[:5]
    return render(
        request,
        "portaal/home.html",
        {
            "ronde": ronde,
            "strategie": tracks[Traject.Soort.STRATEGIE],
            "pilootproject": tracks[Traject.Soort.PILOOTPROJECT],
            "updates": updates,
        },
    )

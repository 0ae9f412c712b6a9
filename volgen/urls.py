from django.urls import path
from django.views.decorators.http import require_safe

from volgen import feeds, kalender, views

app_name = "volgen"
urlpatterns = [
    path("feeds/nieuws.rss", require_safe(feeds.ProgrammeRss()), name="programma_rss"),
    path("feeds/nieuws.atom", require_safe(feeds.ProgrammeAtom()), name="programma_atom"),
    path("feeds/besturen/<slug:slug>.rss", require_safe(feeds.BestuurRss()), name="bestuur_rss"),
    path("feeds/besturen/<slug:slug>.atom", require_safe(feeds.BestuurAtom()), name="bestuur_atom"),
    path("feeds/trajecten/<slug:slug>.rss", require_safe(feeds.TrajectRss()), name="traject_rss"),
    path(
        "feeds/trajecten/<slug:slug>.atom", require_safe(feeds.TrajectAtom()), name="traject_atom"
    ),
    path("kalender/", kalender.kalender, name="kalender"),
    path("kalender/lokaal-circulair.ics", kalender.programme_ics, name="kalender_ics"),
    path("kalender/trajecten/<slug:slug>.ics", kalender.traject_ics, name="traject_ics"),
    path("volgen/besturen/<slug:slug>/", views.follow_bestuur, name="bestuur"),
    path("volgen/trajecten/<slug:slug>/", views.follow_traject, name="traject"),
    path("volgen/bevestigen/<str:token>/", views.confirm, name="bevestigen"),
    path("volgen/afmelden/<str:token>/", views.unsubscribe, name="afmelden"),
]

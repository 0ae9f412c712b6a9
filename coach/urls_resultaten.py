"""Structured results of one trajectory, under /coach/trajecten/<slug>/resultaten/."""

from django.urls import path

from coach.views import resultaten as views

PREFIX = "trajecten/<slug:slug>/resultaten/"

urlpatterns = [
    path(PREFIX, views.overview, name="resultaten"),
    path(f"{PREFIX}prioriteiten/", views.priorities, name="resultaten_prioriteiten"),
]

for onderdeel in views.ONDERDELEN.values():
    base = f"{PREFIX}{onderdeel.relation}/"
    kwargs = {"onderdeel": onderdeel.key}
    urlpatterns += [
        path(
            f"{base}nieuw/",
            views.result_form,
            kwargs,
            name=f"resultaten_{onderdeel.key}_nieuw",
        ),
        path(
            f"{base}<int:pk>/",
            views.result_form,
            kwargs,
            name=f"resultaten_{onderdeel.key}_bewerken",
        ),
        path(
            f"{base}<int:pk>/verwijderen/",
            views.result_delete,
            kwargs,
            name=f"resultaten_{onderdeel.key}_verwijderen",
        ),
        path(
            f"{base}<int:pk>/publicatie/",
            views.result_publication,
            kwargs,
            name=f"resultaten_{onderdeel.key}_publicatie",
        ),
    ]

METINGEN = f"{PREFIX}kpis/<int:kpi_pk>/metingen/"
urlpatterns += [
    path(f"{METINGEN}nieuw/", views.measurement_form, name="resultaten_meting_nieuw"),
    path(f"{METINGEN}<int:pk>/", views.measurement_form, name="resultaten_meting_bewerken"),
    path(
        f"{METINGEN}<int:pk>/verwijderen/",
        views.measurement_delete,
        name="resultaten_meting_verwijderen",
    ),
    path(
        f"{METINGEN}<int:pk>/publicatie/",
        views.measurement_publication,
        name="resultaten_meting_publicatie",
    ),
]

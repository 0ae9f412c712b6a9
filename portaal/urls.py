from django.urls import path

from portaal import catalogus, kaart, opendata, vergelijk, views, zoeken

app_name = "portaal"
urlpatterns = [
    path("", views.home, name="home"),
    path("rondes/", views.ronde_list, name="rondes"),
    path("rondes/<slug:slug>/", views.ronde_detail, name="ronde"),
    path("vergelijk/", vergelijk.vergelijk, name="vergelijk"),
    path("kaart/", kaart.kaart, name="kaart"),
    path("zoeken/", zoeken.zoeken, name="zoeken"),
    path("open-data/", opendata.open_data, name="open_data"),
    path(
        "open-data/catalogus.jsonld", catalogus.catalogue_jsonld, name="open_data_catalogue_jsonld"
    ),
    path("open-data/catalogus.ttl", catalogus.catalogue_turtle, name="open_data_catalogue_turtle"),
    path("open-data/<slug:slug>.csv", opendata.dataset_csv, name="open_data_csv"),
    path(
        "open-data/<slug:slug>.csv-metadata.json",
        catalogus.dataset_csv_metadata,
        name="open_data_csvw",
    ),
    path("open-data/<slug:slug>.json", opendata.dataset_json, name="open_data_json"),
]

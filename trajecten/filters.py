import django_filters

from trajecten.models import Traject


class TrajectFilter(django_filters.FilterSet):
    soort = django_filters.ChoiceFilter(choices=Traject.Soort.choices, empty_label="Alle sporen")
    status = django_filters.ChoiceFilter(
        choices=Traject.Status.choices, empty_label="Alle statussen", field_name="huidige_status"
    )

    class Meta:
        model = Traject
        fields = ["soort", "status"]

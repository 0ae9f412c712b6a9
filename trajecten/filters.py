import django_filters

from besturen.models import Provincie
from trajecten.models import Actiedomein, Traject


def _actiedomein_choices():
    return list(Actiedomein.objects.values_list("slug", "naam"))


class TrajectFilter(django_filters.FilterSet):
    soort = django_filters.ChoiceFilter(choices=Traject.Soort.choices, empty_label="Alle sporen")
    status = django_filters.ChoiceFilter(
        choices=Traject.Status.choices, empty_label="Alle statussen", field_name="huidige_status"
    )
    provincie = django_filters.ChoiceFilter(
        choices=Provincie.choices,
        empty_label="Alle provincies",
        method="filter_provincie",
        label="Provincie",
    )
    # Choices validated in Python (not a database lookup), so any odd value is a clean 400.
    actiedomein = django_filters.ChoiceFilter(
        choices=_actiedomein_choices,
        empty_label="Alle actiedomeinen",
        method="filter_actiedomein",
        label="Actiedomein",
    )

    class Meta:
        model = Traject
        fields = ["soort", "status", "provincie", "actiedomein"]

    def filter_provincie(self, queryset, name, value):
        return queryset.filter(deelnames__bestuur__provincie=value).distinct()

    def filter_actiedomein(self, queryset, name, value):
        return queryset.filter(prioritaire_actiedomeinen__slug=value).distinct()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

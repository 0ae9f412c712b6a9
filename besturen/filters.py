import django_filters
from django.apps import apps
from django.db.models import Q

from besturen.models import Bestuur, Provincie


def _ronde_choices():
    # A string model reference: besturen does not import trajecten.
    return list(apps.get_model("trajecten", "Ronde").objects.values_list("slug", "naam"))


class BestuurFilter(django_filters.FilterSet):
    ronde = django_filters.ChoiceFilter(
        choices=_ronde_choices,
        empty_label="Alle rondes",
        method="filter_ronde",
        label="Ronde",
    )
    soort = django_filters.ChoiceFilter(
        choices=Bestuur.Soort.choices, empty_label="Alle soorten", label="Soort"
    )
    provincie = django_filters.ChoiceFilter(
        choices=Provincie.choices, empty_label="Alle provincies", label="Provincie"
    )

    class Meta:
        model = Bestuur
        fields = ["ronde", "soort", "provincie"]

    def filter_ronde(self, queryset, name, value):
        """Besturen with a trajectory in the round, or named as its participants."""
        return queryset.filter(
            Q(deelnames__traject__ronde__slug=value) | Q(genoemd_in_rondes__slug=value)
        ).distinct()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

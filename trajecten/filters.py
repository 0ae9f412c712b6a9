import django_filters

from besturen.models import Provincie
from lokaal import fragmenten
from trajecten.models import Actiedomein, Ronde, Traject
from trajecten.voortgang import TrajectStaat


def _actiedomein_choices():
    # Reference data, kept with the site's (lokaal/fragmenten.py).
    return fragmenten.kept(
        "keuzes-actiedomein",
        [],
        lambda: (list(Actiedomein.objects.values_list("slug", "naam")), None),
    )


def ronde_choices():
    return fragmenten.kept(
        "keuzes-ronde", [], lambda: (list(Ronde.objects.values_list("slug", "naam")), None)
    )


def with_state(queryset, staat: str):
    """Trajectories in one derived state. The state is computed in Python (it depends on the
    round and today's date), so the filter keeps the pks of the rows that match."""
    rows = Traject.objects.with_progress().filter(pk__in=queryset.values("pk"))
    pks = [t.pk for t in rows if t.voortgang.staat == staat]
    return queryset.filter(pk__in=pks)


class TrajectFilter(django_filters.FilterSet):
    ronde = django_filters.ChoiceFilter(
        choices=ronde_choices, empty_label="Alle rondes", field_name="ronde__slug", label="Ronde"
    )
    soort = django_filters.ChoiceFilter(choices=Traject.Soort.choices, empty_label="Alle sporen")
    status = django_filters.ChoiceFilter(
        choices=TrajectStaat.choices,
        empty_label="Alle statussen",
        method="filter_status",
        label="Status",
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
        fields = ["ronde", "soort", "status", "provincie", "actiedomein"]

    def filter_status(self, queryset, name, value):
        return with_state(queryset, value)

    def filter_provincie(self, queryset, name, value):
        return queryset.filter(deelnames__bestuur__provincie=value).distinct()

    def filter_actiedomein(self, queryset, name, value):
        return queryset.filter(prioritaire_actiedomeinen__slug=value).distinct()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

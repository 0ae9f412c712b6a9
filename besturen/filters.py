import django_filters

from besturen.models import Bestuur, Provincie


class BestuurFilter(django_filters.FilterSet):
    soort = django_filters.ChoiceFilter(
        choices=Bestuur.Soort.choices, empty_label="Alle soorten", label="Soort"
    )
    provincie = django_filters.ChoiceFilter(
        choices=Provincie.choices, empty_label="Alle provincies", label="Provincie"
    )

    class Meta:
        model = Bestuur
        fields = ["soort", "provincie"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

"""Forms for a trajectory's structured results. They parse and validate; services write."""

from datetime import date

from django import forms
from django.utils import timezone

from coach.forms import VersionMixin
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Partner,
    Pilotkandidaat,
    Traject,
)

# Before this, a measurement date is a typing error rather than a measurement.
EARLIEST_MEASUREMENT = date(2000, 1, 1)


def _textarea_rows(form: forms.BaseForm) -> None:
    """Free texts open four lines high; their limit comes from the model field."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 4


def _decimal_inputs(form: forms.BaseForm, *names: str) -> None:
    """Accept the Flemish decimal comma (12,5) as well as a point."""
    for name in names:
        field = form.fields[name]
        field.localize = True
        field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
        field.widget.is_localized = True
        field.widget.is_required = field.required


class PrioriteitenForm(VersionMixin, forms.Form):
    actiedomeinen = forms.ModelMultipleChoiceField(
        queryset=Actiedomein.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Prioritaire actiedomeinen",
        help_text="De actiedomeinen waarop het bestuur zich wil toeleggen.",
    )
    beleidsinstrumenten = forms.ModelMultipleChoiceField(
        queryset=Beleidsinstrument.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Beleidsinstrumenten",
        help_text="De instrumenten waarmee het bestuur die domeinen wil versterken.",
    )


class ResultForm(VersionMixin, forms.ModelForm):
    """A result that belongs to one trajectory, which the view hands over."""

    context_names = ("traject",)

    def __init__(self, *args, traject: Traject, **kwargs):
        super().__init__(*args, **kwargs)
        self.traject = traject
        self.instance.traject = traject
        _textarea_rows(self)


class LopendInitiatiefForm(ResultForm):
    class Meta:
        model = LopendInitiatief
        fields = ["naam", "actiedomein", "eigenaar", "status"]
        labels = {"eigenaar": "Trekker", "actiedomein": "Actiedomein"}


class BeleidsactieForm(ResultForm):
    class Meta:
        model = Beleidsactie
        fields = ["titel", "omschrijving", "actiedomein", "beleidsinstrument"]


class PilotkandidaatForm(ResultForm):
    class Meta:
        model = Pilotkandidaat
        fields = ["naam", "omschrijving", "stakeholders", "vervolgtraject"]
        labels = {"vervolgtraject": "Vervolgtraject"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["vervolgtraject"]
        field.queryset = Traject.objects.filter(soort=Traject.Soort.PILOOTPROJECT)
        field.empty_label = "(Nog) geen pilootprojecttraject"
        field.error_messages["invalid_choice"] = (
            "Kies een bestaand pilootprojecttraject, of laat dit veld leeg."
        )


class GekozenModuleForm(ResultForm):
    class Meta:
        model = GekozenModule
        fields = ["module", "status", "resultaat"]
        labels = {"module": "Ondersteuningsmodule", "resultaat": "Wat het opleverde"}

    def clean_module(self):
        module = self.cleaned_data["module"]
        chosen = GekozenModule.objects.filter(traject=self.traject, module=module)
        if chosen.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                "Deze module is al gekozen voor dit traject. Pas die bestaande keuze aan."
            )
        return module


class PartnerForm(ResultForm):
    class Meta:
        model = Partner
        fields = ["naam", "rol", "status"]
        labels = {"rol": "Rol in het project"}


class KpiForm(ResultForm):
    class Meta:
        model = Kpi
        fields = ["definitie", "naam", "eenheid", "nulwaarde", "streefwaarde"]
        labels = {
            "definitie": "Uit de KPI-catalogus",
            "nulwaarde": "Nulwaarde (vertrekpunt)",
            "streefwaarde": "Streefwaarde",
        }
        help_texts = {
            "definitie": "Kies een KPI uit de catalogus; naam en eenheid worden dan "
            "overgenomen als u ze leeg laat. Laat leeg voor een eigen KPI.",
            "nulwaarde": "Een kommagetal mag, bv. 131,5. Een daling mag negatief zijn.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definitie"].empty_label = "Geen: een eigen KPI"
        self.fields["definitie"].error_messages["invalid_choice"] = (
            "Kies een KPI uit de catalogus, of laat dit veld leeg voor een eigen KPI."
        )
        self.fields["naam"].required = False
        self.fields["eenheid"].required = False
        _decimal_inputs(self, "nulwaarde", "streefwaarde")

    def clean(self):
        cleaned = super().clean()
        definitie: KpiDefinitie | None = cleaned.get("definitie")
        if definitie is not None:
            cleaned["naam"] = cleaned.get("naam") or definitie.naam
            cleaned["eenheid"] = cleaned.get("eenheid") or definitie.eenheid
        elif "definitie" in cleaned:  # a valid choice of "none": a custom KPI
            if not cleaned.get("naam") and "naam" not in self.errors:
                self.add_error("naam", "Geef de KPI een naam, of kies er een uit de catalogus.")
            if not cleaned.get("eenheid") and "eenheid" not in self.errors:
                self.add_error("eenheid", "Geef de eenheid op, bijvoorbeeld 'kg per inwoner'.")
        return cleaned


class MetingForm(VersionMixin, forms.ModelForm):
    context_names = ("kpi",)

    class Meta:
        model = Meting
        fields = ["datum", "waarde", "toelichting"]
        widgets = {"datum": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"datum": "Datum van de meting"}

    def __init__(self, *args, kpi: Kpi, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.instance.kpi = kpi
        _decimal_inputs(self, "waarde")
        self.fields["waarde"].label = f"Waarde ({kpi.eenheid})"

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum > timezone.localdate():
            raise forms.ValidationError("Een meting kan niet in de toekomst liggen.")
        if datum < EARLIEST_MEASUREMENT:
            raise forms.ValidationError(
                f"Een meting van vóór {EARLIEST_MEASUREMENT:%Y} is wellicht een tikfout."
            )
        existing = Meting.objects.filter(kpi=self.kpi, datum=datum).exclude(pk=self.instance.pk)
        if existing.exists():
            raise forms.ValidationError(
                f"Er is al een meting op {datum:%d-%m-%Y} voor deze KPI. "
                "Pas die meting aan of kies een andere datum."
            )
        return datum

"""Forms of the one page per workshop outcome: the moment (date, place, report, attachments),
the priorities, and the formsets of the structured results this moment produced.

They parse and validate; `coach.views.uitkomst` writes through the apps' services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.forms.models import BaseModelFormSet, modelformset_factory
from django.utils import timezone

from coach import forms_resultaten as results
from coach.forms import VerslagForm, _ScheduleMixin
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Traject,
)
from workshops import datums
from workshops.models import Coachingsmoment, Workshop

# Empty rows offered per kind of result: enough for one workshop's outcome in one save; after
# a save the page offers as many again.
EXTRA_ROWS = {
    "initiatieven": 3,
    "beleidsacties": 2,
    "pilotkandidaten": 2,
    "modules": 2,
    "partners": 2,
}


class _MomentUitkomstForm(VerslagForm, _ScheduleMixin):
    """Planning and report of one moment in one form: date, time, place, status, the report,
    and new attachments (several at once)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].help_text = "Leeg als de datum nog niet bekend is."
        self.fields["verslag"].widget.attrs["rows"] = 8
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form carries the token
        self.helper.layout = Layout(
            "versie",
            Fieldset(
                "Wanneer en waar",
                Div("datum", "uur", css_class="uitkomst-rij"),
                self.place_field,
                "status",
                "datum_buiten_periode",
            ),
            Fieldset("Verloop", "aanwezigen", "aantal_aanwezigen"),
            Fieldset("Verslag", "verslag", "beslissingen", "volgende_stappen"),
            Fieldset("Intern", "interne_notities"),
            Fieldset("Bijlagen toevoegen", "bestand", "bijlage_titel", "bijlage_publiek"),
        )

    @property
    def saved_fields(self) -> list[str]:
        return [*self._meta.fields, "gepland_op"]


class WorkshopUitkomstForm(_MomentUitkomstForm):
    place_field = "plaats"

    class Meta(VerslagForm.Meta):
        model = Workshop
        fields = [*VerslagForm.Meta.fields, "plaats"]

    def clean(self):
        cleaned = super().clean()
        when = self.instance.gepland_op
        if when and not self.errors:
            self.instance.traject = self.traject
            problem = datums.out_of_order(self.instance, self.instance.volgnummer, when)
            if problem:
                self.add_error("datum", problem)
        return cleaned


class CoachingsmomentUitkomstForm(_MomentUitkomstForm):
    place_field = "vorm"

    class Meta(VerslagForm.Meta):
        model = Coachingsmoment
        fields = [*VerslagForm.Meta.fields, "vorm"]


MOMENT_FORMS = {"workshop": WorkshopUitkomstForm, "coachingsmoment": CoachingsmomentUitkomstForm}


class PrioriteitenForm(results.PrioriteitenForm):
    """The priorities of strategy workshop 1, on the trajectory (one version for both lists)."""


# Structured results as rows of a formset.


class KpiRijForm(results.KpiForm):
    """A KPI with, optionally, a new measurement: the KPI and its first value in one save."""

    meting_datum = forms.DateField(
        required=False,
        label="Nieuwe meting: datum",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    meting_waarde = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, label="Nieuwe meting: waarde"
    )
    meting_toelichting = forms.CharField(
        required=False, max_length=300, label="Nieuwe meting: toelichting"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        results._decimal_inputs(self, "meting_waarde")
        self.fields[
            "meting_datum"
        ].help_text = "Vul datum en waarde in om een meting toe te voegen."

    def clean(self):
        cleaned = super().clean()
        day, value = cleaned.get("meting_datum"), cleaned.get("meting_waarde")
        if day is None and value is None:
            return cleaned
        if day is None and "meting_datum" not in self.errors:
            self.add_error("meting_datum", "Geef de datum van de meting.")
        if value is None and "meting_waarde" not in self.errors:
            self.add_error("meting_waarde", "Geef de gemeten waarde.")
        if day is not None:
            if day > timezone.localdate():
                self.add_error("meting_datum", "Een meting kan niet in de toekomst liggen.")
            elif day < results.EARLIEST_MEASUREMENT:
                self.add_error(
                    "meting_datum",
                    f"Een meting van vóór {results.EARLIEST_MEASUREMENT:%Y} is wellicht een "
                    "tikfout.",
                )
            elif self.instance.pk and Meting.objects.filter(kpi=self.instance, datum=day).exists():
                self.add_error(
                    "meting_datum",
                    f"Er is al een meting op {day:%d-%m-%Y} voor deze KPI. "
                    "Pas die meting aan of kies een andere datum.",
                )
        return cleaned

    def new_measurement(self) -> tuple[date, Decimal, str] | None:
        day, value = self.cleaned_data.get("meting_datum"), self.cleaned_data.get("meting_waarde")
        if day is None or value is None:
            return None
        return day, value, self.cleaned_data.get("meting_toelichting", "")


class MetingRijForm(results.MetingForm):
    """An existing measurement of one of the trajectory's KPIs."""

    def __init__(self, *args, traject=None, instance=None, **kwargs):
        if instance is None:  # a row the page did not offer (a forged form count)
            instance = Meting(kpi=Kpi(traject=traject, naam="", eenheid=""))
        super().__init__(*args, instance=instance, kpi=instance.kpi, **kwargs)

    def clean_datum(self):
        if self.instance.kpi.pk is None:  # no KPI to compare with; refused in clean()
            return self.cleaned_data["datum"]
        return super().clean_datum()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and self.has_changed():
            raise forms.ValidationError("Voeg een nieuwe meting toe bij de KPI zelf.")
        return cleaned


class ResultFormSet(BaseModelFormSet):
    """Rows of one kind of result of one trajectory; forms get the trajectory as `traject`."""

    def __init__(self, *args, traject: Traject, **kwargs):
        self.traject = traject
        super().__init__(*args, form_kwargs={"traject": traject}, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Verwijderen"

    def clean(self):
        super().clean()
        for form in self.forms[: self.initial_form_count()]:
            if form.instance.pk is None and form.has_changed():
                form.add_error(
                    None,
                    "Deze rij werd intussen door iemand anders verwijderd. Voeg ze opnieuw toe "
                    "in een lege rij als ze moet blijven.",
                )

    def changed_forms(self):
        """Rows to save: changed, valid and not marked for deletion."""
        return [
            form for form in self.forms if form.has_changed() and not self._should_delete_form(form)
        ]

    def forms_to_delete(self):
        return [form for form in self.deleted_forms if form.instance.pk is not None]


class ModuleFormSet(ResultFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            module = form.cleaned_data.get("module")
            if module is None:
                continue
            if module.pk in seen:
                form.add_error("module", "Deze module staat al in een andere rij.")
            seen.add(module.pk)


class MetingFormSet(ResultFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            key = (form.instance.kpi_id, form.cleaned_data.get("datum"))
            if key[1] is None:
                continue
            if key in seen:
                form.add_error("datum", "Twee metingen van deze KPI op dezelfde dag.")
            seen.add(key)


@dataclass(frozen=True)
class Section:
    label: str
    enkelvoud: str
    model: type
    form: type
    formset: type
    rows: Callable
    choices: dict


# What each kind of result needs on the page: its formset class, the rows it starts from,
# and the select fields whose choices are read once for every row.
SECTIONS = {
    "initiatieven": Section(
        label="Lopende initiatieven",
        enkelvoud="Initiatief",
        model=LopendInitiatief,
        form=results.LopendInitiatiefForm,
        formset=ResultFormSet,
        rows=lambda t: t.initiatieven.all(),
        choices={"actiedomein": lambda: Actiedomein.objects.all()},
    ),
    "beleidsacties": Section(
        label="Verkende beleidsacties",
        enkelvoud="Beleidsactie",
        model=Beleidsactie,
        form=results.BeleidsactieForm,
        formset=ResultFormSet,
        rows=lambda t: t.beleidsacties.all(),
        choices={
            "actiedomein": lambda: Actiedomein.objects.all(),
            "beleidsinstrument": lambda: Beleidsinstrument.objects.all(),
        },
    ),
    "pilotkandidaten": Section(
        label="Kandidaat-pilootprojecten",
        enkelvoud="Kandidaat",
        model=Pilotkandidaat,
        form=results.PilotkandidaatForm,
        formset=ResultFormSet,
        rows=lambda t: t.pilotkandidaten.all(),
        choices={
            "vervolgtraject": lambda: Traject.objects.filter(soort=Traject.Soort.PILOOTPROJECT)
        },
    ),
    "modules": Section(
        label="Gekozen ondersteuningsmodules",
        enkelvoud="Module",
        model=GekozenModule,
        form=results.GekozenModuleForm,
        formset=ModuleFormSet,
        rows=lambda t: t.modules.select_related("module"),
        choices={"module": lambda: Ondersteuningsmodule.objects.all()},
    ),
    "partners": Section(
        label="Partners",
        enkelvoud="Partner",
        model=Partner,
        form=results.PartnerForm,
        formset=ResultFormSet,
        rows=lambda t: t.partners.all(),
        choices={},
    ),
    "kpis": Section(
        label="KPI's",
        enkelvoud="KPI",
        model=Kpi,
        form=KpiRijForm,
        formset=ResultFormSet,
        rows=lambda t: t.kpis.all(),
        choices={"definitie": lambda: KpiDefinitie.objects.all()},
    ),
    "metingen": Section(
        label="Metingen",
        enkelvoud="Meting",
        model=Meting,
        form=MetingRijForm,
        formset=MetingFormSet,
        rows=lambda t: Meting.objects.filter(kpi__traject=t).select_related("kpi"),
        choices={},
    ),
}


def sections_for(traject: Traject, moment) -> list[str]:
    """The kinds of result this moment produces: by the workshop's number on a strategy track
    (1 priorities, 2 running initiatives, 3 policy actions and pilot candidates), everything
    of a pilot on a pilot track."""
    if traject.soort == Traject.Soort.PILOOTPROJECT:
        return ["modules", "partners", "kpis", "metingen"]
    if moment.kind != "workshop":
        return []
    return {
        1: ["prioriteiten"],
        2: ["initiatieven"],
        3: ["beleidsacties", "pilotkandidaten"],
    }.get(moment.volgorde, [])


def result_formset(key: str, traject: Traject, data=None):
    """The formset of one kind of result, its rows filtered to the trajectory."""
    section = SECTIONS[key]
    rows = section.rows(traject)
    # New measurements are added on their KPI's row; this formset edits the existing ones.
    extra = 0 if key == "metingen" else EXTRA_ROWS.get(key, 1)
    # A form count beyond what the page offered is cut off here, not trusted.
    limit = len(rows) + extra
    factory = modelformset_factory(
        section.model,
        form=section.form,
        formset=section.formset,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )
    formset = factory(data, queryset=rows, prefix=key, traject=traject)
    _share_choices(formset, section.choices)
    return formset


def _share_choices(formset, choices: dict) -> None:
    """Read each select's choices once for every row, so the page's queries do not grow
    with the number of rows."""
    for name, queryset in choices.items():
        forms_ = formset.forms
        if not forms_:
            return
        field = forms_[0].fields[name]
        options = list(queryset())
        listed = [] if field.empty_label is None else [("", field.empty_label)]
        listed += [(obj.pk, field.label_from_instance(obj)) for obj in options]
        for form in forms_:
            form.fields[name].choices = listed

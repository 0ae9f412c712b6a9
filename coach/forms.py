"""Forms of the coach workspace. They parse and validate; the services write."""

from datetime import date, datetime, time
from typing import Self

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db.models.utils import get_blank_choice_label
from django.utils import timezone

from trajecten.models import Update
from trajecten.versioning import StaleEdit
from workshops import datums
from workshops.models import Bijlage, Coachingsmoment, Workshop
from workshops.services import NewAttachment
from workshops.uploads import ACCEPT_ATTRIBUTE, KINDS_TEXT, check_upload

# Dates far outside the programme are typing mistakes (and years like 0001 break time zones).
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


EMPTY_CHOICE = "— kies —"


def dutch_empty_choices(form: forms.BaseForm) -> None:
    """Django's own empty choice reads "- Select an option -"; the coach reads Dutch."""
    blank = str(get_blank_choice_label())
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None and str(field.empty_label) == blank:
                field.empty_label = EMPTY_CHOICE
        elif isinstance(field, forms.ChoiceField):
            field.choices = [
                (value, EMPTY_CHOICE if value == "" and str(label) == blank else label)
                for value, label in field.choices
            ]


def _in_range(value: date | None) -> None:
    if value and not (EARLIEST <= value <= LATEST):
        raise forms.ValidationError(
            "Kies een datum tussen %(a)s en %(b)s.",
            params={"a": EARLIEST.year, "b": LATEST.year},
        )


class VersionMixin(forms.Form):
    """The version of the record the form was opened on, for the optimistic lock.

    A model form takes the version from its instance (a new instance needs none); any other
    form from `initial["versie"]`. After a refusal, `rebound_on` gives the coach's own input
    back, now carrying the current version, so saving again is a deliberate choice.
    """

    versie = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": "Het formulier mist zijn versienummer; open het opnieuw.",
            "invalid": "Het versienummer van het formulier is ongeldig; open het opnieuw.",
        },
    )

    # The keyword arguments (kept as attributes of the same name) a rebound form needs again;
    # declared by the form classes that take any (`traject`, `kpi`).
    context_names: tuple[str, ...]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dutch_empty_choices(self)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is None:
            del self.fields["versie"]
        elif instance is not None and not self.is_bound:
            self.initial["versie"] = instance.versie

    @property
    def base_versie(self) -> int | None:
        """The version the coach's edit starts from; None for a new record."""
        return self.cleaned_data.get("versie")

    def rebound_on(self, stale: StaleEdit) -> Self:
        data = self.data.copy()
        data[self.add_prefix("versie")] = str(stale.current.versie)
        kwargs = {name: getattr(self, name) for name in getattr(self, "context_names", ())}
        kwargs["prefix"] = self.prefix
        if isinstance(self, forms.BaseModelForm):
            kwargs["instance"] = stale.current
        return type(self)(data, self.files, **kwargs)


class _ScheduleMixin(forms.ModelForm):
    """A date and a time, combined into `gepland_op` in the portal's time zone."""

    context_names = ("traject",)
    datum = forms.DateField(required=False, widget=DateInput, help_text="Leeg als nog niet gekend.")
    uur = forms.TimeField(required=False, widget=TimeInput, help_text="Bijvoorbeeld 14:00.")
    datum_buiten_periode = datums.confirm_field()

    def __init__(self, *args, traject, **kwargs):
        super().__init__(*args, **kwargs)
        dutch_empty_choices(self)
        self.traject = traject
        self.instance.traject = traject
        if self.instance.gepland_op and not self.is_bound:
            local = timezone.localtime(self.instance.gepland_op)
            self.initial.setdefault("datum", local.date())
            self.initial.setdefault("uur", local.time().replace(second=0, microsecond=0))

    @property
    def saved_fields(self) -> list[str]:
        """The columns this form writes: its model fields and the combined date and time."""
        return [*self._meta.fields, "gepland_op"]

    def clean_datum(self):
        value = self.cleaned_data.get("datum")
        _in_range(value)
        return value

    def scheduled_at(self) -> datetime | None:
        day, hour = self.cleaned_data.get("datum"), self.cleaned_data.get("uur")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, hour or time(0, 0)))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("uur") and not cleaned.get("datum") and "datum" not in self.errors:
            self.add_error("datum", "Geef ook de datum bij het uur.")
        if not self.errors:
            self.instance.gepland_op = self.scheduled_at()
            datums.check_moment_dates(
                self,
                traject=self.traject,
                when=self.instance.gepland_op,
                held=self.instance.is_held,
                published=self.instance.gepubliceerd,
                date_field="datum",
            )
            if (
                self.instance.is_held
                and self.instance.gepland_op
                and self.instance.gepland_op > timezone.now()
            ):
                self.add_error("datum", "Dit moment is al gehouden: de datum ligt in het verleden.")
        return cleaned


class WorkshopForm(_ScheduleMixin):
    field_order = ["volgnummer", "titel", "datum", "uur", "plaats", "thema"]

    class Meta:
        model = Workshop
        fields = ["volgnummer", "titel", "plaats", "thema"]
        labels = {"volgnummer": "Nummer", "thema": "Thema en agenda"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volgnummer"].min_value = 1
        self.fields["volgnummer"].max_value = 20
        self.fields["volgnummer"].widget.attrs.update(min=1, max=20)
        self.fields["thema"].widget.attrs["rows"] = 4

    def clean_volgnummer(self):
        number = self.cleaned_data["volgnummer"]
        if not 1 <= number <= 20:
            raise forms.ValidationError("Kies een nummer van 1 tot 20.")
        taken = self.traject.workshops.filter(volgnummer=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Dit traject heeft al een workshop met dit nummer.")
        return number

    def clean(self):
        cleaned = super().clean()
        when, number = self.instance.gepland_op, cleaned.get("volgnummer")
        if when and number and not self.errors:
            self.instance.traject = self.traject
            problem = datums.out_of_order(self.instance, number, when)
            if problem:
                self.add_error("datum", problem)
        return cleaned


class WorkshopEditForm(VersionMixin, WorkshopForm):
    pass


class CoachingsmomentForm(_ScheduleMixin):
    field_order = ["onderwerp", "datum", "uur", "vorm"]

    class Meta:
        model = Coachingsmoment
        fields = ["onderwerp", "vorm"]


class CoachingsmomentEditForm(VersionMixin, CoachingsmomentForm):
    pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


# More files than this in one save is a mistake (a whole folder picked), not a report's annexes.
MAX_FILES_PER_SAVE = 10


class MultipleFileField(forms.FileField):
    """Several files from one file input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if len(files) > MAX_FILES_PER_SAVE:
            raise forms.ValidationError(
                f"Kies hoogstens {MAX_FILES_PER_SAVE} bestanden tegelijk.", code="too_many"
            )
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class VerslagForm(VersionMixin, forms.ModelForm):
    """The outcome of a moment, plus optionally new attachments (several at once)."""

    bestand = MultipleFileField(
        required=False,
        label="Nieuwe bijlagen",
        help_text=(
            f"Eén of meer bestanden tegelijk: {KINDS_TEXT}; hoogstens "
            f"{settings.MAX_UPLOAD_MB} MB elk. De inhoud wordt nagekeken, niet enkel de naam."
        ),
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    bijlage_titel = forms.CharField(
        required=False,
        max_length=200,
        label="Titel van de bijlage",
        help_text=(
            "Bv. 'Foto flip-over'. Bij meerdere bestanden krijgt elk de naam van het bestand."
        ),
    )
    bijlage_publiek = forms.BooleanField(
        required=False,
        label="Bijlagen publiek tonen",
        help_text="Publieke bijlagen verschijnen bij het verslag zodra het gepubliceerd is.",
    )

    class Meta:
        model = Workshop  # replaced per moment kind in coach/forms_uitkomst.py
        fields = [
            "status",
            "verslag",
            "aanwezigen",
            "aantal_aanwezigen",
            "beslissingen",
            "volgende_stappen",
            "interne_notities",
        ]
        labels = {
            "verslag": "Publiek verslag",
            "aantal_aanwezigen": "Aantal aanwezigen",
            "volgende_stappen": "Volgende stappen",
            "interne_notities": "Interne notities",
        }
        help_texts = {
            "verslag": "Markdown: **vet**, *schuin*, lijstjes met '-', koppen met '##'. "
            "Wordt pas publiek na publiceren.",
            "interne_notities": "Enkel voor coaches en programmabeheerders; nooit publiek.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verslag"].widget.attrs["rows"] = 10
        for name in ("aanwezigen", "beslissingen", "volgende_stappen", "interne_notities"):
            self.fields[name].widget.attrs["rows"] = 3
        self.fields["aantal_aanwezigen"].max_value = 1000
        self.fields["aantal_aanwezigen"].validators.append(MaxValueValidator(1000))
        self.fields["aantal_aanwezigen"].widget.attrs.update(min=0, max=1000)
        self.checked_uploads = []
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "versie",
            Fieldset("Verloop", "status", Div("aanwezigen", "aantal_aanwezigen")),
            Fieldset("Verslag", "verslag", "beslissingen", "volgende_stappen"),
            Fieldset("Intern", "interne_notities"),
            Fieldset("Bijlagen toevoegen", "bestand", "bijlage_titel", "bijlage_publiek"),
        )

    @property
    def saved_fields(self) -> list[str]:
        """The columns this form writes."""
        return list(self._meta.fields)

    def clean_bestand(self):
        uploads = self.cleaned_data.get("bestand") or []
        errors = []
        for upload in uploads:
            try:
                self.checked_uploads.append((upload, check_upload(upload)))
            except forms.ValidationError as error:
                errors += [f"{upload.name}: {message}" for message in error.messages]
        if errors:
            self.checked_uploads = []
            raise forms.ValidationError(errors)
        return uploads

    def new_attachments(self) -> list[NewAttachment]:
        """The checked uploads to store with the report; a title only for a single file."""
        titel = self.cleaned_data["bijlage_titel"] if len(self.checked_uploads) == 1 else ""
        return [
            NewAttachment(
                upload=upload,
                checked=checked,
                titel=titel,
                is_publiek=self.cleaned_data["bijlage_publiek"],
            )
            for upload, checked in self.checked_uploads
        ]

    def clean(self):
        cleaned = super().clean()
        moment = self.instance
        status = cleaned.get("status")
        if moment.gepubliceerd:
            if status and status != moment.Status.GEHOUDEN:
                self.add_error(
                    "status",
                    "Dit verslag is gepubliceerd, dus het moment is gehouden. "
                    "Zet de publicatie eerst af om de status te wijzigen.",
                )
            if "verslag" in cleaned and not cleaned["verslag"].strip():
                self.add_error(
                    "verslag",
                    "Een gepubliceerd verslag kan niet leeg zijn. Zet de publicatie eerst af.",
                )
        if status == moment.Status.GEHOUDEN and moment.gepland_op is None:
            self.add_error("status", datums.NO_DATE_HELD)
        if (
            status == moment.Status.GEHOUDEN
            and moment.gepland_op
            and moment.gepland_op > timezone.now()
        ):
            self.add_error(
                "status",
                "De geplande datum ligt nog in de toekomst; pas eerst de planning aan.",
            )
        if (
            not self.checked_uploads
            and cleaned.get("bijlage_titel")
            and "bestand" not in self.errors
        ):
            self.add_error("bestand", "Kies het bestand bij deze titel.")
        return cleaned


class PublishForm(VersionMixin, forms.Form):
    """Publishing carries the version seen, so one publishes exactly what one read."""


class BijlageForm(VersionMixin, forms.ModelForm):
    class Meta:
        model = Bijlage
        fields = ["titel", "is_publiek"]
        labels = {"is_publiek": "Publiek tonen bij het verslag"}


class UpdateForm(VersionMixin, forms.ModelForm):
    publiceren = forms.BooleanField(
        required=False,
        label="Publiceren op de tijdlijn",
        help_text="Zonder vinkje blijft de update een klad, enkel zichtbaar voor coaches.",
    )

    class Meta:
        model = Update
        fields = ["datum", "titel", "tekst"]
        widgets = {"datum": DateInput}
        help_texts = {"tekst": "Markdown. Publiek zodra de update gepubliceerd is."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tekst"].widget.attrs["rows"] = 6
        if not self.is_bound:
            self.initial["publiceren"] = self.instance.gepubliceerd
            if self.instance.pk is None:
                self.initial.setdefault("datum", timezone.localdate())

    def clean_datum(self):
        value = self.cleaned_data["datum"]
        _in_range(value)
        if value > timezone.localdate():
            raise forms.ValidationError(
                "Een update gaat over wat al gebeurde: geen datum in de toekomst."
            )
        return value

    def clean_tekst(self):
        value = self.cleaned_data["tekst"]
        if not value.strip():
            raise forms.ValidationError("Schrijf de tekst van de update.")
        return value

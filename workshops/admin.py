import copy

from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from trajecten.admin import TrajectAdmin
from trajecten.models import Traject
from trajecten.versioning import versioned_save
from workshops import datums
from workshops.models import (
    Bijlage,
    Coachingsmoment,
    Goedkeuringsverzoek,
    SjabloonWorkshop,
    Workshop,
)
from workshops.services import (
    ReportError,
    approval_required,
    is_approved,
    moment_delete,
    moment_save_by_manager,
    workshops_plan_from_template,
)


@admin.register(SjabloonWorkshop)
class SjabloonWorkshopAdmin(admin.ModelAdmin):
    list_display = ["soort", "volgnummer", "titel"]
    list_filter = ["soort"]
    ordering = ["soort", "volgnummer"]


class MomentAdminForm(forms.ModelForm):
    """The date rules of workshops/datums.py, as the coach forms apply them."""

    datum_buiten_periode = datums.confirm_field()

    def clean(self):
        cleaned = super().clean()
        # Inline on a trajectory not saved yet, there is no trajectory to compare with.
        traject = cleaned.get("traject") or getattr(self.instance, "traject", None)
        if traject is not None and "gepland_op" in self.fields:
            datums.check_moment_dates(
                self,
                traject=traject,
                when=cleaned.get("gepland_op"),
                held=cleaned.get("status") == Workshop.Status.GEHOUDEN,
                published=bool(cleaned.get("gepubliceerd")),
                date_field="gepland_op",
            )
        self._check_signoff(cleaned, traject)
        return cleaned

    def _check_signoff(self, cleaned, traject) -> None:
        """A manager publishing here is held to the round's sign-off rule, as a coach is."""
        newly_published = cleaned.get("gepubliceerd") and not self.instance.gepubliceerd
        if not newly_published or traject is None or not traject.ronde.goedkeuring_vereist:
            return
        moment = copy.copy(self.instance)
        moment.traject = traject
        for name, value in cleaned.items():
            if hasattr(moment, name) and name != "traject":
                setattr(moment, name, value)
        if moment.pk is None or (approval_required(moment) and not is_approved(moment)):
            self.add_error(
                "gepubliceerd",
                "Deze ronde vraagt de goedkeuring van het deelnemende bestuur: publiceer pas "
                "wanneer de contactpersoon precies deze tekst goedkeurde (de coach legt het "
                "verslag ter goedkeuring voor).",
            )


class WorkshopInline(admin.StackedInline):
    model = Workshop
    form = MomentAdminForm
    extra = 0
    fields = [
        ("volgnummer", "titel"),
        ("gepland_op", "plaats", "status"),
        "datum_buiten_periode",
        "thema",
        "gepubliceerd",
    ]
    show_change_link = True


class CoachingsmomentInline(admin.TabularInline):
    model = Coachingsmoment
    form = MomentAdminForm
    extra = 0
    fields = ["gepland_op", "datum_buiten_periode", "vorm", "onderwerp", "status", "gepubliceerd"]
    show_change_link = True


# The trajectory admin gains its workshops here: trajecten itself does not know workshops.
admin.site.unregister(Traject)


@admin.register(Traject)
class TrajectMetWorkshopsAdmin(TrajectAdmin):
    inlines = [*TrajectAdmin.inlines, WorkshopInline, CoachingsmomentInline]

    def save_formset(self, request, form, formset, change):
        if formset.model not in (Workshop, Coachingsmoment):
            return super().save_formset(request, form, formset, change)
        for moment in formset.save(commit=False):
            moment_save_by_manager(moment=moment, by=request.user)
        for moment in formset.deleted_objects:
            try:
                moment_delete(moment=moment, by=request.user)
            except ReportError as refusal:
                messages.error(request, f"{moment} is niet verwijderd: {refusal}")
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            workshops_plan_from_template(traject=form.instance)


class BijlageInline(admin.TabularInline):
    model = Bijlage
    extra = 0
    fields = ["titel", "bestand", "is_publiek", "mime_type", "grootte"]
    readonly_fields = ["mime_type", "grootte"]


class MomentAdmin(SimpleHistoryAdmin):
    form = MomentAdminForm
    list_filter = ["status", "gepubliceerd", "is_demo", "traject__soort"]
    list_select_related = ["traject"]
    autocomplete_fields = ["traject"]
    date_hierarchy = "gepland_op"
    inlines = [BijlageInline]
    readonly_fields = ["gepubliceerd_op", "versie", "bijgewerkt_op"]

    def save_model(self, request, obj, form, change):
        moment_save_by_manager(moment=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        # Attachments edited inline get a new version too (see BijlageAdmin).
        for bijlage in formset.save(commit=False):
            versioned_save(obj=bijlage, base_versie=None, by=request.user)
        for bijlage in formset.deleted_objects:
            bijlage._history_user = request.user
            bijlage.delete()
        formset.save_m2m()

    def has_delete_permission(self, request, obj=None):
        # A published report is never deleted by accident: unpublish it first.
        if obj is not None and obj.gepubliceerd:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        published = queryset.filter(gepubliceerd=True)
        if kept := published.count():
            messages.warning(request, f"{kept} gepubliceerde verslagen zijn niet verwijderd.")
        for moment in queryset.filter(gepubliceerd=False):
            moment_delete(moment=moment, by=request.user)


@admin.register(Workshop)
class WorkshopAdmin(MomentAdmin):
    list_display = ["__str__", "traject", "gepland_op", "status", "gepubliceerd", "is_demo"]
    search_fields = ["titel__fold", "thema__fold", "traject__titel__fold"]
    fieldsets = [
        (None, {"fields": ["traject", "volgnummer", "titel", "thema"]}),
        ("Planning", {"fields": ["gepland_op", "datum_buiten_periode", "plaats", "status"]}),
        (
            "Verslag",
            {
                "fields": [
                    "verslag",
                    "aanwezigen",
                    "aantal_aanwezigen",
                    "beslissingen",
                    "volgende_stappen",
                    "interne_notities",
                ]
            },
        ),
        ("Publicatie", {"fields": ["gepubliceerd", "gepubliceerd_op", "is_demo", "versie"]}),
    ]


@admin.register(Coachingsmoment)
class CoachingsmomentAdmin(MomentAdmin):
    list_display = ["onderwerp", "traject", "gepland_op", "vorm", "status", "gepubliceerd"]
    search_fields = ["onderwerp__fold", "traject__titel__fold"]
    list_filter = ["vorm", *MomentAdmin.list_filter]


@admin.register(Bijlage)
class BijlageAdmin(SimpleHistoryAdmin):
    list_display = ["titel", "moment", "is_publiek", "mime_type", "grootte", "aangemaakt_op"]
    list_filter = ["is_publiek", "is_afbeelding"]
    search_fields = ["titel", "bestandsnaam"]
    list_select_related = ["workshop__traject", "coachingsmoment__traject"]
    autocomplete_fields = ["workshop", "coachingsmoment"]
    readonly_fields = ["bestandsnaam", "mime_type", "grootte", "is_afbeelding", "geupload_door"]

    def save_model(self, request, obj, form, change):
        # A coach's form opened before this save is refused, not silently overwritten.
        versioned_save(obj=obj, base_versie=None, by=request.user)


@admin.register(Goedkeuringsverzoek)
class GoedkeuringsverzoekAdmin(admin.ModelAdmin):
    """What was put before which contact person, and the answer; written only by the flow."""

    list_display = ["moment", "versie", "contact_naam", "status", "aangevraagd_op", "beantwoord_op"]
    list_filter = ["status"]
    search_fields = [
        "contact_naam",
        "contact_email",
        "workshop__titel",
        "coachingsmoment__onderwerp",
    ]
    list_select_related = ["workshop", "coachingsmoment"]
    exclude = ["sleutel", "inhoud"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
